"""The day log on paper: exceptions first, then every session, then the day's totals.

Drawn from a ``core.day_log.DayLog`` snapshot, never from the screen. Portrait on the clinic's paper:
the print preview sends every page to the printer upright, so a landscape page would come out shrunk
to fit; instead every cell wraps (a 40-character name takes two lines, never gets cut), and the
session table repeats its head row on each page. A session with an exception says so in words, in
bold, as well as being shaded, since the paper is read in black and white. Technical alarms (equipment,
software) are said on a line of their own, apart from the patient's act-now alarms in the Alerts column.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from core.attention import TECHNICAL_WORDS
from core.day_log import DayLog, DayLogEntry, ExceptionLine, Totals
from core.reports.plain import Labelled, Plain, Run
from core.reports.styles import SHADE, Styles, grid, text
from core.reports.templates import PageFrame, build_pdf

SESSION_COLUMNS = ("Time", "Chair", "Patient (MRN)", "Dose mg", "Nurses", "Status", "Alerts")
SESSION_WIDTHS = ("7%", "6.5%", "26%", "7%", "23%", "19%", "11.5%")
"""Time, chair and dose fit one line at 8.5 pt on either paper; the words wrap in the rest. What a session
has beyond these (exceptions, adverse events, overrides, an early stop) goes on a line of its own under
it, across the columns from the patient on, kept on the same page as the session's row."""
EXCEPTION_COLUMNS = ("Exception", "Time", "Chair", "Patient (MRN)", "What")
EXCEPTION_WIDTHS = ("18%", "6.5%", "6.5%", "22%", "47%")
NOTHING = "—"


def _mg(value: Decimal | None) -> str:
    return NOTHING if value is None else f"{value} mg"


def _patient(entry: DayLogEntry) -> str:
    return f"{entry.patient}\n({entry.mrn})"


def _table(rows: list[list[object]], widths: tuple[str, ...], s: Styles, head: tuple[str, ...]) -> Table:
    """A ruled table of wrapping cells with its head row repeated on every page."""
    table = Table([[Plain(h, s.label) for h in head], *rows], colWidths=list(widths), repeatRows=1)
    table.setStyle(grid())
    return table


def _exceptions(log: DayLog, s: Styles) -> list[Flowable]:
    heading = Paragraph(f"Exceptions ({len(log.exceptions)})", s.heading)
    if not log.exceptions:
        return [heading, Paragraph("None among the sessions shown.", s.body)]

    def row(line: ExceptionLine) -> list[object]:
        entry = line.entry
        return [
            Plain(line.kind.value, s.cell_bold),
            Plain(entry.time, s.cell),
            Plain(entry.chair, s.cell),
            Plain(_patient(entry), s.cell),
            Plain(line.text, s.cell),
        ]

    return [heading, _table([row(line) for line in log.exceptions], EXCEPTION_WIDTHS, s, EXCEPTION_COLUMNS)]


def _session_rows(entry: DayLogEntry, s: Styles) -> list[list[object]]:
    """The session's row, and under it a row of what it has beyond the columns, if anything."""
    nurses = f"Dose: {entry.dosed_by or NOTHING}\nCheck: {entry.checked_by or NOTHING}"
    row: list[object] = [
        Plain(entry.time, s.cell),
        Plain(entry.chair, s.cell),
        Plain(_patient(entry), s.cell),
        Plain(entry.dose_text.replace(" (", "\n("), s.cell),  # "not given" under the dash
        Plain(nurses, s.cell),
        Plain(entry.status, s.cell),
        Plain(entry.alerts_text, s.cell),
    ]
    technical = [line.removeprefix(TECHNICAL_WORDS) for line in entry.technical]
    parts = [
        ("Exceptions", ", ".join(flag.kind.value.lower() for flag in entry.flags)),
        ("Technical alarms", "; ".join(technical)),
        ("Adverse events", "; ".join(entry.adverse_events)),
        ("Overrides", "; ".join(entry.overrides)),
        ("Stopped early", entry.stopped_early),
    ]
    said: list[Run] = []
    for name, words in parts:
        if words:  # the label in bold, then the words as recorded
            said += [(f"{name}: ", s.cell_bold.fontName), (f"{words.rstrip('. ')}. ", s.cell.fontName)]
    return [row, ["", "", Labelled(said, s.cell)]] if said else [row]


