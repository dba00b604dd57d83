"""The clinic's outcome report on paper, and as a CSV file (one row per figure).

Drawn from a ``core.outcomes.report.OutcomeReport``. Every figure is printed as "k of n" beside its value,
its 95 % interval and the interval's method, and each section prints the definitions of its measures, once
each: "every number states its denominator". The protocol, the MCID set and the scoring tables the report
used are printed with it, and the study's figures stand apart, each with its definition, under the words
"for comparison, not a target". Plain ruled tables, read in black and white: nothing is said by colour.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from core.figures import COUNTED, Figure, count_words, interval_words, value_words
from core.outcomes.report import STUDY_LABEL, OutcomeReport, csv_bytes
from core.outcomes.stats import T_BASED, WILSON
from core.persistence.db import Database
from core.reports.output import Output, Printout, record_output, write_file
from core.reports.styles import Styles, grid, text
from core.reports.templates import PageFrame, build_pdf

FIGURE_COLUMNS = ("Measure", "Time point", "Count", "Value", "95 % CI", "Method")
FIGURE_WIDTHS = ("36%", "10%", "10%", "12%", "15%", "17%")
METHODS = {WILSON: "Wilson", T_BASED: "t (n − 1 df)", COUNTED: "count"}
"""The methods by short name in the tables; the legend under the report's head says each in full."""
DENOMINATORS = (
    "Every number states its denominator: “k of n” is k counted out of n, and each section defines its measures. "
    "The study's figures at the end are for comparison, not a target."
)
TO_VERIFY = (
    "Scores come from PROMIS scoring tables still to be verified against the HealthMeasures manuals: every "
    "score line says “tables to verify”."
)


def document_words(report: OutcomeReport) -> str:
    return f"outcome report {report.first_day.isoformat()} to {report.last_day.isoformat()}"


def _table(rows: list[list[object]], widths: tuple[str, ...], s: Styles, head: tuple[str, ...]) -> Table:
    table = Table([[Paragraph(text(h), s.label) for h in head], *rows], colWidths=list(widths), repeatRows=1)
    table.setStyle(grid())
    return table


def _figure_row(figure: Figure, s: Styles) -> list[object]:
    measure = f"<b>{text(figure.measure)}</b>"
    if figure.note:
        measure += f"<br/>{text(figure.note)}"
    method = text(METHODS.get(figure.method, "Kaplan–Meier" if "Kaplan" in figure.method else figure.method))
    if figure.to_verify:
        method += "<br/><b>tables to verify</b>"  # on every score line
    return [
        Paragraph(measure, s.cell),
        Paragraph(text(figure.time_point or "—"), s.cell),
        Paragraph(text(count_words(figure)), s.cell),
        Paragraph(text(value_words(figure)), s.cell_bold),
        Paragraph(text(interval_words(figure)), s.cell),
        Paragraph(method, s.small),
    ]


def _definitions(figures: list[Figure], s: Styles) -> list[Flowable]:
    """Each definition of the section once, with the measures it defines."""
    seen: dict[str, list[str]] = {}
    for figure in figures:
        seen.setdefault(figure.definition, [])
        name = figure.measure.split(": ", 1)[-1] if figure.domain else figure.measure
        if name not in seen[figure.definition]:
            seen[figure.definition].append(name)
    return [
        Paragraph(f"<b>{text('; '.join(names[:3]) + ('; …' if len(names) > 3 else ''))}:</b> {text(words)}", s.small)
        for words, names in seen.items()
    ]


def _section(name: str, figures: list[Figure], s: Styles) -> list[Flowable]:
    if not figures:
        return [Paragraph(text(name), s.heading), Paragraph("Nothing to count in this period.", s.body)]
    rows = [_figure_row(f, s) for f in figures]
    return [
        Paragraph(text(name), s.heading),
        *_definitions(figures, s),
        Spacer(0, 3),
        _table(rows, FIGURE_WIDTHS, s, FIGURE_COLUMNS),
    ]


