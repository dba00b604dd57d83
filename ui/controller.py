"""The one place the screens reach core: every nurse action goes through here.

Each action calls one ``Care`` method and sorts what comes back: a result (the record is committed,
so the screens may say "Saved"), an ``InputError`` for the form's feedback line, ``EnvironmentTrouble``
for the banner as well, or another ``ChairsideError`` (an action that does not fit the step). Anything
else is a bug and goes on to the exception hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from core.dosing import DoseCalculation
from core.errors import ChairsideError, EnvironmentTrouble, InputError
from core.protocol import Protocol, VitalKind
from core.services import Care, ChairView, PatientView, StaffView
from core.session_state import SessionState
from core.startup import Workplace
from core.vitals import Finding
from ui.widgets.feedback import Feedback

T = TypeVar("T")
NO_NURSE = "Choose the nurse on duty at the top of the window first."


class Controller(QObject):
    changed = Signal()
    """Something was committed: re-read core and redraw."""

    trouble = Signal(str)
    """The database or disk cannot be used right now (text for the banner); nothing recorded was lost."""

    trouble_over = Signal()
    """A write went through again after trouble: the banner can go."""

    staff_changed = Signal()
    """The list of staff changed (someone was added)."""

    def __init__(self, workplace: Workplace) -> None:
        super().__init__()
        self.workplace = workplace
        self.care: Care = workplace.care
        self.protocol: Protocol = workplace.protocol
        self.nurse_id: str | None = None
        self._staff: list[StaffView] | None = None

    # ---- calling core -------------------------------------------------------------------------

    def run(self, feedback: Feedback | None, call: Callable[[], T], *, writes: bool) -> T | None:
        try:
            result = call()
        except InputError as error:
            if feedback is not None:
                feedback.input_error(error)
            return None
        except EnvironmentTrouble as error:
            if feedback is not None:
                feedback.problem(error)
            self.trouble.emit(f"{error.message} {error.advice}".strip())
            return None
        except ChairsideError as error:
            if feedback is not None:
                feedback.problem(error)
            return None
        if feedback is not None:
            feedback.clear()
        if writes:
            self.trouble_over.emit()
            self.changed.emit()
        return result

    def _act(self, feedback: Feedback, call: Callable[[str], T]) -> T | None:
        """An action recorded in the name of the nurse on duty."""
        if self.nurse_id is None:
            feedback.ask(NO_NURSE)
            return None
        by = self.nurse_id
        return self.run(feedback, lambda: call(by), writes=True)

    # ---- people -------------------------------------------------------------------------------

    def staff(self) -> list[StaffView]:
        if self._staff is None:
            self._staff = self.run(None, self.care.staff, writes=False) or []
        return self._staff

    def staff_name(self, staff_id: str | None) -> str:
        if staff_id is None:
            return ""
        known = {s.id: s.name for s in self.staff()}
        if staff_id not in known:  # added on another workstation since the list was read
            self._staff = None
            known = {s.id: s.name for s in self.staff()}
        return known.get(staff_id, staff_id)

    def add_staff(self, feedback: Feedback, name: str, role: str) -> StaffView | None:
        added = self.run(feedback, lambda: self.care.add_staff(name, role), writes=True)
        if added is not None:
            self._staff = None
            self.staff_changed.emit()
        return added

    def find_patients(self, feedback: Feedback, text: str) -> list[PatientView] | None:
        return self.run(feedback, lambda: self.care.find_patients(text), writes=False)

    def register_patient(self, feedback: Feedback, mrn: str, family: str, given: str, born: str) -> PatientView | None:
        return self._act(feedback, lambda by: self.care.register_patient(mrn, family, given, born, by))

    # ---- reading ------------------------------------------------------------------------------

    def chairs(self) -> list[ChairView] | None:
        return self.run(None, self.care.chairs, writes=False)

    def preview_dose(
        self, feedback: Feedback, session_id: str, vial_id: str | None, override: str | None
    ) -> DoseCalculation | None:
        return self.run(feedback, lambda: self.care.preview_dose(session_id, vial_id, override), writes=False)

    # ---- the steps ----------------------------------------------------------------------------

    def open_session(
        self, feedback: Feedback, patient_id: str, chair: int, identifiers: tuple[str, ...]
    ) -> SessionState | None:
        return self._act(
            feedback,
            lambda by: self.care.open_session(patient_id, chair, by, identifiers),
        )

    def screen(self, feedback: Feedback, session_id: str, answers: dict[str, str]) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.screen(session_id, answers, by))

    def record_weight(self, feedback: Feedback, session_id: str, text: str, unit: str | None) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_weight(session_id, text, unit, by))

    def confirm_dose(
        self, feedback: Feedback, session_id: str, vial_id: str | None, override: str | None
    ) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.confirm_dose(session_id, by, vial_id, override))

    def record_check(
        self, feedback: Feedback, session_id: str, checker_id: str | None, weight: str, dose: str, rate: str
    ) -> SessionState | None:
        if checker_id is None:
            feedback.ask("Second nurse: choose your name first.")
            return None
        return self.run(
            feedback, lambda: self.care.record_check(session_id, checker_id, weight, dose, rate), writes=True
        )

    def start(self, feedback: Feedback, session_id: str, go_ahead: str | None) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.start_infusion(session_id, by, go_ahead))

    def pause(self, feedback: Feedback, session_id: str, reason: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.pause(session_id, reason, by))

    def resume(self, feedback: Feedback, session_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.resume(session_id, by))

    def stop_early(self, feedback: Feedback, session_id: str, reason: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.stop_early(session_id, reason, by))

    def complete(self, feedback: Feedback, session_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.complete(session_id, by))

    def confirm_pump(self, feedback: Feedback, session_id: str, running: bool) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.confirm_pump(session_id, running, by))

    def record_vitals(
        self, feedback: Feedback, session_id: str, typed: dict[VitalKind, str], partial_reason: str | None
    ) -> tuple[SessionState, list[Finding]] | None:
        return self._act(feedback, lambda by: self.care.record_vitals(session_id, typed, by, partial_reason))

    def acknowledge(self, feedback: Feedback, session_id: str, alert_id: str, action: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.acknowledge_alert(session_id, alert_id, action, by))

    def record_side_effects(self, feedback: Feedback, session_id: str, grades: dict[str, str]) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_side_effects(session_id, grades, by))

    def discharge(
        self, feedback: Feedback, session_id: str, score: str, criteria: dict[str, bool], override: str | None
    ) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.discharge(session_id, score, criteria, by, override))

    def sign(self, feedback: Feedback, session_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.sign(session_id, by))