def _sessions(log: DayLog, s: Styles) -> list[Flowable]:
    heading = Paragraph(f"Sessions ({len(log.entries)})", s.heading)
    if not log.entries:
        return [heading, Paragraph("No sessions were opened on this day.", s.body)]
    rows: list[list[object]] = []
    style: list[tuple[object, ...]] = []
    for entry in log.entries:
        first = len(rows) + 1  # after the head row
        rows += _session_rows(entry, s)
        last = len(rows)
        if last > first:
            style += [
                ("SPAN", (0, last), (1, last)),
                ("SPAN", (2, last), (-1, last)),
                ("NOSPLIT", (0, first), (-1, last)),
            ]
            style += [("LINEABOVE", (0, last), (-1, last), 0.4, SHADE)]  # one session, lighter rule
        if entry.flags:
            style.append(("BACKGROUND", (0, first), (-1, last), SHADE))
    table = _table(rows, SESSION_WIDTHS, s, SESSION_COLUMNS)
    table.setStyle(style)
    return [heading, table]


def _totals(totals: Totals, s: Styles) -> list[Flowable]:
    counts = [
        ("Sessions", totals.sessions),
        ("Completed", totals.completed),
        ("Stopped early", totals.stopped_early),
        ("Not treated", totals.not_treated),
        ("Not yet ended", totals.in_progress),
        ("Signed", totals.signed),
    ]
    drug = [
        ("Drawn up", _mg(totals.drawn_mg)),
        ("Given", _mg(totals.given_mg)),
        ("Wasted", _mg(totals.wasted_mg)),
        ("Vials' rests wasted", _mg(totals.vial_wasted_mg)),
        ("Vials' rests returned", _mg(totals.returned_mg)),
        ("Vials' rests to account for", _mg(totals.vial_left_mg)),
    ]
    first = Table([[Plain(k, s.label) for k, _ in counts], [Plain(v, s.large_bold) for _, v in counts]])
    first.setStyle(grid())
    second = Table([[Plain(k, s.label) for k, _ in drug], [Plain(v, s.large_bold) for _, v in drug]])
    second.setStyle(grid())
    return [
        Paragraph("Totals", s.heading),
        first,
        Spacer(0, 6),
        Paragraph(
            "Controlled substance: the amount given counts the infusions that have ended; what was drawn up is "
            "given or wasted. What was left in each vial after drawing up is wasted before a witness, returned "
            "to stock (a multi-dose vial), or still to account for.",
            s.label,
        ),
        second,
    ]


def day_log_story(log: DayLog, s: Styles) -> list[Flowable]:
    intro = (
        f"{text(log.filter_words)}. Sessions opened on {log.day:%A %d %B %Y} on every chair and workstation, "
        f"as recorded when printed. A late entry is one saved {log.late_entry_minutes} min or more after the "
        "moment it records (the clinic's setting)."
    )
    if log.trail_head is not None:  # on paper, out of reach of anyone who could rewrite the database file
        seq, head = log.trail_head
        intro += f" Audit trail when printed: entry {seq}, SHA-256 {head} (audit verify checks it was not rewritten)."
    return [
        Paragraph(f"Day log — {log.day:%A} {log.day.isoformat()}", s.title),
        Paragraph(intro, s.small),
        *_exceptions(log, s),
        *_sessions(log, s),
        KeepTogether(_totals(log.totals, s)),
    ]


def day_log_pdf(log: DayLog, clinic: str, page_size: str, printed_at: str, printed_by: str) -> bytes:
    frame = PageFrame(
        clinic=clinic,
        document=f"Day log {log.day.isoformat()} · {log.filter_words}",
        printed_at=printed_at,
        printed_by=printed_by,
        record_hash=log.content_hash,
    )
    return build_pdf(day_log_story(log, Styles()), frame, page_size)
