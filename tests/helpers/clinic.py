"""The clinic every test is set in: the moment its day starts and the doctor who orders its courses."""

from __future__ import annotations

from datetime import UTC, datetime

T0 = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
"""Where every test's clock starts: a weekday afternoon, so a course ordered "from today" starts on it."""

PRESCRIBER = "Dr Amara Patel"
"""The doctor named on every course a test orders."""
