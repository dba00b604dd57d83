"""Preparing an infusion, step by step, each step an entry on the session's log."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

from core import event_data as d
from core import records
from core.care.base import optional_field
from core.care.courses import CourseOrders
from core.controlled import parse_amount, parse_lot
from core.dosing import (
    DoseCalculation,
    LastWeight,
    Weight,
    calculate_dose,
    check_mismatches,
    check_weight,
    parse_check_figures,
    parse_pump_reading,
    parse_weight,
    pump_mismatches,
    pump_order,
    round_to,
    unit_challenge,
    unit_chosen_to_fit,
    weight_change_percent,
)
from core.errors import ChairsideError, InputError, NotAllowedError, NotFound, NotNow, NotPermitted, RecordChanged
from core.events import Event
from core.events import EventType as E
from core.identify import Identified, confirmed_identifiers
from core.machine import Step
from core.people import Permission
from core.record_values import SessionSummary
from core.refusals import Refusal, SameNurse
from core.screening import screening_record
from core.session_state import SessionState
from core.signatures import Meaning


class Preparing(CourseOrders):
    """Before the infusion: seating the patient on a day of the course, screening, weighing, the dose and
    its independent check, drawing up and programming the pump."""

    def open_session(
        self,
        patient_id: str,
        chair: int,
        by: str,
        identified: Identified,
        same_day_override: str | None = None,
    ) -> SessionState:
        """Identify: the patient confirmed by two identifiers (never the chair), compared against the
        record, and seated on day n of the course in force."""
        override = optional_field(same_day_override, "same_day_override", "why a second infusion today")
        session_id = str(uuid.uuid4())
        try:
            self._seat(session_id, patient_id, chair, by, identified, override)
        except RecordChanged as raced:
            raise self._seated_meanwhile(patient_id, chair, raced) from raced
        except InputError as refused:
            if refused.field == "same_day_override":  # a second infusion today, held for the override
                kind = Refusal.SAME_DAY_WITHOUT_OVERRIDE
                self._refused(None, by, kind, refused.message, patient_id, chair=chair)
            raise
        return self.state(session_id)

    def _seat(
        self, session_id: str, patient_id: str, chair: int, by: str, identified: Identified, override: str | None
    ) -> None:
        """The session opened and its first entry committed, if the chair and the patient are free now."""
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            now = work.at
            patient = records.patient(work.tx, patient_id)
            if patient is None:
                raise NotFound("That patient record was not found.", "Search again.")
            identifiers = confirmed_identifiers(identified, patient.mrn, patient.birth_date)
            if records.active_on_chair(work.tx, chair) is not None:
                raise NotNow(f"Chair {chair} already has an open session.", "Finish it or choose another chair.")
            if records.active_for_patient(work.tx, patient_id) is not None:
                raise NotNow("This patient already has an open session.", "Open it from the board.")
            course = self._course_place(work.tx, patient_id, override)
            self.shelf.keep(work.tx, now)
            session = SessionSummary(
                id=session_id,
                patient_id=patient_id,
                chair=chair,
                protocol_id=self.protocol.id,
                protocol_version=self.protocol.version,
                protocol_hash=self.protocol.content_hash,
                step=Step.SCREEN.value,
                outcome="in progress",
                active=True,
                opened_at=now,
                opened_by=by,
                last_seq=1,
                updated_at=now,
                course_id=course.id,
            )
            records.add_summary(work.tx, session)
            opened = Event(
                id=str(uuid.uuid4()),
                session_id=session_id,
                seq=1,
                type=E.OPENED,
                occurred_at=now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=d.Opened(
                    patient_id=patient_id,
                    chair=chair,
                    identifiers_confirmed=tuple(identifiers),
                    record_number_scanned="mrn" in identifiers and identified.scanned,
                    course=course,
                    same_day_override=override,
                    protocol=d.ProtocolRef(self.protocol.id, self.protocol.version, self.protocol.content_hash),
                ).to_payload(),
            )
            work.append(opened, session)

    def _seated_meanwhile(self, patient_id: str, chair: int, raced: RecordChanged) -> ChairsideError:
        """Another workstation seated someone on this chair, or this patient on another chair, between this
        one's look and its write: which, in words (``raced`` when it was something else)."""
        with self.door.reading() as tx:
            on_chair = records.active_on_chair(tx, chair)
            elsewhere = records.active_for_patient(tx, patient_id)
            seated = records.patient(tx, on_chair.patient_id) if on_chair is not None else None
        if elsewhere is not None:
            return NotNow(
                f"This patient was seated on chair {elsewhere.chair} on another workstation at the same moment, "
                "so was not seated here. Nothing already recorded has been lost.",
                "Open that chair from the board.",
            )
        if on_chair is not None and seated is not None:
            return NotNow(
                f"Chair {chair} was given to {seated.family_name.upper()}, {seated.given_name} on another "
                "workstation at the same moment, so this patient was not seated. Nothing already recorded has "
                "been lost.",
                "Choose another chair.",
            )
        return raced

    def screen(self, session_id: str, answers: dict[str, str], by: str, *, confirm_stop: bool = False) -> SessionState:
        """The questions asked depend on the session's place in its course (see core.screening). Answers
        that stop treatment are refused (``StopToConfirm``, nothing recorded) until ``confirm_stop``."""
        return self._append(
            session_id,
            by,
            E.SCREENED,
            lambda state: screening_record(self.protocol, state, answers, confirm_stop=confirm_stop),
        )

    def record_weight(
        self, session_id: str, text: str, unit: str | None, by: str, confirm_change: bool = False
    ) -> SessionState:
        """The weight of the day. Far from the last session's weight, it is more often a wrong unit, a
        shoe or a coat than a real change: the nurse confirms it before the dose is worked out from it."""
        weight = parse_weight(text, unit)
        previous = self._previous_weight(session_id)
        last = None
        if previous is not None:
            last = LastWeight(previous.data_as(d.Weighed).kg, f"{previous.occurred_at.astimezone():%Y-%m-%d}")
        try:
            advisories = check_weight(self.protocol, weight, last)
        except InputError as refused:
            self._refused_weight(session_id, by, Refusal.WEIGHT_IMPLAUSIBLE, weight, refused)
            raise
        weighed = d.Weighed(entered=weight.entered, unit=weight.unit, kg=weight.kg, advisories=tuple(advisories))
        if unit_chosen_to_fit(self.protocol, weight):
            change = weight_change_percent(weight.kg, last.kg) if last is not None else None
            if change is None or abs(change) > self.protocol.weight.advise_change_percent:
                if (
                    not confirm_change or last is None
                ):  # with nothing to compare, a tick does not do: see unit_challenge
                    challenge = unit_challenge(self.protocol, weight, last, change)
                    self._refused_weight(session_id, by, Refusal.WEIGHT_UNIT, weight, challenge)
                    raise challenge
                weighed = replace(weighed, unit_confirmed=True)
        if previous is not None:
            before = previous.data_as(d.Weighed).kg
            change = weight_change_percent(weight.kg, before)
            weighed = replace(weighed, previous=d.PreviousWeight(before, previous.session_id), change_percent=change)
            if abs(change) > self.protocol.weight.advise_change_percent:
                if not confirm_change:
                    when = previous.occurred_at.astimezone()
                    unconfirmed = InputError(
                        "confirm_change",
                        f"{weight.describe()} is {abs(change)} % {'more' if change > 0 else 'less'} than the "
                        f"{round_to(before, Decimal('0.1'))} kg weighed on {when:%Y-%m-%d}.",
                        "Check the scale and the unit and weigh again; if the weight is right, confirm the change.",
                    )
                    kind = Refusal.WEIGHT_CHANGE_UNCONFIRMED
                    self._refused_weight(session_id, by, kind, weight, unconfirmed, change_percent=str(change))
                    raise unconfirmed
                weighed = replace(weighed, change_confirmed=True)
        return self._append(session_id, by, E.WEIGHED, lambda _s: weighed)

    def _refused_weight(
        self, session_id: str, by: str, kind: Refusal, weight: Weight, refused: InputError, **values: str
    ) -> None:
        """A near miss for the quality report: what was typed, which limit refused it, and what was said."""
        entered = f"{weight.entered} {weight.unit.value}"
        self._refused(session_id, by, kind, refused.message, entered=entered, **values)

    def _previous_weight(self, session_id: str) -> Event | None:
        with self.door.reading() as tx:
            summary = records.summary(tx, session_id)
            return records.last_weight_elsewhere(tx, summary.patient_id, session_id) if summary else None

    @staticmethod
    def _weight_of(state: SessionState) -> Weight:
        if state.weight is None:
            raise NotNow("No weight has been recorded for this session.", "Weigh the patient first.")
        return state.weight

    def preview_dose(
        self, session_id: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> DoseCalculation:
        """The calculation for the recorded weight, not yet saved (for the dose screen): above the soft limit
        its figures too, before the reason is given (``core.dosing.reason_asked`` says what is asked)."""
        weight = self._weight_of(self.state(session_id))
        return calculate_dose(self.protocol, weight, vial_id, override_reason, preview=True)

    def confirm_dose(
        self, session_id: str, by: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> SessionState:
        def build(state: SessionState) -> d.DoseCalculated:
            calc = calculate_dose(self.protocol, self._weight_of(state), vial_id, override_reason)
            return d.DoseCalculated(calc)

        try:
            return self._append(session_id, by, E.DOSE_CALCULATED, build)
        except InputError as refused:
            # The dose limits' near misses, for the quality report: a dose refused by the hard limit, and an
            # override the soft limit asked for (whether or not a reason then follows).
            kind = {"dose": Refusal.DOSE_HARD_LIMIT, "override_reason": Refusal.DOSE_SOFT_LIMIT}.get(refused.field)
            if kind is not None:
                self._refused(session_id, by, kind, refused.message)
            raise

    def record_check(
        self, session_id: str, username: str, password: str, weight: str, dose: str, rate: str
    ) -> SessionState:
        """The second nurse signs in there and then and enters her own figures, blind to the first nurse's."""
        figures = parse_check_figures(weight, dose, rate)
        self._payload(self.state(session_id), E.CHECKED, None)  # a stale screen costs no failed sign-in
        checker = self.accounts.authenticate(username, password, "second-nurse check")

        def build(state: SessionState) -> d.Checked:
            if state.dose is None:
                raise NotNow("There is no dose to check yet.", "Calculate the dose first.")
            if checker.id == state.dosed_by:
                raise SameNurse(
                    "The nurse who calculated the dose cannot also check it.",
                    "Ask a second nurse to do the independent check.",
                )
            mismatches = check_mismatches(self.protocol, state.dose, figures)
            return d.Checked(checker.id, figures, tuple(mismatches), state.dosed_by)

        state = self.state(session_id)
        if state.dose is not None and check_mismatches(self.protocol, state.dose, figures):
            meaning = Meaning.DID_NOT_AGREE  # her signature says what she found, never "verified"
        else:
            meaning = Meaning.VERIFIED
        try:
            return self._append(session_id, checker.id, E.CHECKED, build, signers=[(checker.id, meaning)])
        except SameNurse as refused:
            self._refused(session_id, checker.id, Refusal.SAME_NURSE_CHECKING, refused.message, of="dose")
            raise

    def record_drawn(self, session_id: str, lot: str, ml: str, by: str) -> SessionState:
        """The controlled-substance record: the vial's lot and the volume drawn up from it."""
        lot_number = parse_lot(lot)

        def build(state: SessionState) -> d.DrugDrawn:
            if state.dose is None:
                raise NotNow("There is no confirmed dose to draw up.", "Confirm the dose first.")
            vial = next(v for v in self.protocol.vials if v.id == state.dose.vial_id)
            step = self.protocol.rounding.volume_ml
            volume = parse_amount(ml, "drawn_ml", "volume drawn up (mL)", vial.vial_ml, step)
            return d.DrugDrawn(
                lot=lot_number,
                vial_id=vial.id,
                vial_label=vial.label,
                mg_per_ml=vial.mg_per_ml,
                vial_ml=vial.vial_ml,
                multi_dose=vial.multi_dose,
                ml=volume,
                mg=round_to(volume * vial.mg_per_ml, self.protocol.rounding.dose_mg),
            )

        return self._append(session_id, by, E.DRAWN, build)

    def record_pump(
        self, session_id: str, rate: str, vtbi: str, by: str, second: tuple[str, str, str, str] | None = None
    ) -> SessionState:
        """Pump programmed and checked: the rate and VTBI as the nurse reads them off the pump, compared with
        the order. A reading that disagrees is recorded too (it counts as a near miss) and holds the start
        back until a reading agrees. ``second`` is a second nurse's (user name, password, rate, VTBI): she
        signs in with her own password and reads the pump herself; her reading is signed as verified only
        when it agrees."""
        reading = parse_pump_reading(rate, vtbi)
        second_reading = None
        if second is not None and any(part.strip() for part in second):
            username, password, second_rate, second_vtbi = second
            second_reading = parse_pump_reading(second_rate, second_vtbi, "second_pump")
            if not username.strip():
                raise InputError("second_username", "Enter the second nurse's user name.", "She signs in here.")
            if not password:
                raise InputError("second_password", "Enter the second nurse's password.", "She types it herself.")
        checker_id: list[str] = []

        def build(state: SessionState) -> d.PumpProgrammed:
            if state.dose is None:
                raise NotNow("There is no confirmed dose to program the pump for.", "Confirm the dose first.")
            order = pump_order(self.protocol, state.dose)
            second_read = None
            if second_reading is not None:
                second_read = d.PumpSecondReading(
                    checker_id[0] if checker_id else None,  # known once she has signed in
                    second_reading,
                    tuple(pump_mismatches(order, second_reading)),
                )
            return d.PumpProgrammed(order, reading, tuple(pump_mismatches(order, reading)), second_read)

        def authenticate() -> list[tuple[str, Meaning]]:
            if second is None or second_reading is None:
                return []
            try:
                checker = self.accounts.authenticate(second[0], second[1], "second-nurse pump reading")
            except NotAllowedError as refused:
                raise NotPermitted(f"Second nurse: {refused.message}", refused.advice) from refused
            if checker.id == by:
                raise SameNurse(
                    "The nurse who programmed the pump cannot also be the second reader.",
                    "Ask another nurse to read the pump.",
                )
            if not checker.can_record_care:
                raise NotPermitted("The second reader must be a nurse.", "Ask a nurse to read the pump.")
            checker_id.append(checker.id)
            state = self.state(session_id)
            agrees = state.dose is not None and not pump_mismatches(
                pump_order(self.protocol, state.dose), second_reading
            )
            return [(checker.id, Meaning.VERIFIED)] if agrees else []

        try:
            return self._append(session_id, by, E.PUMP_PROGRAMMED, build, authenticate=authenticate)
        except SameNurse as refused:
            self._refused(session_id, by, Refusal.SAME_NURSE_CHECKING, refused.message, of="pump")
            raise
