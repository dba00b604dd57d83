"""The clinic's quality report (issue 20): what the records say about alarms, and what a changed threshold
would have done, counted over a period from the rows ``core.records.quality`` reads."""
