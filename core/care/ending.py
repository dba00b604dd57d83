"""Ending a session: the drug accounted for, the patient discharged, the record signed; corrections and
addenda after.
"""

from __future__ import annotations

from core import event_data as d
from core.care.base import WHOLE_NUMBER, optional_field, required_text
from core.care.patients import Patients
from core.controlled import parse_amount
from core.discharge import DischargeRefused, contradictions
from core.errors import InputError, NotFound, NotNow, NotPermitted
from core.events import EventType as E
from core.refusals import Refusal
from core.session_state import SessionState
from core.settings import clinic_settings
from core.signatures import Meaning, identifiers, signing_meaning


class Ending(Patients):
    """After the infusion: the controlled-substance record, discharge, signing, corrections and addenda."""

    def record_waste(
        self,
        session_id: str,
        mg: str,
        how: str,
        by: str,
        password: str,
        witness_username: str = "",
        witness_password: str = "",
        vial_of: str | None = None,
    ) -> SessionState:
        """Drug drawn up but not given, wasted in front of a witness; both sign (the witness by signing in).
        With ``vial_of`` (a draw-up's event id), what is wasted is the rest left in that vial."""
        method = required_text(how, "how", "how the drug was wasted (e.g. into the drug waste container)")

        def build(state: SessionState) -> d.DrugWasted:
            most = state.controlled.unaccounted_mg
            if vial_of is not None:
                vial = state.controlled.vial(vial_of)
                if vial is None or vial.left_mg <= 0:
                    raise NotNow("Nothing is left to waste in that vial.", "Look at the session again.")
                most = vial.left_mg
            amount = parse_amount(mg, "waste_mg", "amount wasted (mg)", most, self.protocol.rounding.dose_mg)
            return d.DrugWasted(amount, method, vial_of=vial_of or None)

        def authenticate() -> list[tuple[str, Meaning]]:
            witnessed = clinic_settings(self.db).waste_witness_required or bool(witness_username.strip())
            witness = self._witness(by, witness_username, witness_password) if witnessed else None
            self._confirm_signer(by, password)
            signers = [(by, Meaning.WASTED)]
            return [*signers, (witness, Meaning.WITNESSED_WASTE)] if witness else signers

        return self._append(session_id, by, E.WASTED, build, authenticate=authenticate)

    def return_to_stock(self, session_id: str, drawn_event_id: str, by: str) -> SessionState:
        """The rest of a multi-dose vial goes back to stock: all of it, recorded with who and when. The rest of
        a single-dose vial never does (it is wasted before a witness): that refusal is kept in the audit trail."""

        def build(state: SessionState) -> d.DrugReturned:
            vial = state.controlled.vial(drawn_event_id)
            if vial is None or vial.left_mg <= 0:
                raise NotNow("Nothing is left in that vial to return.", "Look at the session again.")
            return d.DrugReturned(drawn_event_id, vial.drawn.lot, vial.drawn.vial_label, vial.left_mg, vial.left_ml)

        state = self.state(session_id)
        vial = state.controlled.vial(drawn_event_id)
        if vial is not None and not vial.drawn.multi_dose and vial.left_mg > 0:
            refused = NotPermitted(
                f"{vial.drawn.vial_label} is a single-dose vial: what is left in it cannot go back to stock.",
                "Waste it before a witness.",
            )
            lot, left = vial.drawn.lot, str(vial.left_mg)
            self._refused(session_id, by, Refusal.RETURN_SINGLE_DOSE, refused.message, lot=lot, mg=left)
            raise refused
        return self._append(session_id, by, E.RETURNED, build)

    def discharge(
        self,
        session_id: str,
        score: str,
        criteria: dict[str, bool],
        by: str,
        password: str,
        override_reason: str | None = None,
        prescriber: str | None = None,
    ) -> SessionState:
        """The nurse signs that the discharge criteria were verified (or overridden by the prescriber, named,
        with the reason). A criterion the record contradicts (core.discharge) counts as not met, ticked or
        not. Every refusal for criteria not met is an audit line, so near misses can be counted."""
        rules = self.protocol.discharge
        text = required_text(score, "score", f"the {rules.score_name}")
        if not WHOLE_NUMBER.fullmatch(text) or not rules.score_min <= int(text) <= rules.score_max:
            raise InputError("score", f"The {rules.score_name} is a whole number {rules.score_min}–{rules.score_max}.")
        value = int(text)
        override = optional_field(override_reason, "override_reason", "why discharge goes ahead")
        who = optional_field(prescriber, "prescriber", "the prescriber who agreed")

        def build(state: SessionState) -> d.Discharged:
            denied = {c.criterion_id: c for c in contradictions(self.protocol, state)}
            problems = [
                denied[c.id].words if c.id in denied else c.text
                for c in rules.criteria
                if c.id in denied or not criteria.get(c.id)
            ]
            if value < rules.score_threshold:
                problems.insert(0, f"{rules.score_name} {value} is below {rules.score_threshold}")
            if state.discharge_earliest and self.clock.now() < state.discharge_earliest:
                problems.insert(0, f"minimum observation of {self.protocol.observation.minimum_minutes} min not over")
            if problems and (override is None or who is None):
                field = "override_reason" if override is None else "prescriber"
                raise DischargeRefused(
                    field,
                    "Discharge criteria not met: " + "; ".join(problems) + ".",
                    "Wait, or record the prescriber's override: her name and the reason.",
                    problems,
                    [c.payload() for c in denied.values()],
                )
            return d.Discharged(
                score=value,
                criteria={c.id: bool(criteria.get(c.id)) and c.id not in denied for c in rules.criteria},
                contradicted=tuple(c.record() for c in denied.values()),
                unmet=tuple(problems),
                override_reason=override if problems else None,
                prescriber=who if problems else None,
            )

        try:
            return self._append(
                session_id, by, E.DISCHARGED, build, authenticate=self._signing(by, password, Meaning.VERIFIED)
            )
        except DischargeRefused as refused:
            self._refused(
                session_id,
                by,
                Refusal.DISCHARGE_CRITERIA,
                refused.message,
                problems=refused.problems,
                contradicted=refused.contradicted,
            )
            raise

    def abandon(self, session_id: str, reason: str, by: str) -> SessionState:
        why = required_text(reason, "reason", "why the session ends without treatment")
        return self._append(session_id, by, E.ABANDONED, lambda _s: d.Reason(why))

    def sign(
        self, session_id: str, by: str, password: str, discrepancy_note: str | None = None, *, seen_seq: int
    ) -> SessionState:
        """The nurse signs the session (as administered, or as not treated and reviewed: see
        ``signing_meaning``); from then on it is read-only.

        ``seen_seq`` is the last entry the nurse had on screen: a signature covers every entry before
        it, so one recorded meanwhile (from another workstation) must be seen before it is signed.
        Totals of drug drawn, given and wasted that do not add up are not a reason to leave a session
        unsigned for ever, but the difference must be explained in the signed record.
        """
        note = optional_field(discrepancy_note, "discrepancy_note", "the note on the difference")

        def build(state: SessionState) -> d.SessionSigned:
            if state.events[-1].seq != seen_seq:
                raise NotNow(
                    "Something was recorded on this session since it was shown to you, so it was not signed.",
                    "Read the session again as it stands now, then sign.",
                )
            problem = state.controlled.problem
            if problem and note is None:
                raise InputError(
                    "discrepancy_note",
                    f"The controlled-substance totals do not add up: {problem}",
                    "Record the waste first, or explain the difference to sign.",
                )
            return d.SessionSigned(problem, note if problem else None, d.PatientAtSigning(**who))

        current = self.state(session_id)
        patient = self.patient(current.events[0].data_as(d.Opened).patient_id)
        # Who the patient was at signing is part of what the signature covers.
        who = identifiers(patient.mrn, patient.family_name, patient.given_name, patient.birth_date.isoformat())
        meaning = signing_meaning(current)
        return self._append(session_id, by, E.SIGNED, build, authenticate=self._signing(by, password, meaning))

    def add_addendum(
        self, session_id: str, note: str, by: str, password: str, corrects: str | None = None
    ) -> SessionState:
        """Information added after signing: a signed entry of its own; the signed record stays as it was."""
        what = required_text(note, "addendum", "the addendum")

        def build(state: SessionState) -> d.Note:
            if corrects is not None and corrects not in {e.id for e in state.events}:
                raise NotFound("That entry is not part of this session.", "Choose an entry from this session.")
            return d.Note(what)

        signing = self._signing(by, password, Meaning.AMENDED)
        return self._append(session_id, by, E.ADDENDUM, build, corrects=corrects, authenticate=signing)

    def correct(self, session_id: str, event_id: str, reason: str, note: str, by: str) -> SessionState:
        """A correction names the entry it corrects and why; the original stays in the record."""
        why = required_text(reason, "reason", "why the entry is corrected")
        what = required_text(note, "note", "what the correct information is")

        def build(state: SessionState) -> d.Note:
            if event_id not in {e.id for e in state.events}:
                raise NotFound("That entry is not part of this session.", "Choose an entry from this session.")
            return d.Note(what)

        return self._append(session_id, by, E.CORRECTED, build, corrects=event_id, reason=why)
