"""The session summary: one patient, one session, for the chart. Usually one page, and right.

Built only from the session's stored entries (never from a screen), so a reprint next year says the
same; the footer carries the hash of those entries, and an unsigned session is marked as a draft on
every page. Everything that matters clinically is here: identifiers, protocol version and hash, course
day, weight and the dose arithmetic, the controlled substance, both nurses of the double check, the
timeline with pauses, vitals with their tiers and a trend, side effects and adverse events, discharge,
every signature with its meaning, and addenda.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from core import event_data as d
from core.content_hashes import record_hash
from core.controlled import controlled_words
from core.dates import local_stamp, local_time
from core.dosing import WeightUnit, round_to
from core.event_words import (
    AGREED,
    EVENT_WORDS,
    check_figures_words,
    check_verdict,
    identifiers_words,
    stopped_early_words,
    vital_abbreviation,
    vital_key,
)
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome, Step
from core.protocol import Protocol, VitalKind
from core.pump_check import PumpCheck
from core.reports.identity import identifiers
from core.reports.output import Output, Printout
from core.reports.plain import Plain
from core.reports.styles import SANS, Styles, grid, key_values, text
from core.reports.templates import PageFrame, build_pdf
from core.session_state import RECHECK, PointStatus, VitalsPoint
from core.views import SessionSnapshot
from core.vitals import Tier

NOT_REACHED = "not reached, the infusion ended first"
TIER_MARKS = {Tier.ADVISE: "*", Tier.ACT: "!"}
TIER_LEGEND = "* advisory value (flagged quietly); ! act-now value (alarm, acknowledged with the action taken)"
OUTCOME_WORDS = {
    Outcome.COMPLETED: "Infusion completed",
    Outcome.STOPPED_EARLY: "Infusion stopped early",
    Outcome.NOT_TREATED: "Not treated",
    Outcome.IN_PROGRESS: "In progress",
}
TREND_KINDS = (VitalKind.SYSTOLIC, VitalKind.DIASTOLIC, VitalKind.HEART_RATE, VitalKind.SPO2)
TREND_DASHES: tuple[tuple[int, ...] | None, ...] = (None, (4, 2), (1, 2), (6, 2, 1, 2))
TREND_MARKERS = ("FilledCircle", "Circle", "FilledSquare", "Triangle")


@dataclass(frozen=True)
class Printing:
    """Who prints, when, and on what: the footer's facts and the clinic's paper."""

    clinic: str
    page_size: str
    printed_at: str
    printed_by: str


class _Summary:
    """One summary being written: the session, the names, and the styles, shared by the sections."""

    def __init__(self, session: SessionSnapshot) -> None:
        self.protocol: Protocol = session.protocol
        self.state = session.state
        self.patient = session.patient
        self.names = session.names
        self.s = Styles()
        self.opened = session.state.events[0].data_as(d.Opened)

    def who(self, staff_id: str | None) -> str:
        """A member of staff's name as recorded, for a plain cell (no markup)."""
        return self.names.get(staff_id or "", staff_id or "—")

    def name(self, staff_id: str | None) -> str:
        """A member of staff's name made safe for a paragraph's markup."""
        return text(self.who(staff_id))

    def of(self, kind: E) -> list[Event]:
        return [event for event in self.state.events if event.type is kind]

    def p(self, words: str, style: str = "body") -> Paragraph:
        return Paragraph(words, getattr(self.s, style))

    def plain(self, words: object, style: str = "cell") -> Plain:
        """Words printed as they stand, markup and all: most cells need no bold and no escaping."""
        return Plain(words, getattr(self.s, style))

    def facts(self, pairs: list[tuple[str, str | Plain]]) -> Table:
        """Label/value rows; a value is plain text, or a cell made for it (the patient's name, in bold)."""
        rows = [
            [self.plain(label, "label"), value if isinstance(value, Plain) else self.plain(value)]
            for label, value in pairs
        ]
        table = Table(rows, colWidths=["26%", "74%"])
        table.setStyle(key_values())
        return table

    # ---- sections -------------------------------------------------------------------------------

    def heading(self) -> list[Flowable]:
        state = self.state
        signed = state.step is Step.DONE
        day = f"day {state.course_day} of {state.course_days}" if state.course_day else "no course recorded"
        protocol = self.opened.protocol
        story: list[Flowable] = [
            self.p(f"Infusion session — {text(OUTCOME_WORDS[state.outcome])}", "title"),
            self.facts(
                [
                    ("Patient", self.plain(self.patient.full_name, "cell_bold")),
                    ("Born / record number", f"{self.patient.birth_date.isoformat()} / {self.patient.mrn}"),
                    ("Identity confirmed by", identifiers_words(self.opened.identifiers_confirmed)),
                    (
                        "Chair / date",
                        f"chair {self.opened.chair}, {local_stamp(state.events[0].occurred_at)}",
                    ),
                    ("Course", day),
                    (
                        "Protocol",
                        f"{self.protocol.name}\n{protocol.id} version {protocol.version}, SHA-256 {protocol.sha256}",
                    ),
                ]
            ),
        ]
        if self.opened.same_day_override:
            story.append(
                self.p(f"Second infusion today: prescriber's override — {text(self.opened.same_day_override)}")
            )
        if not signed:
            story.append(self.p("DRAFT — this session is not signed yet. It may still change.", "warning"))
        if state.screening_stop_reasons:
            reasons = "; ".join(text(r) for r in state.screening_stop_reasons)
            story.append(self.p(f"Not treated. Screening stopped the session: {reasons}", "warning"))
        for event in self.of(E.ABANDONED):
            reason = event.data_as(d.Reason).reason
            story.append(self.p(f"Session ended without treatment: {text(reason)}", "warning"))
        if state.outcome is Outcome.NOT_TREATED:
            story.append(self.p("No drug was given in this session.", "warning"))
        missed = self.missed_sets
        if missed:
            sets = "set" if missed == 1 else "sets"
            story.append(self.p(f"{missed} scheduled {sets} of vital signs missed: see Vital signs.", "warning"))
        return story

    def screening(self) -> list[Flowable]:
        events = self.of(E.SCREENED)
        if not events:
            return []
        screened = events[-1].data_as(d.Screened)
        # The questions as they were worded when answered (recorded since protocol 1.3.0), else today's.
        questions = {**{q.id: q.text for q in self.protocol.screening.questions}, **screened.questions}
        cells = [
            self.p(f"{text(questions[key])} <b>{text(answer)}</b>", "small")
            for key, answer in screened.answers.items()
            if key in questions
        ]
        half = (len(cells) + 1) // 2  # two columns: every question and its answer, in half the height
        rows = [[cells[i], cells[half + i] if half + i < len(cells) else ""] for i in range(half)]
        table = Table(rows, colWidths=["50%", "50%"])
        table.setStyle(grid(head_rows=0))
        by = self.name(events[-1].recorded_by)
        return [self.p(f"Screening ({by}, {local_time(events[-1].occurred_at)})", "heading"), table]

    def dose(self) -> list[Flowable]:
        dose = self.state.dose
        weighed = self.state.weighed
        if dose is None and weighed is None:
            return []
        story: list[Flowable] = [self.p("Weight and dose", "heading")]
        if weighed is not None:
            story.append(self.p(self._weight_words(weighed)))
        if dose is not None:
            # The weight is said once, above, with how it was entered: the sums start from the dose.
            sums = [line for line in dose.arithmetic if not (weighed is not None and line.startswith("Weight:"))]
            story.append(self.p("<br/>".join(text(line) for line in sums), "mono"))
            story.append(
                self.p(
                    f"<b>{dose.dose_mg} mg</b> of {text(dose.vial_label)}: draw {dose.drug_volume_ml} mL into "
                    f"{dose.bag_ml} mL, {dose.final_volume_ml} mL at {dose.concentration_mg_per_ml} mg/mL; "
                    f"pump <b>{dose.rate_ml_per_h} mL/h</b> over {dose.infusion_minutes} min. "
                    f"Calculated by {self.name(self.state.dosed_by)}."
                )
            )
            if dose.soft_limit_exceeded:
                story.append(self.p(f"Above the soft limit; reason: {text(dose.override_reason)}", "warning"))
        story += self._checks()
        story += self._pump_readings()
        return story

    def _pump_readings(self) -> list[Flowable]:
        """Every reading of the pump against the order, in the record's words: what was read, who read it,
        the second nurse if any, and each mismatch with the figures ordered."""
        lines = []
        for event in self.of(E.PUMP_PROGRAMMED):
            check = PumpCheck.of(event)
            words = (
                f"{EVENT_WORDS[E.PUMP_PROGRAMMED]} at {local_time(event.occurred_at)} by {self.name(check.by)}: "
                f"{text(controlled_words(event, lambda i: self.names.get(i, i)))}."
            )
            lines.append(self.p(words, "body" if check.agrees else "warning"))
        waiting = self.state.outcome is Outcome.IN_PROGRESS and self.state.infusion.started_at is None
        if not lines and self.state.dose is not None and waiting:
            lines.append(self.p("The pump's reading against the order is not recorded yet."))
        return lines

    def _weight_words(self, weighed: d.Weighed) -> str:
        unit = weighed.unit.value
        words = f"Weight {weighed.kg} kg"
        if weighed.unit is not WeightUnit.KG:
            words += f" (entered as {weighed.entered} {unit})"
        if weighed.previous is not None:
            words += f"; last session {weighed.previous.kg} kg, change {text(weighed.change_percent)} %"
            if weighed.change_confirmed:
                words += ", confirmed by the nurse"
        if weighed.unit_confirmed:
            words += f"; the number is impossible in the other unit: {unit} confirmed by the nurse"
        return words + "."

    def _checks(self) -> list[Flowable]:
        lines = []
        for event in self.of(E.CHECKED):
            verdict = check_verdict(event.data_as(d.Checked))
            line = (
                f"Independent double check at {local_time(event.occurred_at)} by {self.name(event.recorded_by)}: "
                f"{text(check_figures_words(event.data_as(d.Checked)))} — <b>{text(verdict)}</b>."
            )
            lines.append((line, verdict))
        return [self.p(line, "body" if verdict == AGREED else "warning") for line, verdict in lines]

    def controlled(self) -> list[Flowable]:
        record = self.state.controlled
        if not record.drawn and not record.wasted:
            return []
        rows = [[self.plain(h, "label") for h in ("Drug", "When", "Lot / how", "Amount", "By", "Witness")]]
        for drawn in record.drawn:
            rows.append(
                [
                    self.plain("Drawn up"),
                    self.plain(local_time(drawn.at)),
                    self.plain(f"{drawn.lot} ({drawn.vial_label})"),
                    self.plain(f"{drawn.ml} mL = {self.mg(drawn.mg)}"),
                    self.plain(self.who(drawn.by)),
                    self.plain(""),
                ]
            )
        for waste in (*record.wasted, *record.vial_wastes):
            rows.append(
                [
                    self.plain("Vial's rest wasted" if waste.vial_of else "Wasted"),
                    self.plain(local_time(waste.at)),
                    self.plain(waste.how),
                    self.plain(self.mg(waste.mg)),
                    self.plain(self.who(waste.by)),
                    self.plain(self.who(waste.witness_id) if waste.witness_id else "—"),
                ]
            )
        for back in record.returned:
            rows.append(
                [
                    self.plain("Vial's rest returned to stock"),
                    self.plain(local_time(back.at)),
                    self.plain(self._lot_of(back.vial_of)),
                    self.plain(f"{back.ml} mL = {self.mg(back.mg)}"),
                    self.plain(self.who(back.by)),
                    self.plain("—"),
                ]
            )
        table = Table(rows, colWidths=["14%", "9%", "29%", "16%", "16%", "16%"], repeatRows=1)
        table.setStyle(grid())
        given = "not known yet" if record.given_mg is None else self.mg(record.given_mg)
        totals = (
            f"Drawn {self.mg(record.drawn_mg)}; given {given}; wasted {self.mg(record.wasted_mg)}; "
            f"not accounted for {self.mg(record.unaccounted_mg)}."
        )
        vials = [
            self.p(
                f"Vial of lot {text(vial.drawn.lot)}: {self.mg(vial.rest_mg)} left after drawing up; wasted "
                f"{self.mg(vial.wasted_mg)}, returned {self.mg(vial.returned_mg)}, "
                f"still to account for {self.mg(vial.left_mg)}.",
                "warning" if vial.left_mg > 0 else "body",
            )
            for vial in record.vials
        ]
        return [self.p("Controlled substance", "heading"), table, self.p(totals), *vials]

    def mg(self, value: Decimal) -> str:
        """An amount of the drug to the record's step, always written the same way: 0.0 mg, never 0 mg."""
        return f"{round_to(value, self.state.controlled.step)} mg"

    def _lot_of(self, drawn_event_id: str) -> str:
        drawn = next((d for d in self.state.controlled.drawn if d.event_id == drawn_event_id), None)
        return f"{drawn.lot} ({drawn.vial_label})" if drawn else ""

    def timeline(self) -> list[Flowable]:
        words: dict[E, Callable[[Event], str]] = {
            E.STARTED: self._started,
            E.PAUSED: lambda e: f"Paused: {e.data_as(d.Paused).reason}",
            E.RESUMED: lambda _e: "Resumed",
            E.COMPLETED: lambda _e: "Infusion complete",
            E.STOPPED_EARLY: lambda e: f"Stopped early: {stopped_early_words(e.data_as(d.StoppedEarly))}",
            E.PUMP_CONFIRMED: lambda e: (
                "Pump checked after a restart: "
                + ("running" if e.data_as(d.PumpConfirmed).running else "found stopped")
            ),
            E.ALERT_ACKNOWLEDGED: self._acknowledged,
        }
        rows = [[self.plain(h, "label") for h in ("Time", "What", "By")]]
        for event in self.state.events:
            if event.type in words:
                rows.append(
                    [
                        self.plain(local_time(event.occurred_at)),
                        self.plain(words[event.type](event)),
                        self.plain(self.who(event.recorded_by)),
                    ]
                )
        if len(rows) == 1:
            return []
        table = Table(rows, colWidths=["9%", "69%", "22%"], repeatRows=1)
        table.setStyle(grid())
        infusion = self.state.infusion
        minutes = infusion.infused.total_seconds() / 60
        total = f"Time infused {minutes:.1f} min of {self.protocol.dose.infusion_minutes}."
        return [self.p("Infusion", "heading"), table, self.p(total)]

    def _started(self, event: Event) -> str:
        started = event.data_as(d.Started)
        words = "Infusion started"
        if started.start_problems:
            problems = "; ".join(started.start_problems)
            words += f" despite {problems}, prescriber's go-ahead: {started.go_ahead}"
        return words

    def _acknowledged(self, event: Event) -> str:
        """The alarm, what was done (the protocol's words), and each symptom question with its answer."""
        ack = event.data_as(d.AlertAcknowledged)
        questions = {q.id: q.text for q in self.protocol.alert_response.symptoms}
        words = f"Alert ({'; '.join(ack.findings)}) acknowledged: "
        words += "; ".join(ack.action_labels)
        if ack.symptoms:
            said = " ".join(f"{questions.get(k, k)} {v}." for k, v in ack.symptoms.items())
            words += f". Asked: {said}"
        if ack.note:
            words += f" Note: {ack.note}"
        return words

    def _schedule(self) -> list[tuple[datetime, int, str, Event | None]]:
        """Every set taken and every scheduled point not taken, in time order: (when, place in the
        schedule, label, the set or None). A point missed shows at the time it fell; a set taken after its
        point was overdue says so, with both the point it counts for and the time it was taken."""
        late = timedelta(minutes=self.protocol.vitals_schedule.overdue_after_minutes)
        order = {entry.point.id: index for index, entry in enumerate(self.state.vitals)}
        points = {entry.point.id: entry for entry in self.state.vitals}
        rechecks = [entry for entry in self.state.vitals if entry.point.id.startswith(RECHECK)]
        rows: list[tuple[datetime, int, str, Event | None]] = []
        for event in self.of(E.VITALS):
            point_id = event.data_as(d.VitalsRecorded).point_id or ""
            entry = points.get(point_id)
            if entry is None:  # taken when nothing was owed: the point it answered after all, or a recheck
                entry = next((e for e in self.state.vitals if e.taken_at == event.occurred_at), None)
            label = entry.point.label if entry else "Extra set"
            due = entry.due_at if entry else None
            answered = entry is not None and entry.taken_at == event.occurred_at
            if answered and due is not None and event.occurred_at >= due + late:
                label += f" (due {local_time(due)}, taken late, {local_time(event.occurred_at)})"
            # The same set may answer an alarm's recheck too: said, and said late when it was.
            for recheck in (r for r in rechecks if r is not entry and r.taken_at == event.occurred_at):
                was_late = recheck.due_at is not None and event.occurred_at >= recheck.due_at + late
                lateness = f" (due {local_time(recheck.due_at)}, taken late)" if was_late and recheck.due_at else ""
                label += f"; also the {recheck.point.label.lower()}{lateness}"
            rows.append((event.occurred_at, order.get(point_id, len(order)), label, event))
        # A point never reached (the infusion ended first) has no time of its own: it sorts where the
        # infusion ended and shows no time.
        ended = self.state.infusion.ended_at or self.state.events[-1].occurred_at
        for entry in self.state.vitals:
            said = self._not_taken(entry)
            if said is not None:
                rows.append((entry.due_at or ended, order[entry.point.id], said, None))
        return sorted(rows, key=lambda row: (row[0], row[1]))

    def _not_taken(self, entry: VitalsPoint) -> str | None:
        """A scheduled point with no set, in words: missed, overdue or due now (a draft), never reached (the
        infusion ended first); None for one taken, one still to come, or a session that never started."""
        if entry.status is PointStatus.DONE or self.state.infusion.started_at is None:
            return None
        label = entry.point.label
        if entry.due_at is None:
            return f"{label}: {NOT_REACHED}" if entry.status is PointStatus.SKIPPED else None
        when = local_time(entry.due_at)
        words = {
            PointStatus.SKIPPED: f"{label}: Missed (due {when})",
            PointStatus.OVERDUE: f"{label}: overdue (due {when})",
            PointStatus.DUE: f"{label}: due now (at {when})",
        }
        return words.get(entry.status)

    @property
    def missed_sets(self) -> int:
        """Scheduled sets of vital signs that fell and were never taken."""
        return sum(1 for e in self.state.vitals if e.status is PointStatus.SKIPPED and e.due_at is not None)

    def vitals(self) -> list[Flowable]:
        events = self.of(E.VITALS)
        missed = self.missed_sets
        title = "Vital signs" + (f" ({missed} scheduled set{'s' if missed != 1 else ''} missed)" if missed else "")
        if not events and not missed:
            return [self.p("Vital signs", "heading"), self.p("No vital signs were recorded.")]
        kinds = [
            kind for kind in self.protocol.vitals if any(kind in e.data_as(d.VitalsRecorded).values for e in events)
        ]
        head = ["Time", "Set", *(vital_abbreviation(k) for k in kinds)]
        rows: list[list[Any]] = [[self.plain(h, "label") for h in [*head, "By"]]]
        style: list[tuple[Any, ...]] = []
        corrected = {e.corrects: e for e in self.of(E.CORRECTED) if e.corrects}
        for index, (at, _place, label, event) in enumerate(self._schedule(), start=1):
            if event is None:  # a point with no set: said across the readings, in bold
                when = "—" if label.endswith(NOT_REACHED) else local_time(at)
                row: list[Any] = [self.plain(when), self.plain(label, "cell_bold")]
                rows.append(row + [""] * (len(kinds) + 1))
                style.append(("SPAN", (1, index), (-1, index)))
                continue
            vitals = event.data_as(d.VitalsRecorded)
            tiers = {f.vital: f.tier for f in vitals.findings}
            cells = [local_time(event.occurred_at), label]
            if event.id in corrected:  # kept as recorded, and said to be wrong: the correction is the record
                fix = corrected[event.id]
                said = f"{fix.reason or ''} {fix.data_as(d.Note).note}"
                cells[1] += f" (CORRECTED {local_time(fix.recorded_at)}: {said})"
            for kind in kinds:
                value = vitals.values.get(kind, "—")
                cells.append(f"{value}{TIER_MARKS.get(tiers.get(kind, Tier.NORMAL), '')}")
            if vitals.partial_reason:
                cells[1] += f" (partial: {vitals.partial_reason})"
            rows.append([self.plain(c) for c in [*cells, self.who(event.recorded_by)]])
            if Tier.ACT in tiers.values():
                style.append(("BACKGROUND", (0, index), (-1, index), colors.Color(0.85, 0.85, 0.85)))
        share = f"{58 / max(len(kinds), 1):.2f}%"
        table = Table(rows, colWidths=["7%", "22%", *([share] * len(kinds)), "13%"], repeatRows=1)
        table.setStyle(grid())
        table.setStyle(style)
        key = f"{vital_key(self.protocol, kinds)}. {TIER_LEGEND}"
        story: list[Flowable] = [self.p(text(title), "heading"), table, self.p(text(key), "small")]
        chart = self._trend([event for event in events if event.id not in corrected])
        if chart is not None:
            story += [Spacer(0, 4), chart]
        return story

    def _trend(self, events: list[Event]) -> Drawing | None:
        """A small chart of the main vitals against minutes from the first set, in black and white."""
        if not events:
            return None
        start = events[0].occurred_at
        sets = [(e.occurred_at, e.data_as(d.VitalsRecorded).values) for e in events]
        series = []
        for kind in TREND_KINDS:
            points = [((at - start).total_seconds() / 60, float(values[kind])) for at, values in sets if kind in values]
            series.append((kind, points))
        if sum(len(points) for _, points in series) < 2:
            return None
        drawing = Drawing(500, 120, initialFontName=SANS)  # not ReportLab's Helvetica, listed but not embedded
        plot = LinePlot()
        plot.x, plot.y, plot.width, plot.height = 40, 24, 330, 88
        plot.data = [points or [(0, 0)] for _, points in series]
        for index, (_kind, points) in enumerate(series):
            line = plot.lines[index]
            line.strokeColor = colors.black
            line.strokeWidth = 1
            line.strokeDashArray = TREND_DASHES[index]
            line.symbol = makeMarker(TREND_MARKERS[index], size=4) if points else None
            if not points:
                line.strokeWidth = 0
        plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = SANS
        plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
        plot.yValueAxis.valueMin = 0
        plot.xValueAxis.valueMin = 0
        drawing.add(plot)
        drawing.add(String(170, 0, "minutes from the first set", fontName=SANS, fontSize=7))
        for index, (kind, _points) in enumerate(series):
            y = 100 - index * 14
            marker = makeMarker(TREND_MARKERS[index], size=5)
            marker.x, marker.y = 385, y + 3
            drawing.add(marker)
            label = f"{vital_abbreviation(kind)} ({self.protocol.vitals[kind].unit})"
            drawing.add(String(395, y, label, fontName=SANS, fontSize=7))
        return drawing

    def side_effects(self) -> list[Flowable]:
        items = {item.id: item.label for item in self.protocol.side_effects.items}
        grades = {grade.id: grade.label for grade in self.protocol.side_effects.grades}
        rows = [[self.plain(h, "label") for h in ("Time", "Findings", "By")]]
        for event in self.of(E.SIDE_EFFECTS):
            found = [
                f"{items.get(item, item)}: {grades.get(grade, grade)}"
                for item, grade in event.data_as(d.SideEffects).grades.items()
                if grade != self.protocol.side_effects.grades[0].id
            ]
            rows.append(
                [
                    self.plain(local_time(event.occurred_at)),
                    self.plain("; ".join(found) or "none"),
                    self.plain(self.who(event.recorded_by)),
                ]
            )
        story: list[Flowable] = [self.p("Side effects", "heading")]
        if len(rows) == 1:
            story.append(self.p("No side-effect checklist was recorded."))
        else:
            table = Table(rows, colWidths=["9%", "69%", "22%"], repeatRows=1)
            table.setStyle(grid())
            story.append(table)
        for event in self.of(E.ADVERSE_EVENT):
            adverse = event.data_as(d.AdverseEvent)
            story.append(
                self.p(
                    f"Adverse event at {local_time(event.occurred_at)}: {text(adverse.what)}, "
                    f"{text(grades.get(adverse.severity, adverse.severity))}. Action: "
                    f"{text(adverse.action)}. Told: {text(adverse.told)}. "
                    f"Recorded by {self.name(event.recorded_by)}.",
                    "warning",
                )
            )
        for pending in self.state.pending_adverse_events:
            story.append(
                self.p(f"Adverse event still to record: {text(items.get(pending.item, pending.item))}", "warning")
            )
        return story

    def discharge(self) -> list[Flowable]:
        state = self.state
        events = self.of(E.DISCHARGED)
        if state.observation_started_at is None and not events:
            return []
        rules = self.protocol.discharge
        pairs = [
            (
                "Observation",
                f"from {local_time(state.observation_started_at)}, at least "
                f"{self.protocol.observation.minimum_minutes} min "
                f"(earliest discharge {local_time(state.discharge_earliest)})",
            ),
        ]
        if events:
            discharge = events[-1].data_as(d.Discharged)
            criteria = {c.id: c.text for c in rules.criteria}
            met = [criteria.get(k, k) for k, v in discharge.criteria.items() if v]
            pairs += [
                ("Discharged", f"{local_time(events[-1].occurred_at)} by {self.who(events[-1].recorded_by)}"),
                (rules.score_name, f"{discharge.score} (needs {rules.score_threshold})"),
                ("Criteria met", "; ".join(met) or "none"),
            ]
            if discharge.override_reason:
                unmet = "; ".join(discharge.unmet)
                by = f" — authorised by {discharge.prescriber}" if discharge.prescriber else ""
                pairs.append(("Override", f"{unmet} — reason: {discharge.override_reason}{by}"))
        else:
            pairs.append(("Discharged", "not yet"))
        return [self.p("Observation and discharge", "heading"), self.facts(pairs)]

    def signatures(self) -> list[Flowable]:
        rows = [[self.plain(h, "label") for h in ("Signed by", "Meaning", "What", "When")]]
        for signature in self.state.signatures:
            rows.append(
                [
                    self.plain(self.who(signature.signer_id)),
                    self.plain(signature.meaning.value),
                    self.plain(signature.subject),
                    self.plain(local_stamp(signature.signed_at)),
                ]
            )
        story: list[Flowable] = [self.p("Signatures", "heading")]
        if len(rows) == 1:
            story.append(self.p("No signatures yet."))
        else:
            table = Table(rows, colWidths=["28%", "18%", "34%", "20%"], repeatRows=1)
            table.setStyle(grid())
            story.append(table)
        for event in self.of(E.SIGNED):
            signed = event.data_as(d.SessionSigned)
            if signed.discrepancy_note:
                story.append(
                    self.p(
                        f"Controlled-substance difference: {text(signed.controlled_problem)} "
                        f"Explained: {text(signed.discrepancy_note)}",
                        "warning",
                    )
                )
        for altered in self.state.altered_signatures:
            story.append(
                self.p(
                    f"The record was changed after {self.name(altered.signer_id)} signed {text(altered.subject)}.",
                    "warning",
                )
            )
        return story

    def addenda(self) -> list[Flowable]:
        entries = self.of(E.ADDENDUM) + self.of(E.CORRECTED)
        if not entries:
            return []
        story: list[Flowable] = [self.p("Addenda and corrections", "heading")]
        for event in sorted(entries, key=lambda e: e.seq):
            kind = "Addendum" if event.type is E.ADDENDUM else "Correction"
            why = f" (why: {text(event.reason)})" if event.reason else ""
            story.append(
                self.p(
                    f"{kind}, {local_stamp(event.recorded_at)} by {self.name(event.recorded_by)}{why}: "
                    f"{text(event.data_as(d.Note).note)}"
                )
            )
        return story

    def story(self) -> list[Flowable]:
        sections = (
            self.heading,
            self.screening,
            self.dose,
            self.controlled,
            self.timeline,
            self.vitals,
            self.side_effects,
            self.discharge,
            self.signatures,
            self.addenda,
        )
        story: list[Flowable] = []
        for section in sections:
            parts = section()
            if parts:
                story.append(KeepTogether(parts[:2]))  # a heading never ends a page alone
                story += parts[2:]
        return story


def summary_story(session: SessionSnapshot) -> list[Flowable]:
    """What the summary's pages hold, before the page frame is drawn around them."""
    return _Summary(session).story()


def summary_printout(session: SessionSnapshot, printing: Printing) -> Printout:
    """The summary of one session as the snapshot holds it, with the audit line each copy needs."""
    state, patient = session.state, session.patient
    frame = PageFrame(
        clinic=printing.clinic,
        document="Session summary" if state.step is Step.DONE else "Session summary — DRAFT, not signed",
        printed_at=printing.printed_at,
        printed_by=printing.printed_by,
        patient=identifiers(patient),
        record_hash=record_hash(state.events),
    )
    pdf = build_pdf(summary_story(session), frame, printing.page_size)
    return Printout(pdf, (Output("session summary", "", patient.id, state.session_id),))


def session_summary(session: SessionSnapshot, printing: Printing) -> bytes:
    return summary_printout(session, printing).pdf
