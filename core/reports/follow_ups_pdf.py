"""The follow-up list on paper, for the charge nurse's calls: most urgent first, grouped by status, each
patient with date of birth, record number and how to reach them, and room to note the call.

Drawn from a ``core.outcomes.due.FollowUpList``, never from the screen. Read in black and white: each
status is its word and its shape (▲ overdue, ● due, ○ upcoming, ✕ missed, ✓ done), its own heading,
and the overdue rows are in bold. The rules the list was made by (each window, each status) are printed
at its foot, so a sheet read weeks later still says what "missed" meant.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from core.outcomes.due import STATUS_SYMBOLS, STATUS_WORDS, FollowUp, FollowUpList, Status
from core.reports.styles import Styles, grid, text
from core.reports.templates import PageFrame, build_pdf

COLUMNS = ("Status", "Patient", "Follow-up", "Window", "When", "How to reach", "Call noted")
WIDTHS = ("12.5%", "19%", "11%", "19%", "12.5%", "18%", "8%")
"""The status, dates and days fit their columns at 8.5 pt on A4 or Letter; names and routes wrap."""


def filter_words(status: Status | None) -> str:
    return "All statuses" if status is None else f"{STATUS_WORDS[status]} only"


def _row(item: FollowUp, s: Styles) -> list[object]:
    cell = s.cell_bold if item.status is Status.OVERDUE else s.cell
    person = item.patient
    return [
        Paragraph(text(item.status_words).replace(" ", "&nbsp;", 1), s.cell_bold),
        Paragraph(
            f"<b>{text(person.name)}</b><br/>MRN {text(person.mrn)}<br/>Born {person.birth_date.isoformat()}", s.cell
        ),
        Paragraph(f"Course {item.course_number}<br/>{text(item.label)}", cell),
        Paragraph(
            f"from&nbsp;{item.opens.isoformat()}<br/>to&nbsp;{item.closes.isoformat()}<br/>"
            f"target&nbsp;{item.target.isoformat()}",
            s.cell,
        ),
        Paragraph(text(item.when_words), cell),
        Paragraph(text(item.contact), s.cell if item.has_contact else s.cell_bold),
        "",
    ]


def _section(status: Status, items: tuple[FollowUp, ...], s: Styles) -> list[Flowable]:
    heading = Paragraph(f"{STATUS_SYMBOLS[status]} {STATUS_WORDS[status]} ({len(items)})", s.heading)
    table = Table(
        [[Paragraph(text(h), s.label) for h in COLUMNS], *(_row(item, s) for item in items)],
        colWidths=list(WIDTHS),
        repeatRows=1,
    )
    table.setStyle(grid())
    return [heading, table]


def follow_ups_story(found: FollowUpList, s: Styles, status: Status | None = None) -> list[Flowable]:
    shown = found.of(status)
    intro = (
        f"{filter_words(status)}. Follow-up forms after each course's last infusion, as recorded when printed: "
        f"upcoming in the next {found.ahead_days} days, due and overdue now, and missed or done in windows "
        f"closed in the last {found.look_back_days} days. Counts: {found.counts_words}."
    )
    story: list[Flowable] = [
        Paragraph(f"Follow-ups due — {found.on:%A} {found.on.isoformat()}", s.title),
        Paragraph(text(intro), s.small),
    ]
    if not shown:
        story.append(Paragraph("Nothing to follow up on this list.", s.body))
    for each in Status:
        items = tuple(item for item in shown if item.status is each)
        if items:
            story += _section(each, items, s)
    rules = [Paragraph("How this list is made", s.heading)]
    rules += [Paragraph(text(rule), s.small) for rule in found.rules]
    story.append(KeepTogether(rules))
    return story


def follow_ups_pdf(
    found: FollowUpList, clinic: str, page_size: str, printed_at: str, printed_by: str, status: Status | None = None
) -> bytes:
    frame = PageFrame(
        clinic=clinic,
        document=f"Follow-ups due {found.on.isoformat()} · {filter_words(status)}",
        printed_at=printed_at,
        printed_by=printed_by,
    )
    return build_pdf(follow_ups_story(found, Styles(), status), frame, page_size)
