"""The report's courses as one table of whole numbers: what every figure takes from a course (``INPUTS``), a
row per course in the report, so the figures over tens of thousands of courses are array sums, and a kept
course (``course_outcome``) goes from its bytes in the database to its row here without becoming an object.

The inputs are the same whether a course was counted from its records (``CourseFacts.inputs``) or read as
kept; a kept row holds exactly them, packed (``PACKED``). Days are ordinals of the clinic's local dates; a day
that is not there (no last infusion, no next course) is 0, which no date has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

INPUTS = (
    "first_infusion_day",
    "first_anchor_day",
    "last_infusion_day",
    "next_began_day",
    "days",
    "completed",
    "stopped_early",
    "started",
    "on_protocol",
    "cancelled",
    "missed",
    "not_treated",
    "no_record",
    "first_of_patient",
)
"""A course's inputs to the figures, in the order a row gives them:

- ``first_infusion_day``: the day its first infusion began (which period's report it is in);
- ``first_anchor_day``: the day of the first moment of its treated sessions, or its first day when none (a
  baseline's window's anchor, as ``course_spans`` takes it);
- ``last_infusion_day``: the day of its last infusion once it has ended with one, else 0;
- ``next_began_day``: the day the patient's next course's first infusion began, 0 when there is none;
- its scheduled days, and its sessions completed, stopped early and begun;
- ``on_protocol``: every scheduled session completed, on consecutive days (1 or 0);
- its days not given, by why (cancelled, missed, not treated, no record);
- ``first_of_patient``: the patient's first course in which an infusion began (1 or 0)."""
PACKED = "<i4"
"""A kept course's inputs: 32-bit, little-endian, whatever the machine that reads them."""
NOT_THERE = 0
"""A day that is not there: no date's ordinal is 0."""
NEVER = date.max.toordinal() + 1
"""``next_began`` where the patient began no next course: after every day."""


class _Input:
    """An input's column of the table, by its name in ``INPUTS``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.at = INPUTS.index(name)

    def __get__(self, table: CourseTable, owner: type) -> np.ndarray:
        return table.values[:, self.at]


class _Flag(_Input):
    def __get__(self, table: CourseTable, owner: type) -> np.ndarray:
        return table.values[:, self.at] != 0


@dataclass
class CourseTable:
    """The report's courses, a row each: ``ids`` and ``patients`` as lists, the inputs as ``values`` (one
    column each, read by name), and ``ended`` (a course still running at the cut-off has no completion or
    adherence yet)."""

    ids: list[str]
    patients: list[str]
    values: np.ndarray
    ended: np.ndarray

    first_infusion_day = _Input()
    first_anchor_day = _Input()
    last_infusion_day = _Input()
    days = _Input()
    completed = _Input()
    stopped_early = _Input()
    started = _Input()
    on_protocol = _Flag()
    cancelled = _Input()
    missed = _Input()
    not_treated = _Input()
    no_record = _Input()
    first_of_patient = _Flag()

    @classmethod
    def of(cls, counted: Sequence[tuple[Any, ...]], kept: Sequence[Sequence[Any]]) -> CourseTable:
        """``counted``: courses counted from their records, each as its id, its patient's and its inputs, with
        whether it has ended last; ``kept``: kept courses (all ended), each as its id, its patient's and its
        packed inputs (more values after them are left)."""
        import numpy as np

        width = len(INPUTS)
        values = np.empty((len(counted) + len(kept), width), dtype=np.int64)
        if counted:
            values[: len(counted)] = [row[2 : 2 + width] for row in counted]
        if kept:
            values[len(counted) :] = np.frombuffer(b"".join(row[2] for row in kept), dtype=PACKED).reshape(-1, width)
        return cls(
            ids=[row[0] for row in counted] + [row[0] for row in kept],
            patients=[row[1] for row in counted] + [row[1] for row in kept],
            values=values,
            ended=np.asarray([row[-1] for row in counted] + [True] * len(kept), dtype=bool),
        )

    @property
    def has_last(self) -> np.ndarray:
        return self.last_infusion_day != NOT_THERE

    @property
    def next_began(self) -> np.ndarray:
        """The day the patient's next course began; ``NEVER`` where there is none."""
        import numpy as np

        day = self.values[:, INPUTS.index("next_began_day")]
        return np.where(day == NOT_THERE, NEVER, day)

    def packed(self, row: int) -> bytes:
        """A row's inputs as a kept course keeps them."""
        return self.values[row].astype(PACKED).tobytes()

    def where(self, keep: np.ndarray) -> CourseTable:
        """The rows where ``keep`` is true."""
        return CourseTable(
            [i for i, k in zip(self.ids, keep.tolist(), strict=True) if k],
            [p for p, k in zip(self.patients, keep.tolist(), strict=True) if k],
            self.values[keep],
            self.ended[keep],
        )

    def __len__(self) -> int:
        return len(self.ids)
