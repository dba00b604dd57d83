"""Scrolling over a control that the nurse has not put the focus on changes nothing, on every page and dialog.

The walk takes whatever controls each page and dialog has today, not a list: a control added tomorrow
is wheeled too. Each is sent the wheel as a mouse sends it (whole notches up and down) and as a
touchpad sends it (pixels, in a scroll gesture), while another control has the focus.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.clock import ManualClock
from core.identify import Identified
from core.people import Account, Accounts, Role
from core.persistence.db import Database
from core.services import Care, PatientView
from core.settings import change_clinic_setting
from tests.conftest import ANA_PASSWORD, BEN_PASSWORD, TEMPORARY_PASSWORD
from tests.test_session_flow import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, prepare, seen
from tests.ui.conftest import Nurse
from tests.ui.test_accessible_names import inside_combo
from ui.dialogs.addendum import AddendumDialog
from ui.dialogs.audit_view import AuditDialog
from ui.dialogs.day_log import DayLogDialog
from ui.dialogs.first_admin import FirstAdministratorDialog
from ui.dialogs.password import ChangePasswordDialog, PinDialog
from ui.dialogs.people import AddAccountDialog, DeactivateDialog, PeopleDialog, ResetPasswordDialog
from ui.dialogs.print_preview import PreviewDialog
from ui.main_window import MainWindow
from ui.widgets.forms import combo

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QLineEdit,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)
VALUE_CONTROLS = (QComboBox, QAbstractSpinBox, QAbstractSlider)
"""The kinds Qt lets the wheel change."""
NOTCH = 120
SCROLLS = (
    (QPoint(0, 0), QPoint(0, NOTCH), Qt.ScrollPhase.NoScrollPhase),  # a mouse wheel, up
    (QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase),  # and down
    (QPoint(0, 40), QPoint(0, NOTCH), Qt.ScrollPhase.ScrollUpdate),  # a touchpad, up
    (QPoint(0, -40), QPoint(0, -NOTCH), Qt.ScrollPhase.ScrollUpdate),  # and down
)
CHARGE_PASSWORD = "copper meadow lantern 48"


def is_control(widget: QWidget) -> bool:
    """A thing the nurse changes or presses; the page's own scroll bars and a combo's pop-up are not."""
    return isinstance(widget, CONTROLS) and not isinstance(widget, QScrollBar) and not inside_combo(widget)


def value(widget: QWidget) -> object:
    """What the control says: the thing that must not change by itself."""
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractSlider):
        return widget.value()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QAbstractItemView):
        return widget.currentIndex().row(), sorted(i.row() for i in widget.selectionModel().selectedIndexes())
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    assert isinstance(widget, QTextEdit)
    return widget.toPlainText()


def controls(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if is_control(w)]


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.accessibleName()!r}"


def scroll(widget: QWidget, pixels: QPoint, angle: QPoint, phase: Qt.ScrollPhase) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre)),
        pixels,
        angle,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        phase,
        False,
    )
    QApplication.sendEvent(widget, event)


def wheel_everything(root: QWidget) -> list[str]:
    """Wheel every visible control while it is not focused; the controls whose value changed, or that the
    wheel could hand the focus to, so that the next scroll would change them."""
    before = [(w, value(w)) for w in controls(root)]
    for widget, _ in before:
        if not widget.isVisible():
            continue
        if widget.hasFocus():
            widget.clearFocus()
        for pixels, angle, phase in SCROLLS:
            scroll(widget, pixels, angle, phase)
    changed = [f"{describe(w)}: {old!r} → {value(w)!r}" for w, old in before if value(w) != old]
    grabbing = [
        f"{describe(w)} takes the focus on the wheel"
        for w, _ in before
        if isinstance(w, VALUE_CONTROLS) and w.focusPolicy() == Qt.FocusPolicy.WheelFocus
    ]
    return changed + grabbing


def everything_said(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {what}" for where, whats in found.items() for what in whats)


# ---- every step of a chair ----------------------------------------------------------------------------


def test_no_step_of_a_session_changes_on_the_wheel(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    untouched: dict[str, list[str]] = {}
    untouched["board"] = wheel_everything(window)
    nurse.chair(1)
    untouched["identify"] = wheel_everything(window)
    nurse.type("Medical record number", patient.mrn, enter=True)
    untouched["identify, found"] = wheel_everything(window)

    def step(name: str) -> None:
        window.refresh()
        nurse.chair(1)
        untouched[name] = wheel_everything(window)

    identified = Identified(name=True, birth_date=patient.birth_date.isoformat())
    sid = care.open_session(patient.id, 1, first.id, identified).session_id
    step("screen")
    care.screen(sid, SCREEN_OK, first.id)
    step("weigh")
    care.record_weight(sid, "72.4", "kg", first.id)
    step("dose")
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    step("check")
    care.record_vitals(sid, NORMAL, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    step("ready")
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    step("infusing")
    care.pause(sid, "line problem", first.id)
    step("paused")
    care.resume(sid, first.id)
    clock.advance(minutes=30)
    care.complete(sid, first.id)
    step("observe")
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    step("sign")
    assert not any(untouched.values()), everything_said(untouched)


# ---- every dialog the app opens -----------------------------------------------------------------------


@pytest.fixture
def charge_nurse(accounts: Accounts, admin: Account) -> Account:
    added = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, CHARGE_PASSWORD, CHARGE_PASSWORD)


def test_no_dialog_changes_on_the_wheel(
    qtbot: QtBot,
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    admin: Account,
    charge_nurse: Account,
    clock: ManualClock,
    database: Database,
) -> None:
    first, second = nurses
    signed = prepare(care, patient, nurses)
    care.start_infusion(signed, first.id)
    clock.advance(minutes=40)
    care.complete(signed, first.id)
    care.record_side_effects(signed, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(signed, NO_SIDE_EFFECTS, first.id)
    care.discharge(signed, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.sign(signed, first.id, ANA_PASSWORD, seen_seq=seen(care, signed))
    change_clinic_setting(database, "pin_unlock", True, admin.id, "test", clock.now(), workstation="test-ws")
    controller = window.controller
    untouched: dict[str, list[str]] = {}

    def walk(name: str, dialog: QDialog) -> None:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        untouched[name] = wheel_everything(dialog)
        dialog.close()

    walk("first administrator", FirstAdministratorDialog(controller, window))
    nurse.on_duty(admin)
    walk("people", PeopleDialog(controller, window))
    walk("add a person", AddAccountDialog(controller, window))
    walk("reset a password", ResetPasswordDialog(controller, second, window))
    walk("deactivate", DeactivateDialog(controller, second, window))
    walk("audit trail", AuditDialog(controller, window))
    window.controller.sign_out()
    nurse.type("User name", "helen")
    nurse.type("Password or PIN", CHARGE_PASSWORD, enter=True)
    assert window.controller.nurse_id == charge_nurse.id
    walk("day log", DayLogDialog(controller, window))
    nurse.on_duty(first)
    walk("change my password", ChangePasswordDialog(controller, window))
    walk("PIN", PinDialog(controller, window))
    walk("signed sessions", AddendumDialog(controller, window))
    built = window.printouts.downtime_printout()
    assert built is not None
    walk("print preview", PreviewDialog(controller, window, *built))
    assert not any(untouched.values()), everything_said(untouched)


# ---- the guard itself -----------------------------------------------------------------------------------


def page_with_a_choice(qtbot: QtBot) -> tuple[QScrollArea, QComboBox]:
    """A page taller than its view, with a choice in the middle, as on a chair's page."""
    inside = QWidget()
    column = QVBoxLayout(inside)
    column.addSpacing(1500)
    choice = combo("Grade", [("None", "none"), ("Mild", "mild"), ("Severe", "severe")], placeholder="Not assessed")
    column.addWidget(choice)
    column.addSpacing(1500)
    area = QScrollArea()
    area.setWidget(inside)
    area.setWidgetResizable(True)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.ensureWidgetVisible(choice)
    return area, choice


def test_the_wheel_over_an_unfocused_choice_scrolls_the_page_instead(qtbot: QtBot, window: MainWindow) -> None:
    area, choice = page_with_a_choice(qtbot)
    assert choice.focusPolicy() == Qt.FocusPolicy.StrongFocus
    top = area.verticalScrollBar().value()
    scroll(choice, QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    assert choice.currentIndex() == -1
    assert area.verticalScrollBar().value() > top


def test_a_choice_the_nurse_has_focused_still_takes_the_wheel(qtbot: QtBot, window: MainWindow) -> None:
    area, choice = page_with_a_choice(qtbot)
    area.activateWindow()
    qtbot.waitActive(area)
    choice.setFocus()
    qtbot.waitUntil(choice.hasFocus)
    scroll(choice, QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    assert choice.currentText() == "None"
