"""The clinic's outcome report as one value: its period, the protocol, MCIDs and scoring tables it used,
every figure with its definition and denominator, and the study's figures beside them for comparison.

A report names the protocol it was made under (id, version and the SHA-256 of its file) and copies that
protocol's MCID set into itself, so a later protocol never changes what a printed report says; to make a
past report again under its own MCIDs, pass the kept protocol it used. The screen, the PDF and the CSV are
all drawn from this value.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.figures import (
    CSV_COLUMNS,
    T_POINTS,
    Figure,
    about_row,
    csv_text,
    figure_row,
    words,
)
from core.outcomes.cohort import Cohort
from core.outcomes.collector import collector_paused
from core.outcomes.grid import NO_SHAPE, ScoreGrid, Shape
from core.outcomes.metrics import SECTIONS, STUDY_INFUSIONS, Prepared, all_figures, prepare
from core.promis import PromisTables, shipped
from core.protocol import Protocol

COHORT_RULE = (
    "Courses whose first infusion began between the first and the last day of the report (the clinic's local "
    "dates), counted as the records stood at the end of the last day; later records are not in it."
)
RULES = (
    COHORT_RULE,
    "Counted per course unless the measure says patients: a patient with two courses in the period counts twice.",
    "A course still running at the end of the last day has no completion or adherence yet, and is left out of "
    "those figures (each says how many).",
    "Scheduled sessions are the days of each course's order. A day with no infusion is cancelled by the clinic "
    "or missed by the patient when recorded so, 'opened, not treated' when a session opened and the infusion "
    "never began, and otherwise 'no record': counted as not given and attributed to neither.",
    "A patient's first course is the first in which an infusion began; the next course is the next such one. "
    "Sessions not linked to a course are not counted.",
    "Outcome forms are placed by the moment they were answered: a baseline only before the course's first "
    "infusion began, a follow-up only after the course ended and before the next course began. A form not "
    "scorable (items missing) counts as no score; forms the protocol does not name are not counted.",
    "Change is taken in the improving direction (positive = better), on complete cases: courses with both a "
    "baseline and that time point scored on the domain.",
    "Words used. T-score: PROMIS's scale, on which 50 is the mean of the US general population and 10 its "
    "standard deviation. MCID (minimal clinically important difference): the smallest change in T points "
    "patients notice as meaningful; the protocol names each domain's, with its source.",
    "95 % interval: the range the clinic's true figure is likely to lie in, given how many courses it rests on; "
    "a wide one means few. Wilson's for proportions (it stays within 0–100 % for small counts), t-based for "
    "means.",
    "Reliable change: the change divided by its measurement error (from the standard errors of both scores); "
    "an index of at least the protocol's z means a change larger than the form's own error would make. "
    "Kaplan–Meier: an estimate that counts a patient followed for a short time only as far as they were "
    "followed, not as never coming back.",
)
STUDY_LABEL = "For comparison, not a target"

value_words, count_words, interval_words = words.value_words, words.count_words, words.interval_words
"""A figure's words, now the shared frame's (``core.figures``): still read from here by older callers."""


@dataclass(frozen=True)
class McidUsed:
    domain: str
    t_points: Decimal
    source: str
    basis: str


@dataclass(frozen=True)
class TableUsed:
    """A form whose scores the report counted: the tables named by its scores, the hashes of the tables
    files they came from, and whether any was still to be verified."""

    form_id: str
    domain: str
    tables: tuple[str, ...]
    tables_sha256: tuple[str, ...]
    to_verify: bool
    scores: int


@dataclass(frozen=True)
class StudyFigure:
    measure: str
    figure: str
    definition: str
    source: str
    caveat: str


STUDY = (
    StudyFigure(
        "Treatment completion",
        "86.1 % (890 of 1,034 patients)",
        f"Patients who completed {STUDY_INFUSIONS} or more infusions ÷ patients treated (May 2021 – Oct 2024).",
        "Tankha et al., Reg Anesth Pain Med 2025 (abstract)",
        "The press release's 'over 90 % completed all five days' has no stated denominator and is not shown.",
    ),
    StudyFigure(
        "Meaningful improvement",
        "20.3 % to 46.4 %, depending on the measure",
        "Patients reaching clinically meaningful improvement on a PROMIS measure at the end of treatment, "
        "with similar proportions at 3 and 6 months.",
        "Tankha et al. 2025 (abstract); Epocrates summary, 16 Oct 2025",
        "The measures behind the range and the thresholds used are in the full text only; the clinic's MCIDs "
        "may differ.",
    ),
    StudyFigure(
        "Repeat courses",
        "About 80 %",
        "Patients who came back for further infusions.",
        "News summaries (Knowridge; Charleston Ketamine Center), Oct 2025",
        "Denominator and time window not stated.",
    ),
)


@dataclass(frozen=True)
class OutcomeReport:
    first_day: date
    last_day: date
    made_at: datetime
    protocol_id: str
    protocol_version: str
    protocol_sha256: str
    reliable_change_z: Decimal
    repeat_within_days: int
    mcids: tuple[McidUsed, ...]
    tables: tuple[TableUsed, ...]
    tables_file_to_verify: bool
    """The shipped tables file says its tables are still to be checked against the manuals."""
    figures: tuple[Figure, ...]
    study: tuple[StudyFigure, ...]
    patients: int
    courses: int
    sessions_started: int
    rules: tuple[str, ...] = RULES

    @property
    def tables_to_verify(self) -> bool:
        """Any score counted came from a table still to be verified."""
        return any(t.to_verify for t in self.tables) or any(f.to_verify for f in self.figures)

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]

    @property
    def sections(self) -> tuple[str, ...]:
        return SECTIONS

    @property
    def content_hash(self) -> str:
        """The SHA-256 of the report's CSV: printed on each page, so two copies can be told apart."""
        return hashlib.sha256(csv_bytes(self)).hexdigest()