def _used(report: OutcomeReport, s: Styles) -> list[Flowable]:
    mcids = [
        [
            Paragraph(text(m.domain), s.cell),
            Paragraph(f"{m.t_points} T", s.cell_bold),
            Paragraph(text(m.basis.replace("_", " ")), s.cell),
            Paragraph(text(m.source), s.cell),
        ]
        for m in report.mcids
    ]
    tables = [
        [
            Paragraph(text(t.form_id), s.cell),
            Paragraph(text(t.domain), s.cell),
            Paragraph(text(", ".join(t.tables)), s.cell),
            Paragraph(text(", ".join(t.tables_sha256)), s.mono),
            Paragraph(str(t.scores), s.cell),
            Paragraph("yes" if t.to_verify else "no", s.cell_bold),
        ]
        for t in report.tables
    ]
    said = [
        Paragraph("MCID set used", s.heading),
        Paragraph(
            f"From protocol {text(report.protocol_id)} {text(report.protocol_version)}. Reliable change: index at "
            f"least {report.reliable_change_z}. Repeat courses counted within {report.repeat_within_days} days.",
            s.small,
        ),
        _table(mcids, ("30%", "10%", "14%", "46%"), s, ("Domain", "MCID", "Basis", "Source"))
        if mcids
        else Paragraph("The protocol names no MCID.", s.body),
        Paragraph("Scoring tables used", s.heading),
    ]
    if tables:
        head = ("Form", "Domain", "Table", "Tables file SHA-256", "Scores", "To verify")
        said.append(_table(tables, ("13%", "19%", "17%", "33%", "8%", "10%"), s, head))
    else:
        said.append(Paragraph("No score was counted.", s.body))
    return said


def _study(report: OutcomeReport, s: Styles) -> list[Flowable]:
    rows = [
        [
            Paragraph(f"<b>{text(f.measure)}</b>", s.cell),
            Paragraph(text(f.figure), s.cell_bold),
            Paragraph(text(f.definition), s.cell),
            Paragraph(f"{text(f.source)}<br/>{text(f.caveat)}", s.small),
        ]
        for f in report.study
    ]
    return [
        Paragraph(f"The study's figures — {STUDY_LABEL.lower()}", s.heading),
        Paragraph(
            "Tankha et al. (1,034 patients, one clinic, 2021–2024) judged the same protocol by these. Their "
            "definitions differ from the clinic's in ways stated here; set beside the clinic's figures above, "
            "they are a point of reference, never a goal.",
            s.small,
        ),
        _table(rows, ("17%", "18%", "35%", "30%"), s, ("Measure", "Study's figure", "Definition", "Source; caveat")),
    ]


def outcome_story(report: OutcomeReport, s: Styles) -> list[Flowable]:
    intro = (
        f"Courses whose first infusion began from {report.first_day.isoformat()} to {report.last_day.isoformat()}: "
        f"{report.courses} courses of {report.patients} patients, {report.sessions_started} sessions started. "
        f"Protocol {text(report.protocol_id)} {text(report.protocol_version)} "
        f"(SHA-256 {text(report.protocol_sha256)})."
    )
    story: list[Flowable] = [
        Paragraph(f"Clinic outcome report — {report.first_day.isoformat()} to {report.last_day.isoformat()}", s.title),
        Paragraph(intro, s.small),
        Paragraph(text(DENOMINATORS), s.warning),
    ]
    if report.tables_to_verify or report.tables_file_to_verify:
        story.append(Paragraph(text(TO_VERIFY), s.warning))
    methods = (
        f"Methods: Wilson = {WILSON}; t (n − 1 df) = {T_BASED}; Kaplan–Meier = the Kaplan–Meier estimate, patients "
        "not back by the last day censored there (no interval); count = count ÷ denominator, no interval."
    )
    story += [Paragraph(text(methods), s.small), Paragraph("How the records are counted", s.heading)]
    story += [Paragraph(text(rule), s.small, bulletText="•") for rule in report.rules]
    for name in report.sections:
        story += _section(name, report.section(name), s)
    story += _used(report, s)
    story.append(KeepTogether(_study(report, s)))
    return story


def outcome_printout(report: OutcomeReport, clinic: str, page_size: str, printed_at: str, printed_by: str) -> Printout:
    """The PDF, with the one audit line a copy of it needs (it names no patient)."""
    frame = PageFrame(
        clinic=clinic,
        document=f"Clinic outcome report {report.first_day.isoformat()} to {report.last_day.isoformat()}",
        printed_at=printed_at,
        printed_by=printed_by,
        record_hash=report.content_hash,
        hash_words="Figures SHA-256",
    )
    pdf = build_pdf(outcome_story(report, Styles()), frame, page_size)
    words = f"{document_words(report)} ({report.protocol_id} {report.protocol_version}), PDF"
    return Printout(pdf, (Output(words, ""),))


def export_outcome_csv(
    database: Database,
    at: datetime,
    workstation: str,
    report: OutcomeReport,
    path: Path,
    *,
    actor_id: str | None = None,
    os_account: str | None = None,
) -> Path:
    """The CSV written whole or not at all, then the audit line saying what went where and who asked."""
    written = write_file(path, csv_bytes(report))
    words = f"{document_words(report)} ({report.protocol_id} {report.protocol_version}), CSV"
    record_output(database, at, workstation, Output(words, str(written)), actor_id=actor_id, os_account=os_account)
    return written
