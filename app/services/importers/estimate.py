"""How long an import will take, from its row count and rates measured on this project's
machine size (2 cores; docs/operations.md, "Large imports"). The preview ("only check the
file") states it, so an administrator knows whether to wait or to split the file.

A roster's time is dominated by the password hash of each new account (scrypt, on purpose
slow: 0.27 s measured with the machine shared, about 0.1 s alone); rows that only update an
account cost little. Questions are cheap (1.4 ms each measured)."""

from __future__ import annotations

import math

SECONDS_PER_NEW_ACCOUNT = 0.27
SECONDS_PER_ROSTER_ROW = 0.004
SECONDS_PER_QUESTION = 0.002
OVERHEAD_SECONDS = 1.0  # reading the file, the checks, the commit


def roster_seconds(rows: int, new_accounts: int) -> int:
    """Whole seconds a roster of `rows` rows, `new_accounts` of them new, takes to import."""
    return math.ceil(OVERHEAD_SECONDS + rows * SECONDS_PER_ROSTER_ROW
                     + new_accounts * SECONDS_PER_NEW_ACCOUNT)


def questions_seconds(questions: int) -> int:
    """Whole seconds importing `questions` questions takes."""
    return math.ceil(OVERHEAD_SECONDS + questions * SECONDS_PER_QUESTION)
