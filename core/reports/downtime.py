"""Blank paper forms for the day the computer is down, printed from the protocol in force.

Everything clinical on them (screening questions, dose per kg and limits, vials, the vitals schedule
and thresholds, the side-effect checklist and grades, discharge criteria) comes from the protocol, so
the paper asks exactly what the screens ask, and a protocol change reprints as a different form: the
protocol's version and hash are on every page. The nurse enters the paper into Chairside afterwards.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from core.event_words import EVENT_WORDS, PHASE_WORDS, vital_abbreviation, vital_key
from core.events import EventType as E
from core.protocol import Asked, Protocol, Vial, VitalThresholds
from core.reports.styles import Styles, grid, text
from core.reports.templates import PageFrame, build_pdf

BOX = "☐"
ASKED_WORDS = {Asked.COURSE_START: "first session of a course", Asked.EVERY_SESSION: "every session"}
BLANK = "____________"


def _ruled(
    rows: list[list[object]], s: Styles, widths: list[str] | None = None, height: float | None = None, head: int = 1
) -> Table:
    """A ruled table whose text cells wrap (labels bold in the head row); blank cells are for the pen."""

    def cell(value: object, row: int) -> object:
        if isinstance(value, str) and value and value != BOX:
            return Paragraph(text(value), s.label if row < head else s.cell)
        return value

    wrapped = [[cell(value, r) for value in row] for r, row in enumerate(rows)]
    table = Table(wrapped, colWidths=widths, repeatRows=head)
    table.setStyle(grid(head_rows=head))
    if height:  # room to write: a row is at least ``height`` tall, and grows when its label wraps
        table.setStyle([("BOTTOMPADDING", (0, head), (-1, -1), height - 12)])
    return table


def _limits(vital: VitalThresholds) -> tuple[str, str, str, str]:
    """Refuse / advisory / act now / start thresholds of one vital, as printed in the key. Each bound
    includes its own value (core.vitals), so the key says ≤ and ≥, never "below" or "above"."""

    def span(below: object, above: object) -> str:
        parts = [f"≤ {below}" if below is not None else "", f"≥ {above}" if above is not None else ""]
        return " or ".join(part for part in parts if part) or "—"

    return (
        f"outside {vital.reject_below}–{vital.reject_above}",  # the possible range includes both ends
        span(vital.advise_below, vital.advise_above),
        span(vital.act_below, vital.act_above),
        span(vital.start_below, vital.start_above),
    )


def _identity(protocol: Protocol, s: Styles) -> list[Flowable]:
    rows = [
        ["Family name", "", "Given name", ""],
        ["Date of birth", "", "Record number", ""],
        ["Chair", "", "Date", ""],
        ["Course day", f"____ of {protocol.course.sessions}", "Prescriber", ""],
    ]
    table = _ruled(rows, s, ["18%", "32%", "18%", "32%"], 22, head=0)
    checks = f"Identity confirmed with two identifiers: {BOX} full name and {BOX} date of birth or {BOX} record number"
    return [Paragraph("1. Patient", s.heading), table, Spacer(0, 3), Paragraph(checks, s.small)]


def _screening(protocol: Protocol, s: Styles) -> list[Flowable]:
    rows: list[list[object]] = [["Question", "Asked", "Stop if", "Yes", "No", "Unknown"]]
    rows += [
        [q.text, ASKED_WORDS[q.asked], " or ".join(q.stop_if), BOX, BOX, BOX] for q in protocol.screening.questions
    ]
    table = _ruled(rows, s, ["47%", "14%", "12%", "8%", "8%", "11%"])
    return [
        Paragraph("2. Screening", s.heading),
        table,
        Paragraph("<b>An answer under “Stop if”: do not treat, and write the reason.</b>", s.small),
    ]


def _dose(protocol: Protocol, s: Styles) -> list[Flowable]:
    dose, limits, prep = protocol.dose, protocol.dose_limits, protocol.preparation
    vials = "; ".join(_vial_words(v) for v in protocol.vials)
    lines = [
        f"Weight today: {BLANK} kg (from pounds: lb ÷ 2.2046). Change over "
        f"{protocol.weight.advise_change_percent}% from last session: confirm and write why.",
        f"Dose = weight {BLANK} kg × {dose.mg_per_kg} mg/kg = {BLANK} mg "
        f"(over {limits.soft_max_mg} mg: prescriber's reason needed; never over {limits.hard_max_mg} mg).",
        f"Vial used: {vials}.",
        f"Volume to draw = dose {BLANK} mg ÷ {BLANK} mg/mL = {BLANK} mL.",
        f"Bag: {text(prep.diluent)}"
        + (", remove the drug volume from the bag first." if prep.remove_drug_volume_first else ".")
        + f" Final volume = {prep.bag_ml} mL + drug {BLANK} mL = {BLANK} mL.",
        f"Pump rate = final volume {BLANK} mL ÷ {dose.infusion_minutes} min × 60 = {BLANK} mL/h.",
    ]
    check = _ruled(
        [
            ["Independent check: second nurse's own figures", "Weight kg", "Dose mg", "Rate mL/h", "Name, signature"],
            ["", "", "", "", ""],
        ],
        s,
        ["34%", "12%", "12%", "12%", "30%"],
        24,
    )
    drug = _ruled(
        [["Lot", "Drawn up mL / mg", "Given mg", "Wasted mg", "Waste witness"], ["", "", "", "", ""]],
        s,
        ["20%", "20%", "15%", "15%", "30%"],
        24,
    )
    multi = [v.label for v in protocol.vials if v.multi_dose]
    if len(multi) == len(protocol.vials):
        back = f"{BOX} returned to stock (a multi-dose vial)"
    else:  # only the multi-dose vials go back: named, so a single-dose vial's rest is wasted
        back = f"{BOX} returned to stock (only {'; '.join(multi) or 'no vial of this protocol'})"
    rest = _ruled(
        [
            ["Rest of the vial: lot", "Left in the vial mL / mg", "Where it went", "Nurse", "Witness (a waste)"],
            ["", "", Paragraph(f"{text(back)}<br/>{BOX} wasted before a witness", s.cell), "", ""],
        ],
        s,
        ["17%", "17%", "36%", "14%", "16%"],
        24,
    )
    return [
        Paragraph("3. Weight and dose", s.heading),
        *[Paragraph(line, s.body) for line in lines],
        Spacer(0, 4),
        check,
        Spacer(0, 4),
        *_pump(protocol, s),
        Spacer(0, 4),
        Paragraph("Controlled substance", s.label),
        drug,
        Spacer(0, 2),
        rest,
        Paragraph("Every vial drawn from is accounted for before the session is signed.", s.small),
    ]


def _vial_words(vial: Vial) -> str:
    """A vial as the protocol names it, its concentration said once (first), then any note in the label."""
    strength = f"{vial.mg_per_ml} mg/mL"
    return text(vial.label) if strength in vial.label else f"{text(vial.label)}, {strength}"


def _pump(protocol: Protocol, s: Styles) -> list[Flowable]:
    """The pump programmed and checked against the order before the start, read off the pump itself."""
    second = "required" if protocol.pump.second_nurse == "required" else "optional"
    agrees = f"{BOX} yes {BOX} no"
    table = _ruled(
        [
            [
                EVENT_WORDS[E.PUMP_PROGRAMMED],
                "Rate mL/h",
                "Volume to be infused mL",
                "Agrees with the order",
                "Initials",
            ],
            ["Ordered (from the dose above)", "", "", "", ""],
            ["Read off the pump by the nurse", "", "", agrees, ""],
            [f"Read off the pump by a second nurse ({second})", "", "", agrees, ""],
        ],
        s,
        ["31%", "13%", "18%", "22%", "16%"],
        20,
    )
    return [
        table,
        Paragraph(
            f"Volume to be infused = final volume, to {protocol.pump.vtbi_ml} mL. <b>A reading that does not agree "
            "with the order: do not start; program the pump again, then read it again.</b>",
            s.small,
        ),
    ]


def _vitals(protocol: Protocol, s: Styles) -> list[Flowable]:
    kinds = list(protocol.vitals)
    head = ["When", "Time", *(vital_abbreviation(k) for k in kinds), "Initials"]
    labels = [point.label for point in protocol.vitals_schedule.points] + ["Extra", "Extra", "Extra"]
    rows: list[list[object]] = [head, *([label] + [""] * (len(head) - 1) for label in labels)]
    share = f"{67 / len(kinds):.1f}%"
    table = _ruled(rows, s, ["16%", "8%", *([share] * len(kinds)), "9%"], 18)
    key: list[list[object]] = [["Vital", "Impossible (recheck)", "Advisory", "Act now", "Do not start if"]]
    key += [[vital_abbreviation(kind), *_limits(protocol.vitals[kind])] for kind in kinds]
    key_table = _ruled(key, s)
    schedule = protocol.vitals_schedule
    return [
        Paragraph("4. Vital signs", s.heading),
        Paragraph(
            f"Baseline within {schedule.baseline_within_minutes} min before the start; the minutes of the "
            "infusion points count time infused, so a pause moves them later. Act-now value: pause, tell the "
            "prescriber, recheck, and write the action.",
            s.small,
        ),
        table,
        Paragraph(text(f"{vital_key(protocol)}."), s.small),
        Spacer(0, 4),
        KeepTogether([Paragraph("Thresholds", s.label), key_table]),
    ]


def _infusion(s: Styles) -> list[Flowable]:
    times = _ruled([["Started at", "", "Ended at", "", "Minutes infused", ""]], s, height=22, head=0)
    pauses = _ruled(
        [["Paused at", "Reason", "Resumed at", "Initials"], *([""] * 4 for _ in range(4))],
        s,
        ["18%", "52%", "18%", "12%"],
        20,
    )
    return [
        Paragraph("5. Infusion", s.heading),
        times,
        Spacer(0, 4),
        pauses,
        Paragraph(f"Stopped early: reason {BLANK}{BLANK}; estimated amount given {BLANK} mg.", s.small),
    ]


def _side_effects(protocol: Protocol, s: Styles) -> list[Flowable]:
    effects = protocol.side_effects
    grades = " / ".join(f"{g.label}" for g in effects.grades)
    rows: list[list[object]] = [["Side effect", "Time ____", "Time ____", "Time ____", "Time ____"]]
    rows += [[item.label, "", "", "", ""] for item in effects.items]
    table = _ruled(rows, s, ["36%", "16%", "16%", "16%", "16%"], 18)
    act = next(g.label for g in effects.grades if g.id == effects.act_at_grade)
    return [
        Paragraph("6. Side effects", s.heading),
        Paragraph(f"Write the grade in each box: {text(grades)}.", s.small),
        table,
        Paragraph(
            f"<b>At “{text(act)}” or worse:</b> record it as an adverse event: what, severity, action taken and "
            "who was told.",
            s.small,
        ),
        *(
            Paragraph(f"• {text(PHASE_WORDS[phase])}: {text(words)}", s.small)
            for phase, words in effects.act_instruction.items()
        ),
    ]


def _discharge(protocol: Protocol, s: Styles) -> list[Flowable]:
    discharge = protocol.discharge
    criteria = [Paragraph(f"{BOX} {text(c.on_paper)}", s.body) for c in discharge.criteria]
    signatures = _ruled(
        [["", "Name", "Signature", "Time"], ["Nurse who gave the infusion", "", "", ""], ["Discharged by", "", "", ""]],
        s,
        ["30%", "26%", "26%", "18%"],
        24,
    )
    return [
        Paragraph("7. Observation and discharge", s.heading),
        Paragraph(
            f"Observe at least {protocol.observation.minimum_minutes} min after the end. "
            f"{text(discharge.score_name)} ({discharge.score_min}–{discharge.score_max}): {BLANK}, "
            f"needs {discharge.score_threshold} or more.",
            s.body,
        ),
        *criteria,
        Paragraph(
            "A criterion not met: discharge only on a prescriber's override, with her name and the reason.", s.body
        ),
        _ruled([["Prescriber's name", "", "Reason", ""]], s, ["18%", "27%", "10%", "45%"], 22, head=0),
        Spacer(0, 6),
        signatures,
    ]


def downtime_story(protocol: Protocol, s: Styles) -> list[Flowable]:
    intro = (
        "Use this form only while Chairside cannot be used. Fill every box by hand in ink. When Chairside is "
        "back, enter the session from this paper and keep the paper with the chart."
    )
    return [
        Paragraph("Downtime session record", s.title),
        Paragraph(f"{text(protocol.name)} — version {protocol.version}", s.body),
        Paragraph(intro, s.warning),
        KeepTogether(_identity(protocol, s)),
        KeepTogether(_screening(protocol, s)),
        KeepTogether(_dose(protocol, s)),
        KeepTogether(_vitals(protocol, s)),
        KeepTogether(_infusion(s)),
        KeepTogether(_side_effects(protocol, s)),
        KeepTogether(_discharge(protocol, s)),
    ]


def downtime_forms(protocol: Protocol, clinic: str, page_size: str, printed_at: str, printed_by: str) -> bytes:
    frame = PageFrame(
        clinic=clinic,
        document=f"Downtime form · protocol {protocol.id} {protocol.version}",
        printed_at=printed_at,
        printed_by=printed_by,
        patient="Patient: ________________________  Born: ____________  Record number: ____________",
        record_hash=protocol.content_hash,
    )
    return build_pdf(downtime_story(protocol, Styles()), frame, page_size)
