"""The scores that count in a report, as one grid of whole numbers: a row per course in the report (in the
report's order), a column per time point and domain (``Slots``), so the figures over tens of thousands of
courses are a few array operations, and a kept course's scores are read as bytes, never as one object each.

A T-score and an SE are kept in hundredths of a T point (``SCALE``): the scoring tables give them to a tenth
(``core.promis`` refuses one finer than a hundredth), so every value is a whole number of hundredths and
every sum, difference and comparison of them is exact, as the Decimals it stands for. ``NONE`` marks a cell without a
score (or a score without an SE). Which table scored a cell is an index into the report's ``shapes``.
"""

from __future__ import annotations

import json
import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from core.outcomes.cohort import FormScore
from core.promis import PromisTables
from core.protocol import Outcomes, Protocol

if TYPE_CHECKING:
    import numpy as np

SCALE = 100
"""Hundredths of a T point: a table's tenth is ten of them."""
NONE = -(2**31)
"""A cell with no score, or a score with no SE (the smallest 32-bit whole number: no T-score is near it)."""
NO_SHAPE = -1
"""The shape index of a cell with no score."""
CELL = "<i4"
"""A kept cell: 32-bit, little-endian, whatever the machine that reads it."""
SHAPE_CELL = "<i2"
"""A kept cell's shape: an index into its row's list of shapes, 16-bit, little-endian."""


class Shape(NamedTuple):
    """What a report says of the table a score came from (``core.outcomes.report.TableUsed``)."""

    form_id: str
    table: str | None
    tables_sha256: str | None
    to_verify: bool


def shape_of(form: FormScore) -> Shape:
    return Shape(form.form_id, form.table, form.tables_sha256, form.to_verify)


class Slots(NamedTuple):
    """The grid's columns, in the protocol's order of time points and its forms' order of domains: fixed by
    the rules a kept course was counted under (``core.outcomes.kept.rule_key``), so a kept row's columns are
    the report's."""

    points: tuple[str, ...]
    domains: tuple[str, ...]

    def column(self, point_id: str, domain: str) -> int:
        return self.points.index(point_id) * len(self.domains) + self.domains.index(domain)

    def columns(self) -> dict[tuple[str, str], int]:
        """Every (time point, domain)'s column, to look up many."""
        return {(point, domain): self.column(point, domain) for point in self.points for domain in self.domains}

    def of_point(self, point_id: str) -> slice:
        start = self.points.index(point_id) * len(self.domains)
        return slice(start, start + len(self.domains))

    @property
    def width(self) -> int:
        return len(self.points) * len(self.domains)


def domains_of(protocol: Protocol, tables: PromisTables) -> list[tuple[str, bool]]:
    """The domains the protocol's forms measure, in the order of its forms, with whether a higher T is better
    (a form without a shipped table measures none)."""
    found: dict[str, bool] = {}
    for form_id in protocol.outcomes.forms:
        form = tables.forms.get(form_id)
        if form is not None:
            found.setdefault(form.domain, form.higher_is_better)
    return list(found.items())


def slots_for(outcomes: Outcomes, domains: Sequence[tuple[str, bool]]) -> Slots:
    return Slots(tuple(p.id for p in outcomes.time_points), tuple(domain for domain, _ in domains))


def hundredths(value: Decimal, form_id: str = "") -> int:
    """``value`` in hundredths, exactly: a finer value is not from a table ``core.promis`` reads, so the report
    stops and says which form's score it is rather than round it unseen."""
    scaled = value * SCALE
    if scaled != scaled.to_integral_value():
        of = f" of {form_id}" if form_id else ""
        raise ValueError(f"A stored score{of}, {value}, is finer than a hundredth: the scoring tables give tenths.")
    return int(scaled)


