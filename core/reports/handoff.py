"""The handoff sheet: one chair, or all of a nurse's, laid out as I-PASS for the nurse taking over.

Drafted from the live state (``core.handoff``) at the moment it is printed, so it says so at the top:
the giver and the receiver check it at the chair, and the receiver signs for it. Each chair starts a
page; its identifiers head its section and repeat at the top of any page the section runs onto, so a
page torn off still names its patient. The contingencies are the protocol's words and numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from core import event_data
from core.board import step_words
from core.content_hashes import record_hash
from core.dates import local_stamp, local_time
from core.dosing import WeightUnit
from core.event_words import PHASE_WORDS, vital_abbreviation, vital_key
from core.events import EventType as E
from core.handoff import SEVERITY_MEANS, ChairHandoff, PauseSpan, Severity, VitalsSummary, draft, duration
from core.machine import Outcome
from core.protocol import Protocol, VitalKind, VitalThresholds
from core.reports.identity import identifiers
from core.reports.output import Output, Printout
from core.reports.styles import CELL_FONT, CELL_PADDING, RULE, SANS_BOLD, SHADE, Styles, grid, key_values, text
from core.reports.templates import PageFrame, body_size, build_pdf
from core.session_state import SessionState
from core.settings import ClinicSettings
from core.trends import Reading
from core.views import OpenChairs
from core.vitals import Tier

DOCUMENT = "Handoff (I-PASS)"
TIER_WORDS = {Tier.NORMAL: "", Tier.ADVISE: "advisory", Tier.ACT: "ACT NOW"}
LINE = "________________"


@dataclass(frozen=True)
class EmptyChair:
    """A chair asked for that has no open session: the receiver learns it is free."""

    chair: int


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


# ---- I ------------------------------------------------------------------------------------------------


def _severity(h: ChairHandoff, s: Styles) -> list[Flowable]:
    """The draft severity heading, then one line per reason."""
    heading = Paragraph(
        f"<b>I — Illness severity: {h.judgement.severity.value.upper()}</b> (draft) "
        f"<font size=8>Giver's judgement, if different: {LINE}</font>",
        s.large,
    )
    return [heading, *[Paragraph(f"• {text(reason)}", s.small) for reason in h.judgement.reasons]]


def _technical(h: ChairHandoff, s: Styles) -> list[Flowable]:
    """Technical alarms open now, apart from the patient's severity: the mark and the words of the screen."""
    return [Paragraph(f"<b>{text(need.mark)}</b> {text(' '.join(need.said))}", s.small) for need in h.technical]


def _pump_and_vials(h: ChairHandoff, s: Styles) -> list[Flowable]:
    """The pump's reading as checked against the order, and each vial's rest."""
    lines = [Paragraph(f"<b>Pump as checked:</b> {text(h.pump_checked)}", s.small)]
    if h.vials:
        lines += [
            Paragraph(("<b>Vials' rests:</b> " if n == 0 else "") + text(line), s.small)
            for n, line in enumerate(h.vials)
        ]
    elif h.state.controlled.vials:
        lines.append(Paragraph("<b>Vials' rests:</b> nothing left in the vials drawn from.", s.small))
    return lines


# ---- P ------------------------------------------------------------------------------------------------


