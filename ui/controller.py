"""The one place the screens reach core: every nurse action goes through here.

Each action calls one ``Care`` method and sorts what comes back: a result (the record is committed,
so the screens may say "Saved"), an ``InputError`` for the form's feedback line, ``EnvironmentTrouble``
for the banner as well, or another ``ChairsideError`` (an action that does not fit the step). Anything
else is a bug and goes on to the exception hook.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from core.accounts import Accounts
from core.care import Care
from core.care.here import HeldEntry
from core.care.outcome_import import ImportResult
from core.course import CourseView
from core.dosing import DoseCalculation
from core.errors import ChairsideError, EnvironmentTrouble, InputError, TemporaryPasswordError
from core.identify import Details, Identified, same_record_number
from core.people import Account
from core.protocol import Protocol, VitalKind
from core.reports.output import Output, record_output
from core.session_state import SessionState
from core.settings import ClinicSettings, clinic_settings
from core.startup import Workplace
from core.views import ChairView, DayNotGivenView, PatientView, SessionRow, SilencedAlarm
from core.vitals import Finding
from ui.print_jobs import PrintJobs
from ui.widgets.feedback import Feedback

if TYPE_CHECKING:
    from core.backups import BackupJob, BackupLook, BackupStatus
    from core.outcomes.contact import ContactView
    from core.outcomes.forms import AssessmentView
    from core.outcomes.windows import CourseSpan

T = TypeVar("T")
NO_NURSE = "Sign in first: nothing is recorded without knowing who records it."


BACKUPS_LOOKED_AT = timedelta(minutes=1)
"""How often the schedule of backups is looked at (it reads the folder): a backup is never an hour late."""
SIGN_OUT_GAP = timedelta(hours=1)
"""A sign-out takes a backup when the last is at least this old: the end of a shift, not every handover."""


class Controller(QObject):
    changed = Signal()
    """Something was committed: re-read core and redraw."""

    trouble = Signal(str)
    """The database or disk cannot be used right now (text for the banner); nothing recorded was lost."""

    trouble_over = Signal()
    """A write went through again after trouble: the banner can go."""

    staff_changed = Signal()
    """An account was added or changed."""

    user_changed = Signal()
    """Someone signed in, unlocked, locked the screen or signed out."""

    backups_changed = Signal()
    """A backup finished (or failed): the status line and its notice read the backups again."""

    def __init__(self, workplace: Workplace) -> None:
        super().__init__()
        self.workplace = workplace
        self.care: Care = workplace.care
        self.accounts: Accounts = workplace.care.accounts
        self.protocol: Protocol = workplace.protocol
        self.user: Account | None = None
        """Who is signed in; None while nobody is (the lock screen shows)."""
        self.locked = False
        self._names: dict[str, str] | None = None
        self._trail_noted: date | None = None
        self._backup: BackupJob | None = None
        self._backup_look: BackupLook | None = None
        self._backup_status: BackupStatus | None = None
        self._look_at_sign_out = False
        self._backups_checked: datetime | None = None
        self._started = self.care.clock.now()
        self.backup_failed: ChairsideError | None = None
        """Why the last backup could not be taken, until one is."""
        self.prints = PrintJobs(self)
        """Copies sent to printers, followed until the print system says what became of them."""
        self.staff_changed.connect(self._forget_names)

    def clinic(self) -> ClinicSettings:
        """The clinic settings as they are now (an administrator may change them while the app runs)."""
        database = self.workplace.database
        return self.run(None, lambda: clinic_settings(database), writes=False) or self.workplace.clinic

    def now(self) -> datetime:
        """Core's clock, the one every recorded time comes from (so "today" agrees with the record)."""
        return self.care.clock.now()

    @property
    def nurse_id(self) -> str | None:
        """Who records: the signed-in user, and only while the screen is unlocked."""
        return self.user.id if self.user is not None and not self.locked else None

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

    # ---- who is at the keyboard -----------------------------------------------------------------

    def sign_in(self, feedback: Feedback, username: str, password: str) -> Account | None:
        """Anyone signs in: this replaces whoever was signed in (switching user at a shared workstation)."""
        account = self.run(feedback, lambda: self.accounts.sign_in(username, password), writes=False)
        if account is not None:
            self.user, self.locked = account, False
            self.user_changed.emit()
        return account

    def unlock(self, feedback: Feedback, secret: str) -> bool:
        """The person who locked the screen comes back (password, or PIN where the clinic allows)."""
        if self.user is None:
            return False
        user_id = self.user.id
        account = self.run(feedback, lambda: self.accounts.unlock(user_id, secret), writes=False)
        if account is None:
            return False
        self.user, self.locked = account, False
        self.user_changed.emit()
        return True

    def lock(self) -> None:
        """Lock now (idle time ran out, or the nurse walks away); the signed-in user stays known."""
        if self.user is None or self.locked:
            return
        self.locked = True
        user_id = self.user.id
        self.run(None, lambda: self.accounts.record_lock(user_id), writes=False)
        self.user_changed.emit()

    def sign_out(self) -> None:
        if self.user is not None:
            user_id = self.user.id
            self.run(None, lambda: self.accounts.record_sign_out(user_id), writes=False)
        self.user, self.locked = None, False
        self.user_changed.emit()
        self.keep_backups(signed_out=True)  # nobody at the keyboard: a good moment, and the shift may be over

    def keep_backups(self, *, signed_out: bool = False) -> None:
        """Asked each second: a finished backup is said (its failure in the backups' own notice), and a new
        one is started when the clinic's schedule asks, or at a sign-out an hour or more after the last. The
        folder is looked at once a minute, and both the look and the copy run away from the screen's thread,
        so a share that hangs never freezes the window. Never for a server's database: the server backs
        itself up."""
        self._look_at_sign_out = self._look_at_sign_out or signed_out
        if self._backup is not None:
            if not self._backup.done():
                return
            finished, self._backup = self._backup, None
            self.backup_failed = finished.error  # said in the backups' own notice: the care records are fine
            self._look(may_start=False)  # the status line reads the folder again; the next try waits its time
            return
        if self._backup_look is not None:
            if not self._backup_look.done():
                return
            look, self._backup_look = self._backup_look, None
            self._backup_status = look.status or self._backup_status
            if look.owed:
                workplace = self.workplace
                at = self.care.clock.now()
                from core.backups import BackupJob

                self._backup = BackupJob(workplace.database, self.clinic(), at, workplace.workstation.name)
                return
            self.backups_changed.emit()  # the status line's "how long ago" moves on
        checked = self._backups_checked
        if self._look_at_sign_out or checked is None or self.care.clock.now() - checked >= BACKUPS_LOOKED_AT:
            self._look()

    def _look(self, *, may_start: bool = True) -> None:
        """Look at the folder, and whether a backup is owed (``may_start``); at a sign-out, one is owed an
        hour after the last rather than the clinic's hours."""
        self._backups_checked = now = self.care.clock.now()
        every = SIGN_OUT_GAP if self._look_at_sign_out else None
        self._look_at_sign_out = False
        database, clinic = self.workplace.database, self.clinic()
        from core.backups import BackupLook  # at the first tick's look, not at start

        self._backup_look = BackupLook(database, clinic, now, self._started, every, may_start=may_start)

    def backup_status(self) -> BackupStatus | None:
        """For the status line, as last looked at; None while a backup is being taken or before the first
        look has finished (it is about to change)."""
        return None if self._backup is not None else self._backup_status

    def finish_backups(self) -> None:
        """At close: a look or a backup under way is let finish (a copy cut short would only be thrown away)."""
        for running in (self._backup_look, self._backup):
            if running is not None:
                running.wait()

    def refresh_user(self) -> None:
        """Re-read the signed-in account after it changed (password, PIN)."""
        if self.user is not None:
            user_id = self.user.id
            self.user = self.run(None, lambda: self.accounts.get(user_id), writes=False) or self.user
            self.user_changed.emit()

    def _forget_names(self) -> None:
        self._names = None

    def staff_name(self, staff_id: str | None) -> str:
        if staff_id is None:
            return ""
        if self._names is None or staff_id not in self._names:  # added since, perhaps on another workstation
            everyone = self.run(None, self.accounts.everyone, writes=False) or []
            self._names = {person.id: person.name for person in everyone}
        return self._names.get(staff_id, staff_id)

    def record_view(self, patient_id: str, session_id: str | None) -> None:
        """The signed-in nurse opened a patient's record: audited, never blocking the screen."""
        if self.nurse_id is not None:
            by = self.nurse_id
            self.run(None, lambda: self.care.record_view(by, patient_id, session_id), writes=False)

    def record_output(self, output: Output) -> bool:
        """A printed or saved copy, in the audit trail in the signed-in nurse's name. Called only once the
        copy exists: a print or a save that failed is not an output. False when it could not be recorded
        (nobody signed in, or the database's trouble, which the banner shows)."""
        if self.nurse_id is None:
            return False
        by, database, workstation = self.nurse_id, self.workplace.database, self.workplace.workstation.name

        def write() -> bool:
            record_output(database, self.care.clock.now(), workstation, output, actor_id=by)
            return True

        return self.run(None, write, writes=False) is True

    def alarm_silenced(self, silenced: list[SilencedAlarm], minutes: int) -> None:
        """Audited like a view: a failure to write it shows the trouble banner but never keeps the alarm on."""
        if self.nurse_id is not None and silenced:
            by = self.nurse_id
            self.run(None, lambda: self.care.record_alarm_silenced(by, silenced, minutes), writes=False)

    def find_patients(self, feedback: Feedback, text: str) -> list[PatientView] | None:
        return self.run(feedback, lambda: self.care.find_patients(text), writes=False)

    def register_patient(
        self, feedback: Feedback, typed: tuple[str, str, str, str], details: Details, confirm_new: bool = False
    ) -> PatientView | None:
        """``typed`` is (record number, family name, given name, date of birth) as entered."""
        mrn, family, given, born = typed
        return self._act(
            feedback, lambda by: self.care.register_patient(mrn, family, given, born, by, confirm_new, details)
        )

    def record_details(self, feedback: Feedback, patient_id: str, details: Details) -> PatientView | None:
        return self._act(feedback, lambda by: self.care.record_details(patient_id, details, by))

    def patient_by_record_number(self, mrn: str) -> PatientView | None:
        """The one patient a wristband names, if any (a name search would also match parts of names)."""
        found = self.run(None, lambda: self.care.find_patients(mrn), writes=False) or []
        return next((p for p in found if same_record_number(mrn, p.mrn)), None)

    def similar_patients(self, family: str, given: str, born: str) -> list[PatientView]:
        return self.run(None, lambda: self.care.similar_patients(family, given, born), writes=False) or []

    # ---- reading ------------------------------------------------------------------------------

    def note_the_trail(self) -> None:
        """Once a day while the app runs (and at its start): the audit trail's head noted outside the
        database, in the clinic's anchor folder. A folder that cannot be written shows the trouble banner."""
        now = self.care.clock.now()
        if self._trail_noted == now.astimezone().date():
            return
        self._trail_noted = now.astimezone().date()
        from core.anchors import anchor_folder, write_anchor  # first needed at the first tick, not at start

        folder = anchor_folder(self.clinic().anchor_folder)
        database = self.workplace.database
        self.run(None, lambda: write_anchor(database, folder, now), writes=False)

    def storage_gone(self) -> str | None:
        """Asked each second: what to tell every screen if the database file has gone while open (a rescue
        copy of what it held is written the first time), or None while it is still there."""
        return self.care.storage_gone()

    def chairs(self) -> list[ChairView] | None:
        return self.run(None, self.care.chairs, writes=False)

    def away_words(self) -> str | None:
        """Asked each second: what every screen says while entries are saved on this workstation."""
        return self.care.away_words()

    def waiting_for(self, session_id: str) -> int:
        return self.care.waiting_for(session_id)

    def saved_here(self, event_id: str) -> bool:
        return event_id in self.care.waiting_here()

    def held_count(self) -> int:
        return self.care.held_count()

    def held_here(self) -> list[HeldEntry]:
        return self.run(None, self.care.held_here, writes=False) or []

    def add_late(self, feedback: Feedback, event_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.add_late(event_id, by))

    def withdraw(self, feedback: Feedback, event_id: str, why: str) -> bool:
        return self._act(feedback, lambda by: self.care.withdraw(event_id, why, by) or True) is not None

    def preview_dose(
        self, feedback: Feedback, session_id: str, vial_id: str | None, override: str | None
    ) -> DoseCalculation | None:
        return self.run(feedback, lambda: self.care.preview_dose(session_id, vial_id, override), writes=False)

    # ---- the steps ----------------------------------------------------------------------------

    def open_session(
        self,
        feedback: Feedback,
        patient_id: str,
        chair: int,
        identified: Identified,
        same_day_override: str | None = None,
    ) -> SessionState | None:
        return self._act(
            feedback,
            lambda by: self.care.open_session(patient_id, chair, by, identified, same_day_override),
        )

    def record_course(
        self,
        feedback: Feedback,
        patient_id: str,
        order: tuple[str, str, str],
        replace_running: bool = False,
        replace_reason: str | None = None,
    ) -> CourseView | None:
        """``order`` is (prescriber, first day, number of days) as transcribed; ``replace_running`` only
        once the nurse has confirmed the new order replaces the course in force."""
        prescriber, first_day, days = order
        return self._act(
            feedback,
            lambda by: self.care.record_course(
                patient_id,
                prescriber,
                first_day,
                days,
                by,
                replace_running=replace_running,
                replace_reason=replace_reason,
            ),
        )

    def screen(
        self, feedback: Feedback, session_id: str, answers: dict[str, str], confirm_stop: bool = False
    ) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.screen(session_id, answers, by, confirm_stop=confirm_stop))

    def record_weight(
        self, feedback: Feedback, session_id: str, text: str, unit: str | None, confirm_change: bool = False
    ) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_weight(session_id, text, unit, by, confirm_change))

    def confirm_dose(
        self, feedback: Feedback, session_id: str, vial_id: str | None, override: str | None
    ) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.confirm_dose(session_id, by, vial_id, override))

    def record_check(
        self,
        feedback: Feedback,
        session_id: str,
        username: str,
        password: str,
        figures: tuple[str, str, str],
    ) -> SessionState | TemporaryPasswordError | None:
        """The second nurse identifies herself with her own credentials; the nurse on duty need not.

        Her refusal for still having the temporary password an administrator gave comes back rather than
        onto the message line: the page offers her the change there and then, keeping her figures.
        """
        weight, dose, rate = figures

        def check() -> SessionState | TemporaryPasswordError:
            try:
                return self.care.record_check(session_id, username, password, weight, dose, rate)
            except TemporaryPasswordError as temporary:
                return temporary

        return self.run(feedback, check, writes=True)

    def choose_own_password(
        self, feedback: Feedback, account_id: str, temporary: str, new: str, repeat: str
    ) -> Account | None:
        """Someone other than the nurse on duty (the second nurse at the check) replaces the temporary
        password she was given, with that password as proof, as she would in her own "Change password"."""
        account = self.run(
            feedback, lambda: self.accounts.change_password(account_id, temporary, new, repeat), writes=True
        )
        if account is not None:
            self.staff_changed.emit()
        return account

    def record_drawn(self, feedback: Feedback, session_id: str, lot: str, ml: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_drawn(session_id, lot, ml, by))

    def record_waste(
        self,
        feedback: Feedback,
        session_id: str,
        amount: tuple[str, str],
        password: str,
        witness: tuple[str, str],
        vial_of: str | None = None,
    ) -> SessionState | None:
        """``amount`` is (mg, how); ``witness`` is (user name, password) of the nurse who watched; ``vial_of``
        names the vial whose rest is wasted (None: drug drawn up and not given)."""
        mg, how = amount
        username, secret = witness
        return self._act(
            feedback,
            lambda by: self.care.record_waste(session_id, mg, how, by, password, username, secret, vial_of),
        )

    def return_to_stock(self, feedback: Feedback, session_id: str, drawn_event_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.return_to_stock(session_id, drawn_event_id, by))

    def record_pump(
        self,
        feedback: Feedback,
        session_id: str,
        reading: tuple[str, str],
        second: tuple[str, str, str, str] | None = None,
    ) -> SessionState | None:
        """The rate and VTBI read off the pump; ``second`` is a second nurse's (user name, password, rate, VTBI)."""
        rate, vtbi = reading
        return self._act(feedback, lambda by: self.care.record_pump(session_id, rate, vtbi, by, second))

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

    def vital_complete(self, kind: VitalKind) -> Callable[[str], bool]:
        """Whether a reading typed for this vital is finished, by the protocol's limits (its field moves on)."""
        from core.complete import vital_shape  # the chair pages' (loaded with the first chair opened)

        return vital_shape(self.protocol, kind).complete

    def drawn_volume_complete(self) -> Callable[[str], bool]:
        """Whether a volume drawn up is typed to the protocol's places (its field moves on to the lot)."""
        from core.complete import drawn_shape

        return drawn_shape(self.protocol).complete

    def check_figure_complete(self, figure: str) -> Callable[[str], bool]:
        """Whether a second nurse's figure is typed to the places it is compared at (its field moves on)."""
        from core.complete import check_shapes

        return check_shapes(self.protocol)[figure].complete

    def record_vitals(
        self, feedback: Feedback, session_id: str, typed: dict[VitalKind, str], partial_reason: str | None
    ) -> tuple[SessionState, list[Finding]] | None:
        return self._act(feedback, lambda by: self.care.record_vitals(session_id, typed, by, partial_reason))

    def acknowledge(
        self,
        feedback: Feedback,
        session_id: str,
        alert_id: str,
        actions: list[str],
        symptoms: dict[str, str],
        note: str,
    ) -> SessionState | None:
        """``actions`` are ids from the protocol's list; ``symptoms`` a yes or no per question answered."""
        return self._act(
            feedback, lambda by: self.care.acknowledge_alert(session_id, alert_id, actions, symptoms, by, note)
        )

    def record_side_effects(self, feedback: Feedback, session_id: str, grades: dict[str, str]) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_side_effects(session_id, grades, by))

    def record_no_side_effects(self, feedback: Feedback, session_id: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.record_no_side_effects(session_id, by))

    def record_adverse_event(
        self, feedback: Feedback, session_id: str, source: tuple[str, str], action: str, told: str
    ) -> SessionState | None:
        """``source`` is (the side-effects entry, the item) the adverse event is about."""
        event_id, item = source
        return self._act(
            feedback, lambda by: self.care.record_adverse_event(session_id, event_id, item, action, told, by)
        )

    def discharge(
        self,
        feedback: Feedback,
        session_id: str,
        score: str,
        criteria: dict[str, bool],
        password: str,
        override: str | None,
        prescriber: str | None = None,
    ) -> SessionState | None:
        return self._act(
            feedback, lambda by: self.care.discharge(session_id, score, criteria, by, password, override, prescriber)
        )

    def sign(
        self, feedback: Feedback, session_id: str, password: str, note: str | None, seen_seq: int
    ) -> SessionState | None:
        """``seen_seq``: the last entry on the nurse's screen, which is what her signature covers."""
        return self._act(feedback, lambda by: self.care.sign(session_id, by, password, note, seen_seq=seen_seq))

    def add_addendum(self, feedback: Feedback, session_id: str, note: str, password: str) -> SessionState | None:
        return self._act(feedback, lambda by: self.care.add_addendum(session_id, note, by, password))

    def record_day_not_given(
        self, feedback: Feedback, course_id: str, day: int, *, by_clinic: bool, reason: str
    ) -> DayNotGivenView | None:
        return self._act(
            feedback,
            lambda by: self.care.record_day_not_given(course_id, day, by_clinic=by_clinic, reason=reason, by=by),
        )

    def course_dates(self, course_id: str) -> dict[int, date]:
        return self.run(None, lambda: self.care.course_dates(course_id), writes=False) or {}

    def days_not_given(self, course_id: str) -> list[DayNotGivenView]:
        return self.run(None, lambda: self.care.days_not_given(course_id), writes=False) or []

    def day_sessions(self, start: datetime, end: datetime) -> list[SessionRow] | None:
        return self.run(None, lambda: self.care.day_sessions(start, end), writes=False)

    def state(self, session_id: str) -> SessionState | None:
        return self.run(None, lambda: self.care.state(session_id), writes=False)

    # ---- outcome forms (PROMIS) and the patient's route for follow-ups ----------------------------

    def record_assessment(
        self,
        feedback: Feedback,
        patient_id: str,
        answers: dict[str, dict[str, int | None]],
        *,
        mode: str,
        taken_on: str,
        pain_intensity: str | None,
    ) -> AssessmentView | None:
        return self._act(
            feedback,
            lambda by: self.care.record_assessment(
                patient_id, answers, mode=mode, by=by, taken_on=taken_on, pain_intensity=pain_intensity
            ),
        )

    def course_spans(self, patient_id: str) -> list[CourseSpan]:
        return self.run(None, lambda: self.care.course_spans(patient_id), writes=False) or []

    def record_contact(
        self, feedback: Feedback, patient_id: str, phone: str, preferred: str, note: str | None = None
    ) -> ContactView | None:
        return self._act(feedback, lambda by: self.care.record_contact(patient_id, phone, preferred, by, note))

    def check_contact(self, feedback: Feedback, phone: str, preferred: str, note: str | None = None) -> bool:
        """Whether core would keep this route (nothing is recorded): asked before a registration it goes with."""
        from core.outcomes.contact import checked_route  # the registration's: not loaded by every start

        return self.run(feedback, lambda: checked_route(phone, preferred, note), writes=False) is not None

    def contact_route(self, patient_id: str) -> ContactView | None:
        return self.run(None, lambda: self.care.contact_route(patient_id), writes=False)

    def import_assessments(self, feedback: Feedback, data: bytes) -> ImportResult | None:
        return self._act(feedback, lambda by: self.care.import_assessments(data, by))
