"""The 10×-data comparison (tests/bench/scale.py): each round's ratio is taken between the two
databases measured one right after the other, and the verdict is the median of those ratios —
a slow minute that hits both sides of one round does not move it."""

from __future__ import annotations

from tests.bench.scale import markdown, summary
from tests.bench.workloads import WORKLOADS

ANALYTICS = next(w for w in WORKLOADS if w.key == "analytics")


def _round(small: float, large: float, errors: int = 0) -> dict:
    side = {"errors": 0, "error_samples": []}
    return {"small": {**side, "p50_ms": small},
            "large": {**side, "p50_ms": large, "errors": errors,
                      "error_samples": ["HTTP 500 /manage/analytics"] * errors},
            "ratio": round(large / small, 3)}


def _table(found: dict) -> str:
    return markdown({"meta": {"database": "sqlite", "small_staff": 1000, "large_staff": 10000,
                              "workers": 4, "duration": 5, "rounds": 3, "when": "now"},
                     "reports": {"analytics": found}})


def test_the_ratio_is_the_median_of_the_rounds_ratios_not_of_the_medians():
    # a slow machine in round 2 doubled both sides: its ratio is still 1.4
    found = summary(ANALYTICS, [_round(10, 14), _round(20, 28), _round(11, 17)])
    assert found["ratios"] == [1.4, 1.4, 1.545]
    assert found["ratio"] == 1.4
    assert (found["small_p50_ms"], found["large_p50_ms"]) == (11, 17)  # 17 / 11 would fail
    assert "| 1.4× ✓ |" in _table(found)


def test_a_ratio_over_one_and_a_half_or_an_error_fails():
    over = summary(ANALYTICS, [_round(10, 16), _round(10, 17), _round(10, 14)])
    assert over["ratio"] == 1.6
    assert "| 1.6× ✗ |" in _table(over)
    failed = summary(ANALYTICS, [_round(10, 12), _round(10, 12, errors=2), _round(10, 12)])
    assert failed["errors"] == 2 and failed["error_samples"]
    assert "| 1.2× ✗ |" in _table(failed)
