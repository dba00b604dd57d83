"""The clinic's quality report as one value: every figure of the period beside the same figure in the three
periods before it, the outlier listings, the reasons given for overrides, who silenced alarms, and the
threshold replay; and the same as a CSV file, whose SHA-256 is printed on every page of the PDF.

Patients appear only in the outlier listings. Each listing's rows name sessions (moment, chair), never a
patient; the report adds a "Patient" column as the reader may see it (``PatientShown``): a charge nurse sees
names and record numbers, or record numbers alone when the clinic chose so; an administrator, who keeps the
system and not patients, sees no patient column at all. ``patients_named`` lists whom the report disclosed,
for the audit line its making writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from core.figures import CSV_COLUMNS, Comparison, Figure, Listing, Period, about_row, csv_text, figure_row
from core.quality.counting import Grouped
from core.quality.replay import Replay

REPLAY = "Threshold replay"
OUTLIERS = "Outliers"
REASONS = "Reasons given for overrides"
SILENCERS = "Who silenced alarms"


class PatientShown(StrEnum):
    """How the outlier listings name the patient of each row."""

    NAMES = "names"
    """Family and given name, with the record number (a charge nurse, by default)."""
    RECORD_NUMBERS = "record_numbers"
    """The record number alone (a charge nurse, when the clinic's setting says so)."""
    NONE = "none"
    """No patient column (an administrator)."""


@dataclass(frozen=True)
class PeriodFigures:
    """Every figure of one period, each section in the report's order."""

    period: Period
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class QualityReport:
    period: Period
    periods: tuple[Period, ...]
    """The periods set side by side, oldest first; the report's own is the last."""
    made_at: datetime
    protocol_id: str
    protocol_version: str
    protocol_sha256: str
    """The protocol the replay moved limits of (today's, or a kept one asked for)."""
    protocol_versions: tuple[str, ...]
    """The protocol versions the period's sessions were recorded under."""
    sessions: int
    """Sessions opened in the period."""
    figures: tuple[Figure, ...]
    comparisons: tuple[Comparison, ...]
    listings: tuple[Listing, ...]
    """The period's outliers, each row's patient in a first column as ``shown`` allows (none for NONE)."""
    reasons: tuple[Grouped, ...]
    silencers: tuple[tuple[str, int, int], ...]
    """(who, silences, minutes in all), most silences first."""
    replay: Replay
    shown: PatientShown
    patients_named: tuple[str, ...] = field(default=())

    @cached_property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.section for f in self.figures))

    def section(self, name: str) -> list[Comparison]:
        return [c for c in self.comparisons if c.section == name]

    def figure(self, key: str, measure: str | None = None) -> Figure:
        for found in self.figures:
            if found.key == key and (measure is None or found.measure == measure):
                return found
        raise KeyError((key, measure))

    @cached_property
    def csv(self) -> bytes:
        return csv_bytes(self)

    @property
    def content_hash(self) -> str:
        """The SHA-256 of the report's CSV: printed on each page, so two copies can be told apart."""
        return hashlib.sha256(self.csv).hexdigest()


def shown_listing(listing: Listing, shown: PatientShown, label: Callable[[str], str]) -> Listing:
    """A listing with its rows' patients in a first column as ``shown`` allows."""
    if shown is PatientShown.NONE:
        return listing
    rows = tuple((label(pid), *row) for pid, row in zip(listing.patient_ids, listing.rows, strict=True))
    return Listing(listing.title, ("Patient", *listing.columns), rows, listing.patient_ids)


def patient_label(shown: PatientShown, patients: Mapping[str, tuple[str, str, str]]) -> Callable[[str], str]:
    """How a row's patient reads: ``patients`` gives (record number, family name, given name) by id."""

    def label(patient_id: str) -> str:
        mrn, family, given = patients.get(patient_id, ("?", "", ""))
        if shown is PatientShown.RECORD_NUMBERS:
            return mrn
        return f"{family}, {given} ({mrn})"

    return label


