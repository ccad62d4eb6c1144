"""Points (积分) and the leaderboard (排行榜).

Points are never stored: they are counted from the learning records every time, so an
administrator's change of a rule's value applies to everyone's past and future points at
once. See rules.py (the values), tally.py (what counts) and leaderboard.py (who sees whom).
"""