def _facts(h: ChairHandoff, s: Styles, width: float) -> Table:
    state, infusion = h.state, h.state.infusion
    course = f"day {state.course_day} of {state.course_days}" if state.course_day else "not recorded"
    if state.missed_days:
        course += f" (missed: {', '.join(str(d) for d in state.missed_days)})"
    dose = state.dose
    weight = dose_text = pump = "not yet"
    if dose is not None:
        weight = f"{_num(dose.weight_kg.quantize(Decimal('0.01')))} kg"
        if dose.weight_unit is not WeightUnit.KG:
            weight = f"{_num(dose.weight_entered)} {dose.weight_unit.value} = {weight}"
        dose_text = f"{_num(dose.dose_mg)} mg ({_num(dose.mg_per_kg)} mg/kg)"
        pump = (
            f"{_num(dose.rate_ml_per_h)} mL/h; {_num(dose.final_volume_ml)} mL at "
            f"{_num(dose.concentration_mg_per_ml)} mg/mL"
        )
    if infusion.started_at is None:
        timing = "not started"
    else:
        timing = f"started {local_time(infusion.started_at)}; infused {duration(infusion.infused)}"
        if infusion.ended_at is not None:
            timing += f"; ended {local_time(infusion.ended_at)}"
        else:
            timing += f"; left {duration(infusion.remaining)}"
    step = step_words(state)
    if state.outcome is not Outcome.IN_PROGRESS:
        step += f" ({state.outcome.value})"
    rows = [
        ("Course", course, "Prescriber", h.prescriber or "not recorded"),
        ("Step", step, "Infusion", timing),
        ("Weight", weight, "Dose", dose_text),
        ("Pump", pump, "Opened by", f"{h.opened_by}; latest entry {h.last_by} at {local_time(h.last_at)}"),
    ]
    overrides = _overrides(state)
    if overrides:
        rows.append(("Overrides", "; ".join(overrides), "", ""))
    stop = next((e for e in state.events if e.type is E.STOPPED_EARLY), None)
    if stop is not None:
        stopped = stop.data_as(event_data.StoppedEarly)
        minutes = _num(stopped.minutes_infused)
        said = (
            f"{stopped.reason} at {local_time(stop.occurred_at)}, after {minutes} min; "
            f"about {stopped.estimated_mg_given} mg given"
        )
        rows.append(("Stopped early", said, "", ""))
    cells = [
        [
            Paragraph(text(a), s.label),
            Paragraph(text(b), s.cell),
            Paragraph(text(c), s.label),
            Paragraph(text(d), s.cell),
        ]
        for a, b, c, d in rows
    ]
    table = Table(cells, colWidths=[w * width for w in (0.13, 0.37, 0.13, 0.37)])
    table.setStyle(key_values())
    return table


def _overrides(state: SessionState) -> list[str]:
    """Every rule set aside for this patient today, with the reason given: the receiver inherits them."""
    found = []
    for event in state.events:
        match event.data:
            case event_data.Opened(same_day_override=override) if override:
                found.append(f"second infusion today: {override}")
            case event_data.Weighed() as weighed:
                if weighed.change_confirmed:
                    found.append(f"weight change of {weighed.change_percent} % confirmed by the nurse")
                if weighed.unit_confirmed:
                    found.append(f"weight {weighed.entered} {weighed.unit.value} confirmed by the nurse")
            case event_data.DoseCalculated(calculation=calc) if calc.override_reason:
                found.append(f"dose {calc.dose_mg} mg over the soft limit, reason: {calc.override_reason}")
            case event_data.Started(go_ahead=go_ahead) if go_ahead:
                found.append(f"started outside the start limits, prescriber's go-ahead: {go_ahead}")
            case event_data.Discharged() as discharge if discharge.override_reason:
                unmet = "; ".join(discharge.unmet) or "criteria not met"
                prescriber = discharge.prescriber or "prescriber not recorded"
                found.append(f"discharged on {prescriber}'s override ({unmet}), reason: {discharge.override_reason}")
    return found


def _reading(reading: Reading | None, at: datetime | None) -> str:
    if reading is None:
        return "—"
    words = f"{_num(reading.value)} {TIER_WORDS[reading.tier]}".strip()
    if reading.tier is Tier.ACT:
        words = f"<b>{words}</b>"
    if at is not None and reading.at != at:
        words += f" ({local_time(reading.at)})"
    return words