def quality_report(
    periods: Sequence[PeriodFigures],
    comparisons: Sequence[Comparison],
    *,
    made_at: datetime,
    replay: Replay,
    protocol_versions: Sequence[str],
    sessions: int,
    listings: Sequence[Listing],
    reasons: Sequence[Grouped],
    silencers: Sequence[tuple[str, int, int]],
    shown: PatientShown,
) -> QualityReport:
    """The report of the last of ``periods``, the others beside it."""
    this = periods[-1]
    named = () if shown is PatientShown.NONE else tuple(dict.fromkeys(p for lst in listings for p in lst.patient_ids))
    return QualityReport(
        period=this.period,
        periods=tuple(p.period for p in periods),
        made_at=made_at,
        protocol_id=replay.protocol_id,
        protocol_version=replay.protocol_version,
        protocol_sha256=replay.protocol_sha256,
        protocol_versions=tuple(protocol_versions),
        sessions=sessions,
        figures=this.figures,
        comparisons=tuple(comparisons),
        listings=tuple(listings),
        reasons=tuple(reasons),
        silencers=tuple(silencers),
        replay=replay,
        shown=shown,
        patients_named=named,
    )


CSV_HEAD = ("period", *CSV_COLUMNS)


def csv_rows(report: QualityReport) -> list[list[str]]:
    """Every figure of every period (one row each, the period's words first), then what the report used,
    the replay, the reasons, who silenced and the outlier listings, under the same columns."""
    this = report.period.words()
    rows = [[period.words(), *figure_row(cell)] for c in report.comparisons for period, cell in _cells(c)]
    about = [
        about_row("About", "Protocol of the replay", f"{report.protocol_id} {report.protocol_version}"),
        about_row("About", "Protocol SHA-256", report.protocol_sha256),
        about_row("About", "Protocol versions of the period's sessions", ", ".join(report.protocol_versions)),
        about_row("About", "Sessions opened in the period", str(report.sessions)),
        about_row("About", "Made at (UTC)", report.made_at.isoformat(timespec="seconds")),
    ]
    rows += [[this, *row] for row in about]
    for line in report.replay.lines:
        for candidate in line.candidates:
            moved = candidate.value - line.value
            rows.append(
                [
                    this,
                    REPLAY,
                    line.words,
                    f"{candidate.value.normalize():f} {line.unit}",
                    str(candidate.crossing),
                    str(report.replay.sets),
                    str(candidate.sets),
                    "",
                    "",
                    "sets",
                    f"step {line.step.normalize():f}; {'the value in force' if not moved else f'{moved:+f}'}",
                    "Numerator: sets this limit alone fires on at the value; value: sets that would alarm "
                    "(act-now) or be flagged and not alarm (advisory) under the whole protocol with it; "
                    "denominator: sets replayed.",
                    f"recorded: {line.recorded}. {report.replay.note}",
                    "",
                ]
            )
    for grouped in report.reasons:
        rows += [[this, *about_row(REASONS, grouped.title, str(count), note=words)] for words, count in grouped.rows]
    rows += [
        [this, *about_row(SILENCERS, who, str(count), unit="silences", note=f"{minutes} minutes in all")]
        for who, count, minutes in report.silencers
    ]
    for listing in report.listings:
        for cells in listing.rows:
            said = "; ".join(f"{column}: {cell}" for column, cell in zip(listing.columns, cells, strict=True))
            rows.append([this, *about_row(OUTLIERS, listing.title, "", note=said)])
    return rows


def _cells(comparison: Comparison) -> list[tuple[Period, Figure]]:
    return [(period, cell) for period, cell in zip(comparison.periods, comparison.cells, strict=True) if cell]


def csv_bytes(report: QualityReport) -> bytes:
    return csv_text(CSV_HEAD, csv_rows(report))
