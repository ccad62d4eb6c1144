"""`flask backup create / verify / restore` on the database the suite runs on (SQLite by
default, PostgreSQL with TEST_DATABASE_URL): a restore brings back the same exports and the
same uploaded bytes; a damaged archive is caught; a restore over data needs --force; a backup
from newer code is refused; a missing pg_dump is named with its package."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import EvidencePhoto, Media, User
from app.models.base import utcnow
from app.services import backup_db
from app.services.backup import create_backup
from app.services.errors import DomainError
from app.services.media import save_upload
from tests.helpers import upload_settings
from tests.report_factories import team_fixture

TABLES = ("matrix", "quizzes", "questions", "reviews", "results")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def team(demo, uploads):
    fixture = team_fixture()  # practice runs with evidence photos, under `uploads`
    save_upload(io.BytesIO(PNG), "海报.png", "image", None, upload_settings())
    db.session.commit()
    return fixture


def _exports(client, auth) -> dict[str, bytes]:
    auth.as_role("supervisor")
    found = {table: client.get(f"/team/dashboard/export?table={table}&format=csv").data
             for table in TABLES}
    auth.logout()
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _invoke(runner, *args):
    db.session.commit()
    db.session.close()
    result = runner.invoke(args=["backup", *args])
    db.session.close()
    return result


def _create(runner, folder: Path) -> Path:
    result = _invoke(runner, "create", str(folder), "--json")
    assert result.exit_code == 0, result.output
    return Path(json.loads(result.output)["path"])


def test_restore_brings_back_the_same_exports_and_files(client, auth, runner, team, uploads,
                                                        tmp_path):
    before, files = _exports(client, auth), _files(uploads)
    assert any(name.startswith("evidence/") for name in files) and len(files) >= 2
    assert "王小雨".encode() in before["matrix"]
    archive = _create(runner, tmp_path / "backups")
    assert archive.name.startswith("sop-academy-backup-") and archive.name.endswith(".tar.gz")

    # after the backup: a name changed, a photo lost, a stray file added
    db.session.execute(select(User).where(User.login == "10008")).scalar_one().name = "改名"
    photo = db.session.execute(select(EvidencePhoto)).scalars().first()
    (uploads / "evidence" / photo.stored_name).unlink()
    (uploads / "stray.txt").write_text("not in the backup")
    assert _exports(client, auth) != before

    refused = _invoke(runner, "restore", str(archive))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert (uploads / "stray.txt").exists()  # nothing changed

    restored = _invoke(runner, "restore", str(archive), "--force", "--json")
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["restored"] is True
    assert _exports(client, auth) == before
    assert _files(uploads) == files
    media = db.session.execute(select(Media)).scalar_one()
    assert (uploads / media.stored_name).read_bytes() == PNG


def test_manifest_lists_counts_checksums_and_missing_files(runner, team, uploads, tmp_path):
    lost = db.session.execute(select(Media.stored_name)).scalar_one()
    (uploads / lost).unlink()
    (uploads / ".upload-abc.part").write_bytes(b"half an upload")
    people = db.session.scalar(select(func.count()).select_from(User))
    archive = _create(runner, tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's only
    assert manifest["missing"] == [lost]
    assert manifest["row_counts"]["users"] == people
    assert manifest["database"]["kind"] == db.engine.dialect.name
    assert {f["path"] for f in manifest["files"]} == {n for n in names if n.startswith("uploads/")}
    assert "uploads/.upload-abc.part" not in names
    verified = _invoke(runner, "verify", str(archive), "--json")
    assert verified.exit_code == 0 and json.loads(verified.output)["ok"] is True


def _rewrite(archive: Path, change) -> Path:
    """A copy of the archive with each member's bytes passed through `change(name, data)`."""
    copy = archive.with_name("tampered.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def test_verify_catches_a_changed_file_and_a_truncated_archive(runner, team, tmp_path):
    archive = _create(runner, tmp_path)
    tampered = _rewrite(archive, lambda name, data: data[:-1] + b"!"
                        if name.startswith("uploads/evidence/") else data)
    result = _invoke(runner, "verify", str(tampered), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["ok"] is False
    assert any("uploads/evidence/" in problem for problem in report["problems"])

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert _invoke(runner, "verify", str(truncated)).exit_code == 1
    restore = _invoke(runner, "restore", str(tampered), "--force")
    assert restore.exit_code == 1  # refused before anything changed


def _backup_at_revision(runner, revision: str, folder: Path) -> Path:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    try:
        return _create(runner, folder)
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_a_backup_from_newer_code_is_refused(runner, demo, uploads, tmp_path):
    archive = _backup_at_revision(runner, "ffffffffffff", tmp_path)
    result = _invoke(runner, "restore", str(archive), "--force")
    assert result.exit_code == 1 and "ffffffffffff" in result.output
    assert db.session.execute(select(User).where(User.login == "admin")).scalar_one()


def test_a_backup_from_older_code_asks_for_db_upgrade(app, runner, demo, uploads, tmp_path):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(app.extensions["migrate"].directory)
    oldest = next(iter(script.get_bases()))
    archive = _backup_at_revision(runner, oldest, tmp_path)
    try:
        result = _invoke(runner, "restore", str(archive), "--force", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["upgrade_needed"] is True
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_a_missing_pg_dump_names_the_package(runner, app, uploads, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    if db.engine.dialect.name == "postgresql":
        result = _invoke(runner, "create", str(tmp_path / "b"))
        assert result.exit_code == 1
        message = result.output
    else:
        with pytest.raises(DomainError) as caught:
            backup_db.require_tool("pg_dump")
        message = str(caught.value)
    assert "pg_dump" in message and "postgresql-client" in message


def test_unreachable_database_and_a_folder_inside_the_uploads_are_clear_errors(app, uploads,
                                                                             tmp_path):
    nowhere = create_engine("postgresql+psycopg://sop@127.0.0.1:9/sop_academy")
    with pytest.raises(DomainError, match="无法读写数据库："):
        create_backup(nowhere, uploads, tmp_path / "b", app_version="t", now=utcnow())
    with pytest.raises(DomainError, match="备份目录不能位于上传目录之内"):
        create_backup(db.engine, uploads, uploads / "backups", app_version="t", now=utcnow())
    assert not (uploads / "backups").exists()


def test_a_failed_database_restore_changes_nothing(app, demo, tmp_path, monkeypatch):
    """PostgreSQL: the dump loads fully, then a last statement fails; the drop of every table
    and the load are rolled back with it. SQLite: a dump that is not a database."""
    kind = backup_db.kind_of(db.engine)
    if kind == "postgresql":
        dump = backup_db.snapshot(db.engine, tmp_path).path
        fake = tmp_path / "bin" / "pg_restore"
        fake.parent.mkdir()
        fake.write_text(f'#!/bin/sh\n{shutil.which("pg_restore")} "$@"\necho "SELECT 1/0;"\n')
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    else:
        dump = tmp_path / "database.sqlite3"
        dump.write_bytes(b"not a database " * 1000)
    admin = db.session.execute(select(User).where(User.login == "admin")).scalar_one()
    admin.name = "备份之后改的名字"
    db.session.commit()
    db.session.close()
    with pytest.raises(DomainError):
        backup_db.restore(db.engine, kind, dump)
    names = db.session.execute(select(User.login, User.name)).all()
    assert ("admin", "备份之后改的名字") in names and len(names) == len(demo)


def test_keep_deletes_the_oldest_archives(runner, app, uploads, tmp_path):
    old = [tmp_path / f"sop-academy-backup-2026010{day}-020000.tar.gz" for day in (1, 2)]
    for path in old:
        path.write_bytes(b"old")
    result = _invoke(runner, "create", str(tmp_path), "--keep", "2", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["deleted"] == [str(old[0])]
    assert not old[0].exists() and old[1].exists()
