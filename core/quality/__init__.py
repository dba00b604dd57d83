"""The clinic's quality report: what the records say about alarms, overrides and near misses, checks,
silences, the controlled substance and record keeping over a period, and what a changed threshold would have
done. Pure functions over the plain rows ``core.records`` reads (``core.quality.rows``), each figure with its
definition."""
