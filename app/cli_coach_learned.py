"""`flask coach eval --leave-one-out DIR` and `flask coach build-model`: the learned second
layer of the coach, measured set by set and rebuilt from the labelled sets (docs/coach.md,
"Learned second layer")."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask_babel import gettext as _

from app.services.coach.evaluate import GOAL_RECALL, EvalFileError
from app.services.coach.learned import MODEL_FILE, build
from app.services.coach.learned_eval import (
    curriculum_sets,
    labelled_sets,
    leave_one_out,
    totals,
)
from app.services.coach.terms import TermsFileError, find_terms, load_terms

DEFAULT_DATA = Path("tests/data")


def _sets(folder: str | Path, root: Path) -> dict[str, dict]:
    sets = labelled_sets(folder)
    if not sets:
        raise EvalFileError(f"{folder}: no labelled set (*.json)")
    return sets | curriculum_sets(root)


def run_leave_one_out(folder: str, root: Path, as_json: bool, terms_file) -> int:
    """Print per-set and total figures; 0 when the model alone meets the goal over the
    labelled sets, 1 when not, 2 when a set cannot be read."""
    try:
        results = leave_one_out(_sets(folder, root), terms_file=terms_file)
    except (EvalFileError, TermsFileError) as exc:
        click.echo(_("Cannot evaluate: %(error)s", error=str(exc)), err=True)
        return 2
    total = totals(results)
    if as_json:
        click.echo(json.dumps({"sets": [r.__dict__ for r in results], "totals": total},
                              ensure_ascii=False, indent=2))
    else:
        for r in results:
            click.echo(_("%(set)s: model alone %(caught)d/%(risky)d, %(alarms)d/%(safe)d false "
                         "alarms; rules + model %(both)d/%(risky)d, %(both_alarms)d/%(safe)d",
                         set=r.name, caught=r.model_caught, risky=r.risky,
                         alarms=r.model_alarms, safe=r.safe, both=r.both_caught,
                         both_alarms=r.both_alarms))
        click.echo(_("Total (labelled sets): model alone %(caught)d/%(risky)d, %(alarms)d/"
                     "%(safe)d false alarms; rules + model %(both)d/%(risky)d, "
                     "%(both_alarms)d/%(safe)d. Curriculum replies: %(plain_alarms)d/"
                     "%(plain)d marked by the model.", caught=total["model_caught"],
                     risky=total["risky"], alarms=total["model_alarms"], safe=total["safe"],
                     both=total["both_caught"], both_alarms=total["both_alarms"],
                     plain_alarms=total["plain_alarms"], plain=total["plain_safe"]))
    met = (total["model_caught"] >= GOAL_RECALL * total["risky"]
           and 30 * total["model_alarms"] <= total["safe"])
    return 0 if met else 1


@click.command("build-model")
@click.option("--data", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_DATA, show_default=True, help="The folder of labelled sets.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=MODEL_FILE, show_default=True)
def build_model_command(folder: Path, output: Path) -> None:
    """Train the coach's learned layer on every labelled set in the folder (and the lawful
    replies of courses/ and sop/) and write the model file the coach reads."""
    root = Path(__file__).resolve().parent.parent
    try:
        book = load_terms()
        sets = _sets(folder, root)
    except (EvalFileError, TermsFileError) as exc:
        raise click.ClickException(str(exc)) from None
    keys = {rule.id: rule.category for rule in book.rules + book.slot_rules}

    def family_of(line: str) -> str:
        found = find_terms(line, book=book, learned=False)
        return keys.get(found[0].rule, "") if found else ""

    shipped = build(list(sets.values()), family_of)
    output.write_text(json.dumps(shipped.as_dict(), ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":")) + "\n", encoding="utf-8")
    click.echo(_("Model written to %(file)s (%(grams)d n-grams, threshold %(threshold).3f).",
                 file=str(output), grams=len(shipped.model.weights),
                 threshold=shipped.model.threshold))