def _vitals(protocol: Protocol, h: ChairHandoff, s: Styles, width: float) -> list[Flowable]:
    if not h.vitals_sets:
        return [Paragraph("<b>Vital signs:</b> none recorded yet.", s.small)]
    summary: Sequence[VitalsSummary] = h.vitals
    baseline_at = next((v.baseline.at for v in summary if v.baseline), None)
    latest_at = max((v.latest.at for v in summary if v.latest), default=None)
    head = [f"Vital signs ({h.vitals_sets} set{'s' if h.vitals_sets != 1 else ''})"]
    head += [vital_abbreviation(v.kind) for v in summary]  # the key is printed once, at the top
    base_label = f"Baseline {local_time(baseline_at)}" if baseline_at else "Baseline"
    last_label = f"Latest {local_time(latest_at)}" if latest_at else "Latest"
    rows = [
        [Paragraph(f"<b>{text(cell)}</b>", s.fine) for cell in head],
        [Paragraph(base_label, s.label), *(Paragraph(_reading(v.baseline, baseline_at), s.cell) for v in summary)],
        [Paragraph(last_label, s.label), *(Paragraph(_reading(v.latest, latest_at), s.cell) for v in summary)],
    ]
    # The first column is as wide as its longest words on one line (the head and the two times), never less
    # than a sixth of the page: "Vital signs (2 sets)" never wraps.
    said = [(head[0], s.fine), (base_label, s.label), (last_label, s.label)]
    needed = max(stringWidth(words, SANS_BOLD, style.fontSize) for words, style in said) + 2 * CELL_PADDING + 1
    first = max(0.16 * width, needed)
    share = (width - first) / len(summary)
    table = Table(rows, colWidths=[first, *([share] * len(summary))])
    table.setStyle(grid())
    return [table]


def _side_effects(protocol: Protocol, h: ChairHandoff, s: Styles) -> list[Flowable]:
    checks = sum(1 for e in h.state.events if e.type is E.SIDE_EFFECTS)
    if not checks:
        words = "no checklist recorded yet."
    elif not h.side_effects:
        lowest = protocol.side_effects.grades[0].label
        words = f"none recorded ({checks} checklist{'s' if checks != 1 else ''}, every item “{lowest}”)."
    else:
        words = "; ".join(
            f"{text(seen.label)}: " + ", ".join(f"{text(grade).lower()} {local_time(at)}" for grade, at in seen.grades)
            for seen in h.side_effects
        )
    flowables: list[Flowable] = [Paragraph(f"<b>Side effects so far:</b> {words}", s.small)]
    flowables += [Paragraph(f"<b>Adverse event:</b> {text(line)}", s.small) for line in h.adverse_events]
    return flowables


def _pause_rows(spans: Sequence[PauseSpan], now: datetime, s: Styles) -> list[list[object]]:
    rows: list[list[object]] = []
    for span in spans:
        resumed = local_time(span.resumed_at) if span.resumed_at else "still paused"
        if span.resumed_at is not None:
            length = duration(span.resumed_at - span.paused_at)
        else:  # a pause still running has lasted this long already: the receiver times it from here
            length = f"{duration(now - span.paused_at)} so far"
        cells = (local_time(span.paused_at), resumed, length)
        rows.append([*(Paragraph(cell, s.cell) for cell in cells), Paragraph(text(span.reason), s.cell)])
    return rows


# ---- A ------------------------------------------------------------------------------------------------


def _action_rows(h: ChairHandoff, s: Styles) -> list[list[object]]:
    return [
        [Paragraph(text(a.when), s.cell_bold if a.now else s.cell), Paragraph(text(a.what), s.cell), ""]
        for a in h.actions
    ]


# ---- S ------------------------------------------------------------------------------------------------


def _act_bounds(vital: VitalThresholds, baseline: Decimal | None) -> str:
    parts = []
    if vital.act_above is not None:
        parts.append(f"≥ {_num(vital.act_above)}")
    if vital.act_below is not None:
        parts.append(f"≤ {_num(vital.act_below)}")
    words = f"{vital.label} {' or '.join(parts)} {vital.unit}" if parts else vital.label
    if vital.act_rise is not None:
        words += f", or a rise of {_num(vital.act_rise)} {vital.unit} or more from baseline"
        if baseline is not None:
            words += f" (this patient: {_num(baseline + vital.act_rise)} or more)"
    return words


