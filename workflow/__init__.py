"""workflow — every write.

The lifecycles (`flows/`, declared with viewflow.fsm); the services, one module per entity,
each a named, typed function that locks, checks, changes, audits and calls its side effects
(messages, PDFs) visibly at its end (`services/`); and the hash-chained audit trail
(`audit.py`, `models.py`) with its reading as a report's history (`timeline.py`).
"""
