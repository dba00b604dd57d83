"""The clinic's quality report (issue: alarms, overrides and near misses over time): what the records say
about where care slipped and where the limits caught it, counted over any period, each figure with its
definition. Pure functions over rows read through the one door (``core.records``)."""
