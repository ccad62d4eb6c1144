"""The shipped curriculum: enough of it, every position covered, no banned claims, own words."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSITIONS = {"客服", "前台", "咨询师", "医生助理", "护士", "医生", "会员专员", "运营"}
BANNED = ["最好", "第一", "最佳", "国家级", "100%", "保证", "根治", "永久", "无副作用", "零风险",
          "无痛", "立竿见影"]
INLINE_CODE = re.compile(r"`[^`]*`")


def _course_dirs():
    return sorted(p for p in (ROOT / "courses").iterdir() if p.is_dir())


def _sop_files():
    return sorted((ROOT / "sop").glob("*.toml"))


def _all_texts():
    for folder in _course_dirs():
        for path in sorted(folder.iterdir()):
            yield path, path.read_text(encoding="utf-8")
    for path in _sop_files():
        yield path, path.read_text(encoding="utf-8")


def test_at_least_eight_courses_of_three_lessons_and_sixteen_sop_modules():
    courses = _course_dirs()
    assert len(courses) >= 8
    for folder in courses:
        assert len(list(folder.glob("[0-9][0-9]-*.md"))) >= 3, folder.name
    assert len(_sop_files()) >= 16


def test_the_coverage_matrix_names_every_course_and_sop_module():
    legend = (ROOT / "docs" / "curriculum.md").read_text(encoding="utf-8")
    slugs = [p.name for p in _course_dirs()] + [p.stem for p in _sop_files()]
    assert [s for s in slugs if f"`{s}`" not in legend] == []


def test_every_position_of_the_client_journey_owns_an_sop_step():
    covered = set()
    for path in _sop_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        covered.add(data.get("owner_position"))
        covered.update(step.get("position") for step in data["steps"])
    missing = {"客服", "前台", "咨询师", "医生助理", "护士", "会员专员", "运营"} - covered
    assert not missing


def test_no_absolute_claims_except_quoted_as_what_not_to_say():
    offences = []
    for path, text in _all_texts():
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("> ❌"):
                continue
            bare = INLINE_CODE.sub("", line)
            offences += [f"{path.relative_to(ROOT)}:{number}: {word}" for word in BANNED
                         if word in bare]
    assert not offences, offences


def test_no_client_phone_numbers_id_numbers_or_external_links():
    phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    id_card = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
    for path, text in _all_texts():
        assert not phone.search(text), path
        assert not id_card.search(text), path
        assert "http://" not in text and "https://" not in text, path


def test_no_passage_is_copied_from_the_seed_articles(shared_dir):
    window = 14
    seeds = "".join(p.read_text(encoding="utf-8") for p in (shared_dir / "seeds").glob("*.txt"))
    seeds = re.sub(r"\s+", "", seeds)
    seen = {seeds[i:i + window] for i in range(len(seeds) - window)}
    copied = []
    for path, text in _all_texts():
        flat = re.sub(r"\s+", "", text)
        copied += [f"{path.relative_to(ROOT)}: {flat[i:i + window]}"
                   for i in range(len(flat) - window) if flat[i:i + window] in seen]
    assert not copied, copied[:10]
