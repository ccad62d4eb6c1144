"""The benchmark (docs/performance.md): `python -m tests.bench.seed` fills a database with a
realistic clinic group, `python -m tests.bench.run` measures the hot pages and reports on it.
Not collected by pytest (pyproject's norecursedirs); tests/unit/test_bench_seed.py runs the
seed at a tiny scale."""
