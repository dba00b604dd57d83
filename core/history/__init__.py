"""A made-up clinic history for demo and benchmark databases: planned (``plan``), copied from sessions
``Care`` recorded (``templates``, ``sessions``) and written in bulk with its audit trail (``build``).
``build_history(database, protocol, nurses=…, start=…, end=…, patients=…, seed=…)`` is the one call."""

from core.history.build import HistorySummary, build_history

__all__ = ["HistorySummary", "build_history"]
