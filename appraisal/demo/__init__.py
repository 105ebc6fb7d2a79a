"""Demo data (`seed_demo`): the national program's people and a year in every state, made
through the real services as pages would make it (`seed.py`, `year.py`); and ten years at
national scale for the benchmarks, written in bulk (`scale*.py`)."""
