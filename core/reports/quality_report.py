"""The clinic's quality report on paper, and as a CSV file (one row per figure and period).

Drawn from a ``core.quality.report.QualityReport``. Each section prints the definitions of its measures once,
then one row per measure: the report's period beside the three before it, each cell "value" over "k of n",
so every number states its denominator. The threshold replay prints each clinic-policy limit at its value
and two steps either side, with the steps used. Patients appear only in the outlier listings, as the reader
may see them. Plain ruled tables, read in black and white: nothing is said by colour.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from core.figures import Comparison, Figure, Listing, count_words, interval_words, value_words
from core.persistence.db import Database
from core.quality.counting import Grouped
from core.quality.replay import ReplayLine
from core.quality.report import OUTLIERS, REASONS, REPLAY, SILENCERS, PatientShown, QualityReport
from core.reports.output import Output, Printout, record_output, write_file
from core.reports.styles import Styles, grid, text
from core.reports.templates import PageFrame, build_pdf

DENOMINATORS = (
    "Every number states its denominator: a cell reads its value over “k of n”, k counted out of n, and each "
    "section defines its measures. The three periods before the report's own stand to its left, oldest first."
)
PRIVACY = {
    PatientShown.NAMES: "Patients are named only in the outlier listings; this copy names them as the reader may see.",
    PatientShown.RECORD_NUMBERS: "Patients appear only in the outlier listings, by record number alone (the "
    "clinic's setting).",
    PatientShown.NONE: "This copy names no patient: its outlier listings give sessions by moment and chair only.",
}


def document_words(report: QualityReport) -> str:
    return f"quality report {report.period.words()}"


def _table(rows: list[list[object]], widths: list[str], s: Styles, head: list[str]) -> Table:
    table = Table([[Paragraph(text(h), s.label) for h in head], *rows], colWidths=widths, repeatRows=1)
    table.setStyle(grid())
    return table


def _cell(figure: Figure | None, s: Styles, this: bool) -> Paragraph:
    if figure is None:
        return Paragraph("—", s.cell)
    said = f"<b>{text(value_words(figure))}</b>" if this else text(value_words(figure))
    said += f"<br/>{text(count_words(figure))}"
    interval = interval_words(figure)
    if interval != "—":
        said += f"<br/>95 % CI {text(interval)}"
    return Paragraph(said, s.cell)


def _definitions(comparisons: list[Comparison], s: Styles) -> list[Flowable]:
    """Each definition of the section once, with the measures it defines."""
    seen: dict[str, list[str]] = {}
    for comparison in comparisons:
        names = seen.setdefault(comparison.definition, [])
        if comparison.measure not in names:
            names.append(comparison.measure)
    return [
        Paragraph(f"<b>{text('; '.join(names[:3]) + ('; …' if len(names) > 3 else ''))}:</b> {text(words)}", s.small)
        for words, names in seen.items()
    ]


def quiet(comparison: Comparison) -> bool:
    """Nothing counted in any of the periods: printed in one line under the section, not as a row."""
    return all(cell is None or (not cell.numerator and not cell.value) for cell in comparison.cells)


def _section(name: str, report: QualityReport, s: Styles) -> list[Flowable]:
    every = report.section(name)
    comparisons = [c for c in every if not quiet(c)]
    silent = [c.measure + (f" — {c.time_point}" if c.time_point else "") for c in every if quiet(c)]
    said = [Paragraph(f"<b>None in any of these periods:</b> {text('; '.join(silent))}.", s.small)] if silent else []
    if not comparisons:
        return [Paragraph(text(name), s.heading), *_definitions(every, s), *said]
    head = ["Measure", *(p.words() for p in report.periods)]
    share = 62 // len(report.periods)
    widths = [f"{100 - share * len(report.periods)}%", *(f"{share}%" for _ in report.periods)]
    rows = []
    for comparison in comparisons:
        latest = comparison.cells[-1]
        measure = f"<b>{text(comparison.measure)}</b>"
        if comparison.time_point:
            measure += f" — {text(comparison.time_point)}"
        if latest is not None and latest.note:
            measure += f"<br/>{text(latest.note)}"
        last = len(comparison.cells) - 1
        rows.append([Paragraph(measure, s.cell), *(_cell(c, s, i == last) for i, c in enumerate(comparison.cells))])
    return [
        Paragraph(text(name), s.heading),
        *_definitions(every, s),
        Spacer(0, 3),
        _table(rows, widths, s, head),
        *said,
    ]


def _replay_line(line: ReplayLine, s: Styles) -> list[object]:
    cells: list[object] = [Paragraph(f"<b>{text(line.words)}</b><br/>recorded: {line.recorded}", s.cell)]
    for candidate in line.candidates:
        value = f"{candidate.value.normalize():f} {line.unit}"
        here = candidate.value == line.value
        said = f"{'<b>' if here else ''}{text(value)}{' (in force)' if here else ''}{'</b>' if here else ''}"
        cells.append(Paragraph(f"{said}<br/>{candidate.sets} sets; {candidate.crossing} by it", s.cell))
    return cells


def _replay(report: QualityReport, s: Styles) -> list[Flowable]:
    replay = report.replay
    story: list[Flowable] = [
        Paragraph(REPLAY, s.heading),
        Paragraph(
            text(
                "Each clinic-policy limit moved two steps either way and the period's recorded sets classified "
                "again under the whole protocol with it: “N sets” would have alarmed (an act-now limit) or been "
                "flagged and not alarmed (an advisory one); “k by it” is how many this limit alone fires on. "
                "“Recorded” is what the sets were recorded as. " + replay.note
            ),
            s.small,
        ),
    ]
    if not replay.lines or not replay.sets:
        return [*story, Paragraph("No set of vital signs to replay in this period.", s.body)]
    head = ["Limit", "−2 steps", "−1 step", "In force", "+1 step", "+2 steps"]
    rows = [_replay_line(line, s) for line in replay.lines]
    return [*story, Spacer(0, 3), _table(rows, ["25%", "15%", "15%", "15%", "15%", "15%"], s, head)]


def _grouped(groups: tuple[Grouped, ...], s: Styles) -> list[Flowable]:
    if not groups:
        return []
    rows = [
        [Paragraph(text(g.title), s.cell), Paragraph(text(words), s.cell), Paragraph(str(count), s.cell_bold)]
        for g in groups
        for words, count in g.rows
    ]
    head = ["Override", "Reason given (grouped by its words)", "How many"]
    return [Paragraph(REASONS, s.heading), _table(rows, ["35%", "53%", "12%"], s, head)]


def _silencers(report: QualityReport, s: Styles) -> list[Flowable]:
    if not report.silencers:
        return []
    rows = [
        [Paragraph(text(who), s.cell), Paragraph(str(count), s.cell_bold), Paragraph(str(minutes), s.cell)]
        for who, count, minutes in report.silencers
    ]
    head = ["Who silenced", "Silences", "Minutes in all"]
    return [Paragraph(SILENCERS, s.heading), _table(rows, ["50%", "25%", "25%"], s, head)]


def _listing(listing: Listing, s: Styles) -> list[Flowable]:
    share = f"{100 / len(listing.columns):.1f}%"
    rows = [[Paragraph(text(cell), s.cell) for cell in row] for row in listing.rows]
    return [
        Paragraph(text(listing.title), s.label),
        _table(rows, [share] * len(listing.columns), s, list(listing.columns)),
    ]


def quality_story(report: QualityReport, s: Styles) -> list[Flowable]:
    versions = ", ".join(report.protocol_versions) or "none (no set of vital signs)"
    intro = (
        f"{report.sessions} sessions opened from {report.period.first_day.isoformat()} to "
        f"{report.period.last_day.isoformat()} (the clinic's local days). Protocol versions of its sessions: "
        f"{versions}. Replayed under {report.protocol_id} {report.protocol_version} "
        f"(SHA-256 {report.protocol_sha256})."
    )
    story: list[Flowable] = [
        Paragraph(f"Clinic quality report — {text(report.period.words())}", s.title),
        Paragraph(text(intro), s.small),
        Paragraph(text(DENOMINATORS), s.warning),
        Paragraph(text(PRIVACY[report.shown]), s.small),
    ]
    for name in report.sections:
        story += _section(name, report, s)
    story += _replay(report, s)
    story += _grouped(report.reasons, s)
    story += _silencers(report, s)
    story.append(Paragraph(OUTLIERS, s.heading))
    if report.listings:
        for listing in report.listings:
            story += _listing(listing, s)
    else:
        story.append(Paragraph("No outlier in this period.", s.body))
    return story


def quality_printout(report: QualityReport, clinic: str, page_size: str, printed_at: str, printed_by: str) -> Printout:
    """The PDF, with the audit lines a copy of it needs: one for the report, one per patient it names."""
    frame = PageFrame(
        clinic=clinic,
        document=f"Clinic quality report {report.period.words()}",
        printed_at=printed_at,
        printed_by=printed_by,
        record_hash=report.content_hash,
        hash_words="Figures SHA-256",
    )
    pdf = build_pdf(quality_story(report, Styles()), frame, page_size)
    words = f"{document_words(report)}, PDF"
    return Printout(pdf, (Output(words, ""), *(Output(words, "", pid) for pid in report.patients_named)))


def export_quality_csv(
    database: Database,
    at: datetime,
    workstation: str,
    report: QualityReport,
    path: Path,
    *,
    actor_id: str | None = None,
    os_account: str | None = None,
) -> Path:
    """The CSV written whole or not at all, then its audit lines: one for the report, one per patient named."""
    written = write_file(path, report.csv)
    words = f"{document_words(report)}, CSV"
    for output in (Output(words, str(written)), *(Output(words, str(written), pid) for pid in report.patients_named)):
        record_output(database, at, workstation, output, actor_id=actor_id, os_account=os_account)
    return written
