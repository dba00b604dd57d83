"""Signing in, locking and switching user at a shared workstation: nothing typed or running is lost."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.people import Account
from core.persistence.db import Database
from core.protocol import VitalKind
from core.settings import change_clinic_setting
from tests.helpers.answers import SCREEN_OK
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.window import Nurse, open_window
from ui.dialogs.audit_view import AuditDialog
from ui.dialogs.people import PeopleDialog
from ui.main_window import MainWindow


def visible_text(window: MainWindow) -> str:
    return "\n".join(w.text() for w in window.findChildren(QLabel) if w.isVisible())


def test_nothing_is_shown_or_recorded_before_someone_signs_in(
    nurse: Nurse, window: MainWindow, care: Care, ready_session
):
    care.start_infusion(ready_session, care.accounts.everyone()[1].id)
    window.refresh()
    assert window.screens.currentWidget() is window.lock_screen
    assert window.controller.nurse_id is None
    assert nurse.text("Locked chair 1 title") == "Chair 1"
    assert nurse.text("Locked chair 1 patient") == "M. L."  # initials only
    assert nurse.text("Locked chair 1 time left") == "40:00"
    assert "Lindqvist" not in visible_text(window).lower().title()  # no patient name in full
    assert not nurse.sees("Time left")


def test_a_wrong_password_is_refused_with_one_message_and_recorded(
    nurse: Nurse, window: MainWindow, database: Database, nurses
):
    nurse.type("User name", "ana")
    nurse.type("Password or PIN", "not my password at all", enter=True)
    assert "user name or password is not right" in nurse.text("Sign-in message").lower()
    assert nurse.find(QLineEdit, "Password or PIN").text() == ""
    assert window.controller.nurse_id is None
    (failed,) = [e for e in audit.entries(database) if e.action == AuditAction.SIGN_IN_FAILED]
    assert failed.actor_id == nurses[0].id


def test_lock_and_unlock_in_the_middle_of_typing_vitals_keeps_what_was_typed(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account], database
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.chair(1)
    window.refresh()
    labels = window.controller.protocol.vitals
    nurse.type(labels[VitalKind.SYSTOLIC].label, "131")
    nurse.type(labels[VitalKind.DIASTOLIC].label, "82")
    before = len(care.state(ready_session).events)
    typing_in = QApplication.focusWidget()
    assert isinstance(typing_in, QLineEdit)

    nurse.click("Lock the screen")
    assert window.screens.currentWidget() is window.lock_screen
    assert f"Locked by {first.name}" in nurse.text("Sign-in prompt")
    assert not nurse.sees(labels[VitalKind.SYSTOLIC].label)
    nurse.type("Password or PIN", ANA_PASSWORD, enter=True)

    assert window.screens.currentWidget() is window.work
    assert nurse.find(QLineEdit, labels[VitalKind.SYSTOLIC].label).text() == "131"
    assert nurse.find(QLineEdit, labels[VitalKind.DIASTOLIC].label).text() == "82"
    assert QApplication.focusWidget() is typing_in  # she goes on where she was, though she clicked "Lock"
    assert len(care.state(ready_session).events) == before  # locking records no care, loses none
    actions = [e.action for e in audit.entries(database, actor_id=first.id)]
    assert AuditAction.SCREEN_LOCKED in actions and AuditAction.SCREEN_UNLOCKED in actions


def test_the_screen_locks_itself_after_the_idle_time(
    qtbot, nurse: Nurse, window: MainWindow, nurses: tuple[Account, Account]
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.idle.limit_ms = 50
    qtbot.wait(80)
    window.tick.timeout.emit()
    assert window.controller.locked and window.screens.currentWidget() is window.lock_screen


def test_a_password_typed_for_a_check_does_not_wait_behind_the_lock(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses: tuple[Account, Account]
):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.chair(1)
    window.refresh()
    password = next(
        f for f in window.work.findChildren(QLineEdit) if f.isVisible() and f.echoMode() is QLineEdit.EchoMode.Password
    )
    password.setText("bens secret half typed")
    window.controller.lock()
    assert password.text() == ""


def test_switching_user_keeps_the_countdown_and_records_in_the_new_name(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, normal_vitals
):
    first, second = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    nurse.click("Switch user")
    assert window.screens.currentWidget() is window.lock_screen
    assert nurse.text("Locked chair 1 time left") == "30:00"
    nurse.on_duty(second)
    nurse.chair(1)
    nurse.chair(1)
    window.refresh()
    assert nurse.text("Time left") == "30:00"
    nurse.enter_vitals(normal_vitals)
    assert care.state(ready_session).events[-1].recorded_by == second.id


def test_opening_a_chair_is_an_audited_view_of_that_patients_record(
    nurse: Nurse, window: MainWindow, database: Database, ready_session: str, patient, nurses
):
    nurse.on_duty(nurses[1])
    nurse.chair(1)
    nurse.chair(1)
    views = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]
    assert views and views[0].actor_id == nurses[1].id and views[0].session_id == ready_session


def test_the_first_start_offers_to_set_up_the_first_administrator(qtbot, workplace, monkeypatch: pytest.MonkeyPatch):
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)
    assert "no default account" in nurse.text("Sign-in prompt")
    assert not nurse.sees("User name")
    assert nurse.sees("Set up the first administrator…")


def test_a_password_given_by_an_administrator_must_be_changed_first(
    qtbot, nurse: Nurse, window: MainWindow, accounts: Accounts, admin: Account, monkeypatch: pytest.MonkeyPatch
):
    asked: list[bool] = []
    monkeypatch.setattr(
        "ui.dialogs.password.ChangePasswordDialog.ask", lambda controller, parent, forced=False: asked.append(forced)
    )
    accounts.add(admin.id, "Chidi Obi", "chidi", "nurse", "granite tulip voyage 90")
    nurse.type("User name", "chidi")
    nurse.type("Password or PIN", "granite tulip voyage 90", enter=True)
    qtbot.waitUntil(lambda: asked == [True], timeout=2000)


def test_an_administrator_sees_no_patients_and_opens_no_record(
    nurse: Nurse, window: MainWindow, database: Database, ready_session: str, admin: Account, patient
):
    nurse.on_duty(admin)
    nurse.chair(1)
    assert nurse.sees("No care with this account")
    assert not nurse.sees("Chairs") and not window.notice.isVisible()
    assert not [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]


def test_locking_closes_any_dialog_left_open_over_the_work(
    qtbot, nurse: Nurse, window: MainWindow, accounts: Accounts, admin: Account
):
    nurse.on_duty(admin)
    nurse.chair(1)
    dialogs = [PeopleDialog(window.controller, window), AuditDialog(window.controller, window)]
    for dialog in dialogs:
        dialog.show()
    window.controller.lock()
    assert not any(dialog.isVisible() for dialog in dialogs)
    assert window.screens.currentWidget() is window.lock_screen


def test_what_one_nurse_left_unsaved_is_not_handed_to_the_next_to_save_in_her_name(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account]
):
    first, second = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.chair(1)
    window.refresh()
    systolic = window.controller.protocol.vitals[VitalKind.SYSTOLIC].label
    nurse.type(systolic, "123")
    nurse.click("Switch user")
    nurse.on_duty(first)  # the same nurse again: her typing waits for her
    assert nurse.find(QLineEdit, systolic).text() == "123"
    nurse.click("Switch user")
    nurse.on_duty(second)
    nurse.chair(1)
    assert nurse.find(QLineEdit, systolic).text() == ""
    assert nurse.text("Time left") == "40:00"  # the countdown itself is untouched


def test_a_nurse_unlocks_her_own_screen_with_a_pin_where_the_clinic_allows_it(
    nurse: Nurse, window: MainWindow, accounts: Accounts, nurses: tuple[Account, Account], database: Database, clock
):
    first, _ = nurses
    change_clinic_setting(database, "pin_unlock", True, None, "faster unlock", clock.now(), workstation="test-ws")
    accounts.set_pin(first.id, ANA_PASSWORD, "2580", "2580")
    nurse.on_duty(first)
    nurse.chair(1)
    window.controller.lock()
    assert "password or PIN" in nurse.text("Sign-in prompt")
    nurse.type("Password or PIN", "2580", enter=True)
    assert window.screens.currentWidget() is window.work and window.controller.nurse_id == first.id


def test_the_idle_time_follows_the_clinic_setting_as_it_is_at_sign_in(
    nurse: Nurse, window: MainWindow, nurses: tuple[Account, Account], database: Database, clock
):
    change_clinic_setting(database, "lock_minutes", 3, None, "busy bay", clock.now(), workstation="test-ws")
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    assert window.idle.limit_ms == 3 * 60_000


def test_the_lock_screen_keeps_what_is_due_in_view_with_initials_only(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses: tuple[Account, ...]
):
    care.start_infusion(ready_session, nurses[0].id)
    clock.advance(minutes=10)  # the 10-minute set falls due
    nurse.on_duty(nurses[0])
    window.controller.lock()
    window.refresh()
    tile = window.lock_screen.findChild(QLabel, "Locked chair 1 attention")
    assert tile is not None and tile.isVisible() and "due" in tile.text()
    assert nurse.text("Locked chair 1 patient") == "M. L."  # no name behind the lock: initials only
