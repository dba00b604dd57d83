"""Late entries and corrections, by kind: how well the record kept up with care.

An entry is late when it was saved ``late_entry_minutes`` (the clinic's setting, as the day log uses it) or
more after the moment it records: entries kept in the journal while the database was away and sent later,
or added late after a conflict. A correction (before signing) or an addendum (after) is an entry of its own
naming the entry it corrects; they are counted by the kind of entry corrected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from core.events import Event, EventType
from core.figures import Figure, rate

SECTION = "Late entries and corrections"
EVERY = "÷ sessions opened in the period, × 100."


def record_keeping(
    sessions: int,
    late_after: timedelta,
    saved: Sequence[tuple[str, datetime, datetime]],
    corrections: Sequence[Event],
    kinds_corrected: Mapping[str, str],
) -> tuple[Figure, ...]:
    """``saved``: the period's entries saved at another moment than they record (kind, occurred, recorded);
    ``corrections``: its corrections and addenda; ``kinds_corrected``: the kind of each entry they name."""
    minutes = int(late_after.total_seconds() // 60)
    late = Counter(kind for kind, occurred, recorded in saved if recorded - occurred >= late_after)
    figures = [
        rate(
            "late_entries",
            SECTION,
            "Late entries",
            sum(late.values()),
            sessions,
            f"Entries of the period saved {minutes} minutes or more after the moment they record {EVERY}",
        )
    ]
    for kind, count in sorted(late.items(), key=lambda item: (-item[1], item[0])):
        figures.append(
            rate(f"late_{kind}", SECTION, f"Late entries: {kind}", count, sessions, f"As above, of kind {kind}.")
        )
    for what, words in ((EventType.CORRECTED, "Corrections"), (EventType.ADDENDUM, "Addenda")):
        of_kind = [event for event in corrections if event.type is what]
        figures.append(
            rate(
                what.value.replace(".", "_"),
                SECTION,
                words,
                len(of_kind),
                sessions,
                f"{words} recorded in the period {EVERY}",
            )
        )
        named = Counter(kinds_corrected.get(event.corrects or "", "no entry named") for event in of_kind)
        for kind, count in sorted(named.items(), key=lambda item: (-item[1], item[0])):
            figures.append(
                rate(
                    f"{what.value.replace('.', '_')}_{kind}",
                    SECTION,
                    f"{words} of: {kind}",
                    count,
                    sessions,
                    f"{words} of the period naming an entry of this kind {EVERY}",
                )
            )
    return tuple(figures)
