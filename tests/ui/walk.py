"""The way to every step of a chair and every dialog the app opens, for the tests that check something of
each of them (the wheel changes nothing; a screen reader is told everything): one walk, so a step or a
dialog added to it is checked by all of them.

Each walk yields ``(where, root)``: what is on screen at that moment, and the widget holding it. The
walk goes on when the test asks for the next place, so the test checks each one while it is showing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.people import Account, Role
from core.persistence.db import Database
from core.settings import change_clinic_setting
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD, TEMPORARY_PASSWORD
from tests.helpers.sessions import prepare, pump_as_ordered, seen
from tests.helpers.window import Nurse
from ui.crash import CrashDialog, crash_text
from ui.dialogs.addendum import AddendumDialog
from ui.dialogs.audit_view import AuditDialog
from ui.dialogs.contact_route import ContactRouteDialog
from ui.dialogs.course_view import CourseViewDialog
from ui.dialogs.day_log import DayLogDialog
from ui.dialogs.first_admin import FirstAdministratorDialog
from ui.dialogs.follow_ups import FollowUpsDialog
from ui.dialogs.outcome_forms import OutcomeFormsDialog
from ui.dialogs.outcome_import import OutcomeImportDialog
from ui.dialogs.outcome_report import OutcomeReportDialog
from ui.dialogs.password import ChangePasswordDialog, PinDialog
from ui.dialogs.people import AddAccountDialog, DeactivateDialog, PeopleDialog, ResetPasswordDialog
from ui.dialogs.print_preview import PreviewDialog
from ui.dialogs.quality_report import QualityReportDialog
from ui.main_window import MainWindow
from ui.widgets.side_effects import GradingDialog

Places = Iterator[tuple[str, QWidget]]


def everything_said(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {what}" for where, whats in found.items() for what in whats)


def none_found(walk: Places, check: Callable[[QWidget], list[str]]) -> None:
    """``check`` finds nothing at any place of ``walk``, checked while each place shows; else every place's
    findings are said at once."""
    found = {where: check(root) for where, root in walk}
    assert not any(found.values()), everything_said(found)


CHARGE_PASSWORD = "copper meadow lantern 48"


def every_step(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
) -> Places:
    """The sign-in screen, the board, then chair 1 at each step of one session, from an empty identify page
    to signing; the session moves on through core between steps, as the nurse's taps would move it."""
    first, _ = nurses
    yield "sign-in", window
    nurse.on_duty(first)
    yield "board", window
    nurse.chair(1)
    yield "identify", window
    nurse.type("Medical record number", patient.mrn, enter=True)
    yield "identify, found", window

    def step(name: str) -> Places:
        window.refresh()
        nurse.chair(1)
        yield name, window

    identified = Identified(name=True, birth_date=patient.birth_date.isoformat())
    sid = care.open_session(patient.id, 1, first.id, identified).session_id
    yield from step("screen")
    care.screen(sid, SCREEN_OK, first.id)
    yield from step("weigh")
    care.record_weight(sid, "72.4", "kg", first.id)
    yield from step("dose")
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    yield from step("check")
    care.record_vitals(sid, NORMAL, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    yield from step("ready")
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    yield from step("ready, drawn up")  # the rest of the vial to account for, the pump to read
    pump_as_ordered(care, sid, first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    yield from step("infusing")
    if not nurse.sees("Some side effects"):
        nurse.click("Show side effects")  # the task pane shows the vital signs first
    nurse.click("Some side effects")
    checklist = next(d for d in window.findChildren(GradingDialog) if d.isVisible())
    yield "side-effect checklist", checklist
    checklist.reject()
    care.pause(sid, "line problem", first.id)
    yield from step("paused")
    care.resume(sid, first.id)
    clock.advance(minutes=30)
    care.complete(sid, first.id)
    yield from step("observe")
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    yield from step("sign")


def every_dialog(
    qtbot: QtBot,
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
    clock: ManualClock,
    database: Database,
) -> Places:
    """Each dialog shown over the window, opened by someone allowed to open it, with a signed session to
    show and a charge nurse for the day log, and the one an unexpected error shows; each is closed when
    the test moves on."""
    first, second = nurses
    added = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    charge_nurse = accounts.change_password(added.id, TEMPORARY_PASSWORD, CHARGE_PASSWORD, CHARGE_PASSWORD)
    signed = prepare(care, patient, nurses)
    care.start_infusion(signed, first.id)
    clock.advance(minutes=40)
    care.complete(signed, first.id)
    care.record_side_effects(signed, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(signed, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(signed, NORMAL, first.id)  # the set before discharge
    care.discharge(signed, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.sign(signed, first.id, ANA_PASSWORD, seen_seq=seen(care, signed))
    change_clinic_setting(database, "pin_unlock", True, admin.id, "test", clock.now(), workstation="test-ws")
    controller = window.controller

    def shown(name: str, dialog: QDialog) -> Places:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        yield name, dialog
        dialog.close()

    yield from shown("first administrator", FirstAdministratorDialog(controller, window))
    nurse.on_duty(admin)
    yield from shown("people", PeopleDialog(controller, window))
    yield from shown("add a person", AddAccountDialog(controller, window))
    yield from shown("reset a password", ResetPasswordDialog(controller, second, window))
    yield from shown("deactivate", DeactivateDialog(controller, second, window))
    yield from shown("audit trail", AuditDialog(controller, window))
    window.controller.sign_out()
    nurse.type("User name", "helen")
    nurse.type("Password or PIN", CHARGE_PASSWORD, enter=True)
    assert window.controller.nurse_id == charge_nurse.id
    yield from shown("day log", DayLogDialog(controller, window))
    yield from shown("course view", CourseViewDialog(controller, patient.id, window))
    yield from shown("follow-ups due", FollowUpsDialog(controller, window))
    yield from shown("outcome report", OutcomeReportDialog(controller, window))
    yield from shown("quality report", QualityReportDialog(controller, window))
    yield from shown("outcome import", OutcomeImportDialog(controller, window))
    nurse.on_duty(first)
    yield from shown("change my password", ChangePasswordDialog(controller, window))
    yield from shown("PIN", PinDialog(controller, window))
    yield from shown("outcome forms", OutcomeFormsDialog(controller, patient, window, "chair"))
    yield from shown("contact route", ContactRouteDialog(controller, patient, window))
    yield from shown("signed sessions", AddendumDialog(controller, window))
    built = window.printouts.downtime_printout()
    assert built is not None
    yield from shown("print preview", PreviewDialog(controller, window, *built))
    yield from shown("something went wrong", CrashDialog(crash_text(Path("chairside.log"), "7f3a"), "Traceback"))
