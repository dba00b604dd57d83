"""The going-home sheet for the patient and the escort, in large type and short sentences.

Every sentence is the protocol's (``[discharge_instructions]``), so the medical director reviews what
a patient reads as carefully as the numbers a nurse sees; this module only fills the blanks about
today's session from the record and lays the page out. It is printed once the patient is discharged,
because it says what was given and how the patient was on leaving; a line that depends on the record
(``if_met`` / ``if_not_met`` in the protocol) is printed only when the record agrees with it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from core.content_hashes import record_hash
from core.dates import local_stamp, local_time
from core.discharge import discharge_event, met_by_record
from core.errors import NotNow
from core.event_data import StoppedEarly
from core.events import EventType as E
from core.machine import Outcome
from core.protocol import InstructionSection, Protocol
from core.reports.identity import identifiers
from core.reports.output import Output, Printout
from core.reports.styles import CELL_FONT, MARGIN, PAGE_SIZES, RULE, Styles, text
from core.reports.templates import PageFrame, build_pdf
from core.session_state import SessionState
from core.settings import ClinicSettings
from core.views import PatientView, SessionSnapshot

NO_PHONE = "Ask the nurse to write the clinic's number here: ____________________"
DOCUMENT = "Going-home sheet"


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _treated(state: SessionState) -> None:
    """Refused until the session's infusion ran and ended and its patient left: before, there is nothing to say."""
    if state.outcome is Outcome.NOT_TREATED:
        raise NotNow(
            "No infusion was given in this session, so there is no going-home sheet for it.",
            "Give the patient the clinic's general advice instead.",
        )
    if state.infusion.ended_at is None:
        raise NotNow(
            "The infusion has not ended yet, and the sheet says what was given.",
            "Print it once the infusion has ended and the patient is discharged.",
        )
    if discharge_event(state) is None:
        raise NotNow(
            "The patient has not been discharged yet, and the sheet says how the patient was on leaving.",
            "Record the discharge first, then print the sheet.",
        )


def today_lines(protocol: Protocol, state: SessionState) -> list[str]:
    """The sentences about today's session, blanks filled from the record."""
    words = protocol.discharge_instructions
    given = state.controlled.given_mg if state.controlled.given_mg is not None else Decimal(0)
    lines = [words.given.format(drug=protocol.drug, given_mg=_num(given))]
    day, days = state.course_day, state.course_days
    if day is not None and days is not None:
        lines.append(words.course_day.format(day=day, days=days))
    stop = next((e for e in state.events if e.type is E.STOPPED_EARLY), None)
    if stop is not None:
        minutes = stop.data_as(StoppedEarly).minutes_infused.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        lines.append(words.stopped_early.format(minutes_infused=minutes, minutes=protocol.dose.infusion_minutes))
    elif state.infusion.ended_at is not None:
        lines.append(words.ended.format(ended_at=local_time(state.infusion.ended_at)))
    if day is not None and days is not None:
        lines.append(words.next_session.format(next_day=day + 1, days=days) if day < days else words.last_session)
    return lines


def _section(section: InstructionSection, s: Styles, met: frozenset[str]) -> list[Flowable]:
    return [
        Paragraph(text(section.heading), s.sheet_heading),
        *[Paragraph(text(line), s.sheet_item, bulletText="•") for line in section.lines_for(met)],
    ]


def sheet_lines(protocol: Protocol, state: SessionState) -> list[str]:
    """Every instruction the sheet prints for this session, in order (the record decides the conditional ones)."""
    words = protocol.discharge_instructions
    met = met_by_record(protocol, state)
    return [
        line for section in [*words.sections, words.call_clinic, words.emergency] for line in section.lines_for(met)
    ]


def _who_to_call(protocol: Protocol, clinic: ClinicSettings, s: Styles, width: float, met: frozenset[str]) -> Flowable:
    """Whom to call, side by side in one box: the clinic (with its number) and an ambulance."""
    words = protocol.discharge_instructions
    phone = clinic.clinic_phone.strip()
    number = f"{text(clinic.clinic_name)}: <b>{text(phone).replace(' ', '&nbsp;')}</b>" if phone else text(NO_PHONE)
    clinic_part = [*_section(words.call_clinic, s, met), Spacer(0, 4), Paragraph(number, s.large)]
    box = Table([[clinic_part, _section(words.emergency, s, met)]], colWidths=[width * 0.55, width * 0.45])
    box.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("BOX", (0, 0), (-1, -1), 1.2, RULE),
                ("LINEAFTER", (0, 0), (0, 0), 0.8, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box


def escort_story(
    protocol: Protocol,
    state: SessionState,
    patient: PatientView,
    clinic: ClinicSettings,
    day: datetime,
    s: Styles,
    width: float,
) -> list[Flowable]:
    words = protocol.discharge_instructions
    today = [Paragraph(text(line), s.sheet_item, bulletText="•") for line in today_lines(protocol, state)]
    story: list[Flowable] = [
        Paragraph(text(words.title), s.sheet_title),
        Paragraph(f"For {text(patient.given_name)} {text(patient.family_name)} · {day.astimezone():%Y-%m-%d}", s.large),
        KeepTogether([Paragraph(text(words.today_heading), s.sheet_heading), *today]),
    ]
    met = met_by_record(protocol, state)
    story += [KeepTogether(_section(section, s, met)) for section in words.sections]
    story += [Spacer(0, 6), _who_to_call(protocol, clinic, s, width, met)]
    return story


def escort_printout(session: SessionSnapshot, clinic: ClinicSettings, printed_by: str) -> Printout:
    """The sheet for a session whose patient is discharged, on the clinic's paper, with its audit line;
    refused before that."""
    state, patient, now = session.state, session.patient, session.taken_at
    _treated(state)
    frame = PageFrame(
        clinic=clinic.clinic_name,
        document=DOCUMENT,
        printed_at=local_stamp(now),
        printed_by=printed_by,
        patient=identifiers(patient),
        record_hash=record_hash(state.events),
    )
    ended = state.infusion.ended_at or now
    width = PAGE_SIZES[clinic.page_size][0] - 2 * MARGIN
    story = escort_story(session.protocol, state, patient, clinic, ended, Styles(), width)
    output = Output("going-home sheet", "", patient.id, state.session_id)
    return Printout(build_pdf(story, frame, clinic.page_size), (output,))


def escort_pdf(session: SessionSnapshot, clinic: ClinicSettings, printed_by: str) -> bytes:
    return escort_printout(session, clinic, printed_by).pdf