@dataclass
class ScoreGrid:
    """The report's scores: ``t`` and ``se`` in hundredths, ``shape`` an index into ``shapes`` (``NO_SHAPE``
    where there is no score)."""

    slots: Slots
    t: np.ndarray
    se: np.ndarray
    shape: np.ndarray
    shapes: list[Shape]

    @classmethod
    def empty(cls, rows: int, slots: Slots) -> ScoreGrid:
        import numpy as np

        cells = (rows, slots.width)
        return cls(
            slots,
            np.full(cells, NONE, dtype=np.int64),
            np.full(cells, NONE, dtype=np.int64),
            np.full(cells, NO_SHAPE, dtype=np.int16),
            [],
        )

    def put(self, cells: Iterable[tuple[int, int, FormScore]]) -> None:
        """Scores placed from the records, each at its row and column (every ``form.t_score`` is known; each
        cell given once). A form's values are worked out once: the report's sittings share one object per
        distinct score."""
        rows, columns, t, se, shape = [], [], [], [], []
        said: dict[int, tuple[int, int, int]] = {}
        for row, column, form in cells:
            values = said.get(id(form))
            if values is None:
                assert form.t_score is not None
                error = hundredths(form.se, form.form_id) if form.se is not None else NONE
                t_score = hundredths(form.t_score, form.form_id)
                values = said[id(form)] = (t_score, error, self._index(shape_of(form)))
            rows.append(row)
            columns.append(column)
            t.append(values[0])
            se.append(values[1])
            shape.append(values[2])
        self.t[rows, columns], self.se[rows, columns], self.shape[rows, columns] = t, se, shape

    def _index(self, shape: Shape) -> int:
        try:
            return self.shapes.index(shape)
        except ValueError:
            self.shapes.append(shape)
            return len(self.shapes) - 1

    def scored(self, column: int | slice) -> np.ndarray:
        return self.t[:, column] != NONE

    def kept(self, rows: Sequence[int]) -> list[KeptCells]:
        """Rows as kept courses write them: each row's cells' bytes, and the shapes its cells name, in the
        order they first appear in the row (so the same scores always write the same row)."""
        t, se = self.t[rows].astype(CELL), self.se[rows].astype(CELL)
        local = struct.Struct(f"<{self.slots.width}h")  # SHAPE_CELL, a row at a time
        said: dict[tuple[int, ...], tuple[str, dict[int, int]]] = {}
        made = []
        for at, mine in enumerate(self.shape[rows].tolist()):
            used = tuple(dict.fromkeys(i for i in mine if i != NO_SHAPE))
            named = said.get(used)
            if named is None:
                shapes = json.dumps([list(self.shapes[i]) for i in used], separators=(",", ":"))
                named = said[used] = (shapes, {NO_SHAPE: NO_SHAPE} | {i: n for n, i in enumerate(used)})
            made.append(
                KeptCells(t[at].tobytes(), se[at].tobytes(), local.pack(*(named[1][i] for i in mine)), named[0])
            )
        return made

    def put_kept(
        self,
        rows: Sequence[int],
        t_scores: Sequence[bytes],
        ses: Sequence[bytes],
        shape_of: Sequence[bytes],
        shapes: Sequence[str],
    ) -> None:
        """Kept courses' rows (each course's ``KeptCells``, given column by column) placed at ``rows``, all at
        once: their bytes joined and read as one array (``core.records.kept_for_period`` passes only rows of
        the grid's width whose cells name shapes they have); each distinct list of shapes (a few dozen over a
        clinic's years) read once."""
        import numpy as np

        if not rows:
            return
        width = self.slots.width
        where = np.asarray(rows, dtype=np.intp)
        self.t[where] = np.frombuffer(b"".join(t_scores), dtype=CELL).reshape(-1, width)
        self.se[where] = np.frombuffer(b"".join(ses), dtype=CELL).reshape(-1, width)
        local = np.frombuffer(b"".join(shape_of), dtype=SHAPE_CELL).reshape(-1, width)
        groups: dict[str, list[int]] = defaultdict(list)
        for position, said in enumerate(shapes):
            groups[said].append(position)
        for said, positions in groups.items():
            # A row's NO_SHAPE (-1) takes the lookup's last entry, itself NO_SHAPE.
            named = [self._index(Shape(*shape)) for shape in json.loads(said)]
            lookup = np.asarray([*named, NO_SHAPE], dtype=np.int16)
            mine = np.asarray(positions, dtype=np.intp)
            self.shape[where[mine]] = lookup[local[mine]]


class KeptCells(NamedTuple):
    """A course's row of the grid as ``course_outcome`` keeps it (``shapes`` by its key, the text once in
    ``course_outcome_shapes``)."""

    t_scores: bytes
    ses: bytes
    shape_of: bytes
    shapes: str
    """The shapes the row's cells name, as a JSON list of ``Shape`` values; ``shape_of`` indexes it."""