def _contingencies(protocol: Protocol, s: Styles) -> list[Flowable]:
    """If this, do that: the protocol's act-now limits and actions, the severe side effect, discharge.
    The same for every chair, so printed once, at the top of the sheet."""
    grouped: dict[str, list[str]] = {}
    for vital in protocol.vitals.values():
        if vital.act_above is None and vital.act_below is None and vital.act_rise is None:
            continue
        grouped.setdefault(vital.act_instruction or "", []).append(_act_bounds(vital, None))
    effects = protocol.side_effects
    severe = next(g.label for g in effects.grades if g.id == effects.act_at_grade)
    rules = [(f"If {'; '.join(bounds)}", action) for action, bounds in grouped.items()]
    during = " ".join(f"{PHASE_WORDS[phase]}: {words}" for phase, words in effects.act_instruction.items())
    rules.append((f"If a side effect is graded {severe} or worse", f"{during} Record an adverse event."))
    return [
        *[Paragraph(f"• {text(condition)}: <b>{text(action) or '—'}</b>", s.fine) for condition, action in rules],
        Paragraph(f"• Discharge: {_discharge_rule(protocol)}", s.fine),
    ]


def _this_chair(protocol: Protocol, h: ChairHandoff, s: Styles) -> list[Flowable]:
    """What the protocol's limits come to for this patient: rises from her baseline, and her discharge."""
    lines = []
    for kind, vital in protocol.vitals.items():
        baseline = _baseline(h, kind)
        if vital.act_rise is not None and baseline is not None:
            lines.append(
                f"{vital.label}: act now at {_num(baseline + vital.act_rise)} {vital.unit} or more "
                f"(baseline {_num(baseline)} + {_num(vital.act_rise)})."
            )
    if h.state.discharge_earliest:
        lines.append(f"Discharge not before {local_time(h.state.discharge_earliest)}.")
    if not lines:
        lines.append("The protocol's limits at the top of the sheet apply; no baseline set yet.")
    return [Paragraph(f"• {text(line)}", s.small) for line in lines]


def _baseline(h: ChairHandoff, kind: VitalKind) -> Decimal | None:
    """A rise is measured from the baseline once the infusion started on it."""
    return h.state.baseline.get(kind) if h.state.infusion.started_at is not None else None


def _discharge_rule(protocol: Protocol) -> str:
    rules = protocol.discharge
    minimum = protocol.observation.minimum_minutes
    criteria = "; ".join(c.text for c in rules.criteria)
    return text(
        f"Not before {minimum} min after the end of the infusion; {rules.score_name} "
        f"{rules.score_threshold} or more; {criteria}. Otherwise only with the prescriber's override and reason."
    )


# ---- the receiver's part ------------------------------------------------------------------------------