def outcome_report(
    protocol: Protocol,
    cohort: Cohort,
    first_day: date,
    last_day: date,
    made_at: datetime,
    tables: PromisTables | None = None,
) -> OutcomeReport:
    """The report over ``cohort`` (read up to the end of ``last_day``), under ``protocol``'s rules."""
    tables = tables or shipped()
    with collector_paused():
        prepared = prepare(protocol, cohort, first_day, last_day, tables)
        return report_of(prepared, cohort, made_at, tables)


def report_of(prepared: Prepared, cohort: Cohort, made_at: datetime, tables: PromisTables) -> OutcomeReport:
    """The report of a cohort arranged for counting (``prepare``): for a caller that keeps what was counted
    (``core.outcomes.kept.kept_from``) as well as the figures."""
    with collector_paused():
        figures = tuple(all_figures(prepared, cohort))
    protocol = prepared.protocol
    outcomes = protocol.outcomes
    return OutcomeReport(
        first_day=prepared.first_day,
        last_day=prepared.last_day,
        made_at=made_at,
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        protocol_sha256=protocol.content_hash,
        reliable_change_z=outcomes.reliable_change_z,
        repeat_within_days=outcomes.repeat_within_days,
        mcids=tuple(McidUsed(m.domain, m.t_points, m.source, m.basis.value) for m in outcomes.mcid),
        tables=_tables_used(prepared.grid, tables),
        tables_file_to_verify=tables.to_verify,
        figures=figures,
        study=STUDY,
        patients=len(set(prepared.courses.patients)),
        courses=len(prepared.courses),
        sessions_started=int(prepared.courses.started.sum()),
    )


def _tables_used(grid: ScoreGrid, tables: PromisTables) -> tuple[TableUsed, ...]:
    """Each form the report's scores were taken from: its tables, and how many scores."""
    import numpy as np

    named = grid.shape[grid.shape != NO_SHAPE]
    counts = np.bincount(named, minlength=len(grid.shapes)) if named.size else np.zeros(len(grid.shapes), int)
    seen: dict[str, list[tuple[Shape, int]]] = defaultdict(list)
    for shape, count in zip(grid.shapes, counts.tolist(), strict=True):
        if count:
            seen[shape.form_id].append((shape, count))
    used = []
    for form_id, found in sorted(seen.items()):
        form = tables.forms.get(form_id)
        used.append(
            TableUsed(
                form_id,
                form.domain if form else "",
                tuple(sorted({s.table for s, _ in found if s.table})),
                tuple(sorted({s.tables_sha256 for s, _ in found if s.tables_sha256})),
                any(s.to_verify for s, _ in found),
                sum(count for _, count in found),
            )
        )
    return tuple(used)


# ---- words shared by the screen, the PDF and the CSV -----------------------------------------------------


def csv_rows(report: OutcomeReport) -> list[list[str]]:
    """One row per figure, then the study's figures (labelled for comparison) and what the report used."""
    rows = [figure_row(f) for f in report.figures]
    for s in report.study:
        rows.append(
            about_row(
                f"Study ({STUDY_LABEL.lower()})",
                s.measure,
                s.figure,
                method=s.source,
                definition=s.definition,
                note=s.caveat,
            )
        )
    protocol = f"{report.protocol_id} {report.protocol_version}, SHA-256 {report.protocol_sha256}"
    rows.append(about_row("About", "Period", f"{report.first_day} to {report.last_day}", definition=COHORT_RULE))
    rows.append(about_row("About", "Protocol", protocol))
    for m in report.mcids:
        rows.append(
            about_row("About", f"MCID: {m.domain}", str(m.t_points), unit=T_POINTS, method=m.basis, definition=m.source)
        )
    for t in report.tables:
        words = f"{', '.join(t.tables)}; tables SHA-256 {', '.join(t.tables_sha256)}"
        rows.append(about_row("About", f"Table: {t.form_id}", words, definition=t.domain, verify=t.to_verify))
    return rows


def csv_bytes(report: OutcomeReport) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read "−" and "≥" as written."""
    return csv_text(CSV_COLUMNS, csv_rows(report))
