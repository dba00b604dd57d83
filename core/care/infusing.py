"""The infusion running: its pauses and stops, and what is watched while it runs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

from core import event_data as d
from core.alerts import Acknowledgement, check_acknowledgement
from core.audit import AuditAction
from core.care.base import CareBase, optional_field, required_text
from core.dosing import (
    printable,
)
from core.errors import InputError, NotNow
from core.events import EventType as E
from core.machine import Step
from core.people import Permission
from core.protocol import AlertEffect, VitalKind
from core.refusals import Refusal
from core.session_state import PointStatus, SessionState
from core.views import SilencedAlarm
from core.vitals import Finding, ReadingsDisagree, classify, parse_vitals, start_problems


class Infusing(CareBase):
    """While the drug runs: starting, pausing, stopping, vital signs and their alarms, side effects."""

    def start_infusion(self, session_id: str, by: str, go_ahead: str | None = None) -> SessionState:
        why = optional_field(go_ahead, "go_ahead", "the prescriber's go-ahead (who and why)")

        def build(state: SessionState) -> d.Started:
            problems = start_problems(self.protocol, state.baseline)
            if problems and why is None:
                raise InputError(
                    "go_ahead",
                    "Baseline outside the start thresholds: " + "; ".join(problems) + ".",
                    "Take a fresh full set, or record the prescriber's go-ahead (who and why) to start.",
                )
            return d.Started(tuple(problems), why)

        try:
            return self._append(session_id, by, E.STARTED, build)
        except InputError as refused:
            if refused.field == "go_ahead":  # the baseline outside the start thresholds, and no go-ahead
                self._refused(session_id, by, Refusal.START_WITHOUT_GO_AHEAD, refused.message)
            raise

    def pause(self, session_id: str, reason: str, by: str) -> SessionState:
        why = required_text(reason, "reason", "why the infusion is paused")
        return self._append(session_id, by, E.PAUSED, lambda _s: d.Paused(why))

    def resume(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.RESUMED)

    def complete(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.COMPLETED)

    def stop_early(self, session_id: str, reason: str, by: str) -> SessionState:
        why = required_text(reason, "reason", "why the infusion is stopped early")
        return self._append(session_id, by, E.STOPPED_EARLY, lambda state: self._stop_payload(state, why))

    def _stop_payload(self, state: SessionState, why: str, alert_event_id: str | None = None) -> d.StoppedEarly:
        """An early stop, with the dose given worked out from the time infused."""
        minutes = Decimal(state.infusion.infused.total_seconds()) / 60
        total = Decimal(self.protocol.dose.infusion_minutes)
        dose = state.dose.dose_mg if state.dose else Decimal(0)
        estimated = (dose * minutes / total).quantize(self.protocol.rounding.dose_mg)
        return d.StoppedEarly(why, minutes.quantize(Decimal("0.1")), estimated, alert_event_id)

    def confirm_pump(self, session_id: str, running: bool, by: str, note: str = "") -> SessionState:
        """After a restart: the nurse looks at the pump and says whether it is still running."""
        said = optional_field(note, "note", "the note") or ""
        return self._append(session_id, by, E.PUMP_CONFIRMED, lambda _s: d.PumpConfirmed(running, said))

    def record_vitals(
        self, session_id: str, typed: dict[VitalKind, str], by: str, partial_reason: str | None = None
    ) -> tuple[SessionState, list[Finding]]:
        try:
            values = parse_vitals(self.protocol, typed, partial_reason)
        except ReadingsDisagree as refused:  # two readings that cannot both be right: both recorded
            self._refused(session_id, by, Refusal.READINGS_DISAGREE, refused.message, entered=refused.entered)
            raise
        except InputError as refused:
            if refused.field in {kind.value for kind in VitalKind}:  # a reading the limits call impossible
                typed_as = printable(str(typed.get(VitalKind(refused.field), "")).strip())  # as far as showable
                kind = Refusal.VITAL_IMPOSSIBLE
                self._refused(session_id, by, kind, refused.message, vital=refused.field, entered=typed_as)
            raise
        findings: list[Finding] = []

        def build(state: SessionState) -> d.VitalsRecorded:
            findings.extend(classify(self.protocol, values, state.baseline or None))
            # The latest scheduled point owed: a set says how the patient is now, so the earlier were missed.
            # (A recheck an alarm asked for is answered by any set taken once it is due, filed or not.)
            scheduled = {point.id for point in self.protocol.vitals_schedule.points}
            owed = [
                p
                for p in state.vitals
                if p.status in {PointStatus.DUE, PointStatus.OVERDUE} and p.point.id in scheduled
            ]
            return d.VitalsRecorded(
                point_id=owed[-1].point.id if owed else None,
                values=dict(values),
                partial_reason=optional_field(partial_reason, "partial_reason", "why a reading was not taken"),
                findings=tuple(
                    d.VitalFinding(f.kind, f.tier, f"{self.protocol.vitals[f.kind].label} {f.value} {f.why}".strip())
                    for f in findings
                ),
            )

        return self._append(session_id, by, E.VITALS, build), findings

    def acknowledge_alert(
        self,
        session_id: str,
        alert_event_id: str,
        actions: Collection[str],
        symptoms: Mapping[str, str],
        by: str,
        note: str = "",
    ) -> SessionState:
        """An act-now alarm answered: the actions taken (ids from the protocol's list), a yes or no to each
        symptom question, an optional note; who and when are the entry's own. Refused by the field when
        no action is named or a question is unanswered, and then nothing is recorded.

        "Paused" and "stopped" say what the nurse did at the pump (the alarm never touches it), so the
        pause, or the early stop, is recorded in the same transaction, with the alert as its reason,
        when the infusion is still running. That is both the simplest and the safest choice: holding the
        acknowledgement back until a pause was recorded elsewhere would keep a high alarm sounding for a
        second step that adds nothing, and recording the two apart could leave, for a moment or for good,
        a record that says "paused" beside a countdown that still runs. A stop outranks a pause.
        A recheck makes a set of vital signs due the protocol's ``recheck_minutes`` later.
        """
        checked: list[Acknowledgement] = []

        def build(state: SessionState) -> d.AlertAcknowledged:
            alert = next((a for a in state.open_alerts if a.event_id == alert_event_id), None)
            if alert is None:
                raise NotNow("That alert is not open any more.", "Look at the session again.")
            checked.append(check_acknowledgement(self.protocol, alert, state.step, actions, symptoms, note))
            return checked[0].record()

        def then(state: SessionState) -> list[tuple[E, d.EventData]]:
            ack = checked[0]
            link = ack.alert.event_id
            if ack.has(AlertEffect.STOP):
                return [(E.STOPPED_EARLY, self._stop_payload(state, ack.reason, link))]
            if ack.has(AlertEffect.PAUSE) and state.step is Step.INFUSING:
                return [(E.PAUSED, d.Paused(ack.reason, link))]
            return []

        return self._append(session_id, by, E.ALERT_ACKNOWLEDGED, build, then=then)

    def record_side_effects(self, session_id: str, grades: dict[str, str], by: str) -> SessionState:
        items = {item.id for item in self.protocol.side_effects.items}
        grade_ids = [g.id for g in self.protocol.side_effects.grades]
        unknown = set(grades) - items
        if unknown:
            raise InputError("side_effects", f"Unknown checklist items: {', '.join(sorted(unknown))}.")
        for item, grade in grades.items():
            if grade not in grade_ids:
                raise InputError(f"side_effects.{item}", f"“{grade}” is not a grade.", f"Choose one of {grade_ids}.")
        severe = sorted(item for item, grade in grades.items() if grade in self.protocol.side_effects.act_grades)

        def build(state: SessionState) -> d.SideEffects:
            # The check owed now, if any, is the one this answers; one between points answers none.
            owed = state.next_side_effects if state.side_effects_attention is not None else None
            point = owed.point.id if owed is not None else None
            return d.SideEffects(dict(sorted(grades.items())), tuple(severe), point)

        return self._append(session_id, by, E.SIDE_EFFECTS, build)

    def record_no_side_effects(self, session_id: str, by: str) -> SessionState:
        """A full check with nothing found: every item of the checklist at the protocol's "none" grade.

        One call, so "No side effects" is one tap at the chair and never a partial check by accident.
        """
        rules = self.protocol.side_effects
        return self.record_side_effects(session_id, {item.id: rules.none_grade for item in rules.items}, by)

    def record_adverse_event(
        self, session_id: str, source_event_id: str, item: str, action: str, told: str, by: str
    ) -> SessionState:
        """A severe side effect becomes an adverse event: what, how severe, what was done, who was told."""
        done = required_text(action, "adverse_action", "what was done (e.g. infusion paused, stayed with the patient)")
        who = required_text(told, "adverse_told", "who was told, and when (e.g. Dr Patel by phone, 14:10)")

        def build(state: SessionState) -> d.AdverseEvent:
            pending = next(
                (p for p in state.pending_adverse_events if (p.source_event_id, p.item) == (source_event_id, item)),
                None,
            )
            if pending is None:
                raise NotNow(
                    "That side effect has no adverse event waiting to be recorded.", "Look at the session again."
                )
            names = {entry.id: entry.label for entry in self.protocol.side_effects.items}
            return d.AdverseEvent(source_event_id, item, names.get(item, item), pending.grade, done, who)

        return self._append(session_id, by, E.ADVERSE_EVENT, build)

    def record_alarm_silenced(self, by: str, silenced: list[SilencedAlarm], minutes: int) -> None:
        """Who silenced which chair's alarm, and for how long: one line per patient, so each record shows it."""
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            for alarm in silenced:
                detail = {
                    "chair": alarm.chair,
                    "priority": alarm.priority,
                    "need": alarm.need,
                    "need_key": alarm.need_key,
                    "minutes": minutes,
                }
                work.audit(
                    AuditAction.ALARM_SILENCED, patient_id=alarm.patient_id, session_id=alarm.session_id, detail=detail
                )