def _receiver(giver: str | None, s: Styles, width: float) -> list[Flowable]:
    rows = [
        ["", "Name", "Signature", "Time"],
        ["Handed over by", giver or "", "", ""],
        ["Received by", "", "", ""],
    ]
    cells = [
        [Paragraph(text(c), s.label if r == 0 or i == 0 else s.cell) for i, c in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=[w * width for w in (0.2, 0.36, 0.28, 0.16)])
    table.setStyle(grid())
    table.setStyle([("BOTTOMPADDING", (0, 1), (-1, -1), 10)])
    return [
        Paragraph(
            "The receiver reads back the severity and the actions, checks patient and pump at the chair, then signs.",
            s.small,
        ),
        Spacer(0, 3),
        table,
    ]


# ---- one chair ----------------------------------------------------------------------------------------


PIECE_ROWS = 12
"""Rows of a table kept in one piece: a section breaks between pieces, so no piece outgrows a page."""


def _pieces(head: Sequence[str], body: list[list[object]], widths: list[float], s: Styles) -> list[Table]:
    """A table cut into pieces that join up again: the head on the first, the ruling on every one."""
    pieces = []
    for start in range(0, max(len(body), 1), PIECE_ROWS):
        rows = body[start : start + PIECE_ROWS]
        if start == 0:
            rows = [[Paragraph(cell, s.label) for cell in head], *rows]
        piece = Table(rows, colWidths=widths)
        piece.setStyle(grid(head_rows=1 if start == 0 else 0))
        pieces.append(piece)
    return pieces


@dataclass
class _Rows:
    """One chair's section, row by row. A page breaks only between rows, so each row is short, and the
    first row (the identifiers) is repeated at the top of every page the section runs onto."""

    cells: list[list[list[Flowable]]] = field(default_factory=list)
    joined: set[int] = field(default_factory=set)

    def add(self, *flowables: Flowable, joined: bool = False) -> None:
        if joined:
            self.joined.add(len(self.cells))
        self.cells.append([list(flowables)])  # one column: the row's flowables share its one cell

    def lines(self, title: str, lines: Sequence[Flowable], s: Styles) -> None:
        """A titled block of lines, the title kept with the first."""
        self.add(Paragraph(title, s.label), *lines[:1])
        for line in lines[1:]:
            self.add(line, joined=True)

    def table(
        self, title: Flowable, head: Sequence[str], body: list[list[object]], widths: list[float], s: Styles
    ) -> None:
        first, *rest = _pieces(head, body, widths, s)
        self.add(title, first)
        for piece in rest:
            self.add(piece, joined=True)

    def build(self, width: float) -> Table:
        table = Table(self.cells, colWidths=[width], repeatRows=1)
        style = [
            CELL_FONT,
            ("BACKGROUND", (0, 0), (0, 0), SHADE),
            ("BOX", (0, 0), (-1, -1), 0.8, RULE),
            ("LINEBELOW", (0, 0), (0, 0), 0.8, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (0, 0), 0),
        ]
        if len(self.cells) > 2:  # the receiver's box never starts a page alone: it goes with the row before
            style.append(("NOSPLIT", (0, len(self.cells) - 2), (0, len(self.cells) - 1)))
        for row in self.joined:  # pieces of one block sit close, as one
            style += [("TOPPADDING", (0, row), (0, row), 0), ("BOTTOMPADDING", (0, row - 1), (0, row - 1), 0)]
        table.setStyle(TableStyle(style))
        return table


def chair_section(protocol: Protocol, h: ChairHandoff, giver: str | None, s: Styles, width: float) -> Table:
    """One chair: I, P, A and S, then the receiver's box, under the patient's identifiers."""
    inner = width - 8
    rows = _Rows()
    rows.add(Paragraph(f"Chair {h.chair} — {text(identifiers(h.patient))}", s.heading))
    heading, *reasons = _severity(h, s)
    rows.add(heading, *reasons[:1])
    for reason in reasons[1:]:
        rows.add(reason, joined=True)
    if h.technical:
        rows.lines("Technical alarms (equipment and software, not the patient)", _technical(h, s), s)
    rows.add(Paragraph("P — Patient summary", s.label), _facts(h, s, inner))
    for line in _pump_and_vials(h, s):
        rows.add(line, joined=True)
    rows.add(*_vitals(protocol, h, s, inner))
    effects = _side_effects(protocol, h, s)
    rows.add(effects[0])
    for line in effects[1:]:
        rows.add(line, joined=True)
    if h.pauses:
        title = Paragraph(f"<b>Pauses ({len(h.pauses)})</b>", s.small)
        widths = [w * inner for w in (0.13, 0.15, 0.14, 0.58)]
        rows.table(title, ("Paused", "Resumed", "Length", "Reason"), _pause_rows(h.pauses, h.now, s), widths, s)
    else:
        rows.add(Paragraph("<b>Pauses:</b> none.", s.small), joined=True)
    title = Paragraph(f"A — Actions (drafted at {local_time(h.now)})", s.label)
    rows.table(title, ("When", "What", "Done"), _action_rows(h, s), [w * inner for w in (0.2, 0.72, 0.08)], s)
    rows.add(
        Paragraph("S — Situation awareness: the limits above, for this patient", s.label),
        *_this_chair(protocol, h, s),
        Paragraph("S — Synthesis by the receiver", s.label),
        *_receiver(giver, s, inner),
    )
    return rows.build(width)


def empty_section(chair: EmptyChair, now: datetime, s: Styles) -> list[Flowable]:
    return [
        Paragraph(f"Chair {chair.chair} — no open session", s.heading),
        Paragraph(f"No session was open on chair {chair.chair} at {local_time(now)}: nothing to hand over.", s.body),
    ]


# ---- the document -------------------------------------------------------------------------------------


def _whole_if_it_fits(section: Table, width: float, page_height: float) -> Flowable:
    """A section that fits a page but not what is left of this one starts the next page whole; a longer
    one flows on from here, breaking between rows with its patient named on every page."""
    _width, height = section.wrap(width, page_height)
    return KeepTogether([section]) if height <= page_height else section


def handoff_story(
    protocol: Protocol,
    sections: Sequence[ChairHandoff | EmptyChair],
    now: datetime,
    giver: str | None,
    s: Styles,
    width: float,
    page_height: float,
) -> list[Flowable]:
    chairs = ", ".join(str(section.chair) for section in sections)
    whose = f" from {text(giver)}" if giver else ""
    key = "; ".join(f"<b>{severity.value}</b>: {text(SEVERITY_MEANS[severity])}" for severity in Severity)
    story: list[Flowable] = [
        Paragraph(
            f"<b>Handoff of chair{'s' if len(sections) > 1 else ''} {chairs}{whose}</b>, drafted from the record at "
            f"{local_time(now)}. Check it together at the chair before signing.",
            s.body,
        ),
        Paragraph(f"Severity words: {key}.", s.fine),
        Paragraph(f"Vital signs: {text(vital_key(protocol))}.", s.fine),
        Paragraph(
            f"<b>Contingencies for every chair</b> (protocol {text(protocol.id)} {text(protocol.version)}):", s.fine
        ),
        *_contingencies(protocol, s),
        Spacer(0, 4),
    ]
    for number, section in enumerate(sections):
        if number:
            story.append(PageBreak())
        if isinstance(section, EmptyChair):
            story += empty_section(section, now, s)
        else:
            story.append(_whole_if_it_fits(chair_section(protocol, section, giver, s, width), width, page_height))
    return story


def handoff_sections(open_chairs: OpenChairs, chairs: Sequence[int]) -> list[ChairHandoff | EmptyChair]:
    """Each chair asked for, in the order asked, drafted from its open session when the snapshot was taken."""
    sections: list[ChairHandoff | EmptyChair] = []
    for chair in chairs:
        view = open_chairs.chairs.get(chair)
        if view is None:
            sections.append(EmptyChair(chair))
            continue
        prescriber = open_chairs.prescribers.get(view.patient.id)
        sections.append(draft(open_chairs.protocol, view, open_chairs.taken_at, open_chairs.names, prescriber))
    return sections


def hash_words(sessions: int) -> str:
    """The footer's words before the hash: of one session's record, or of all the sessions on the sheet."""
    return "Record SHA-256" if sessions == 1 else f"SHA-256 of the records of the {sessions} sessions on this sheet"


def handoff_printout(
    open_chairs: OpenChairs, chairs: Sequence[int], clinic: ClinicSettings, printed_by: str, giver: str | None = None
) -> Printout:
    """The handoff sheet for ``chairs`` as they stood when ``open_chairs`` was taken, on the clinic's paper,
    with one audit line per patient on it, so each patient's record shows the print. Drafted once, so the
    pages and the audit lines describe the same moment.

    ``giver`` is the nurse handing over, printed in the receiver's box; None leaves it to be written.
    With one chair the page header carries the patient's identifiers; with several, each section does.
    """
    sections = handoff_sections(open_chairs, chairs)
    now = open_chairs.taken_at
    patients = [section for section in sections if isinstance(section, ChairHandoff)]
    logs = [event for section in patients for event in section.state.events]  # in the sheet's chair order
    frame = PageFrame(
        clinic=clinic.clinic_name,
        document=DOCUMENT,
        printed_at=local_stamp(now),
        printed_by=printed_by,
        patient=identifiers(patients[0].patient) if len(sections) == 1 and patients else None,
        record_hash=record_hash(logs) if patients else None,
        hash_words=hash_words(len(patients)),
    )
    width, height = body_size(clinic.page_size)
    story = handoff_story(open_chairs.protocol, sections, now, giver, Styles(), width, height)
    pdf = build_pdf(story, frame, clinic.page_size)
    what = f"handoff sheet, chairs {', '.join(str(c) for c in chairs)}"
    outputs = [Output(what, "", h.patient.id, h.state.session_id) for h in patients] or [Output(what, "")]
    return Printout(pdf, tuple(outputs))


def handoff_pdf(
    open_chairs: OpenChairs, chairs: Sequence[int], clinic: ClinicSettings, printed_by: str, giver: str | None = None
) -> bytes:
    return handoff_printout(open_chairs, chairs, clinic, printed_by, giver).pdf
