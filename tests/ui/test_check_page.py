"""The second-nurse check page: a second nurse still on her temporary password, and the page's fit.

Driven through the real window at the chair; what is asserted is what core recorded.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QScrollArea, QWidget

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.events import EventType as E
from core.machine import Step
from core.people import Account, Role
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.people import BEN_PASSWORD, TEMPORARY_PASSWORD
from tests.helpers.window import Nurse
from tests.ui.test_signing_screens import dosed
from ui.main_window import MainWindow
from ui.screens.check import CheckPage

NEW_PASSWORD = "saffron bicycle glacier 63"
CHAIR_AREA_HEIGHT = 560
"""What is left of the chair's area at 1280×800 under the window's bar and the chair's pinned header."""


def fill_check(nurse: Nurse, username: str, password: str, dose: str = "36.2") -> None:
    """The second nurse's whole entry, over whatever the fields held; Enter records."""
    typed = {
        "Second nurse user name": username,
        "Second nurse password": password,
        "Check weight (kg)": "72.4",
        "Check dose (mg)": dose,
        "Check pump rate (mL/h)": "155.4",
    }
    for name, text in typed.items():
        nurse.find(QLineEdit, name).clear()
        nurse.type(name, text, enter=name == "Check pump rate (mL/h)")


def test_a_second_nurse_on_her_temporary_password_chooses_her_own_there_and_the_check_is_hers(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
    database: Database,
) -> None:
    cleo = accounts.add(admin.id, "Cleo Dumas", "cleo", Role.NURSE, TEMPORARY_PASSWORD)
    sid = dosed(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    assert QApplication.focusWidget() is nurse.find(QLineEdit, "Check weight (kg)")
    fill_check(nurse, "cleo", TEMPORARY_PASSWORD)
    assert "Cleo Dumas still has the temporary password" in nurse.text("Choose your own password")
    assert QApplication.focusWidget() is nurse.find(QLineEdit, "Second nurse new password")
    assert E.CHECKED not in [event.type for event in care.state(sid).events]

    # One typo in the second entry: refused by that field, nothing changed, the figures still there.
    nurse.type("Second nurse new password", NEW_PASSWORD)
    nurse.type("Second nurse new password again", NEW_PASSWORD.upper(), enter=True)
    assert "not the same" in nurse.text("Check message")
    assert nurse.find(QLineEdit, "Second nurse new password again").property("invalid") is True
    assert accounts.get(cleo.id).must_change_password
    assert E.CHECKED not in [event.type for event in care.state(sid).events]
    assert nurse.find(QLineEdit, "Check dose (mg)").text() == "36.2"

    nurse.type("Second nurse new password", NEW_PASSWORD)
    nurse.type("Second nurse new password again", NEW_PASSWORD, enter=True)
    state = care.state(sid)
    assert (state.step, state.checked_by) == (Step.READY, cleo.id)
    checked = next(event for event in state.events if event.type is E.CHECKED)
    assert checked.recorded_by == cleo.id
    assert checked.payload["figures"] == {"weight_kg": "72.4", "dose_mg": "36.2", "rate_ml_per_h": "155.4"}
    assert window.controller.user is not None and window.controller.user.id == nurses[0].id  # Ana stays on
    assert not accounts.sign_in("cleo", NEW_PASSWORD).must_change_password
    changed = [e for e in audit.entries(database, actor_id=cleo.id) if e.action == AuditAction.PASSWORD_CHANGED]
    assert len(changed) == 1
    assert not [w for w in window.findChildren(QLineEdit) if w.echoMode() is QLineEdit.EchoMode.Password and w.text()]


def test_another_user_name_puts_the_temporary_password_away(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
) -> None:
    cleo = accounts.add(admin.id, "Cleo Dumas", "cleo", Role.NURSE, TEMPORARY_PASSWORD)
    sid = dosed(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    fill_check(nurse, "cleo", TEMPORARY_PASSWORD)
    nurse.find(QLineEdit, "Second nurse user name").selectAll()
    nurse.type("Second nurse user name", "ben")
    assert not nurse.sees("Choose your own password")
    assert nurse.find(QLineEdit, "Second nurse password").text() == ""
    nurse.type("Second nurse password", BEN_PASSWORD, enter=True)
    assert care.state(sid).checked_by == nurses[1].id
    assert accounts.get(cleo.id).must_change_password


def visible_in(widget: QWidget, window: MainWindow) -> bool:
    """Inside the window and, unless it is pinned under the page, the scroll area's visible part."""
    on_window = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    if not (window.rect().contains(on_window) and widget.isVisible()):
        return False
    scroll = next((a for a in window.findChildren(QScrollArea) if a.isAncestorOf(widget) and a.isVisible()), None)
    if scroll is None:
        return True  # in the action bar under the page, which never scrolls away
    viewport = scroll.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


def needed_height(page: CheckPage) -> int:
    layout = page.layout()
    return layout.totalHeightForWidth(page.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()


def test_record_check_and_check_again_are_in_view_at_1280_by_800(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
) -> None:
    accounts.add(admin.id, "Cleo Dumas", "cleo", Role.NURSE, TEMPORARY_PASSWORD)
    sid = dosed(care, patient, nurses)
    window.resize(1280, 800)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    page = window.panel(1).page("check")
    assert isinstance(page, CheckPage)
    assert visible_in(nurse.find(QPushButton, "Record check"), window)
    assert needed_height(page) <= CHAIR_AREA_HEIGHT

    fill_check(nurse, "cleo", TEMPORARY_PASSWORD)
    nurse.type("Second nurse new password", NEW_PASSWORD)
    nurse.type("Second nurse new password again", "a different one entirely", enter=True)
    assert nurse.sees("Choose your own password") and nurse.sees("Check message")
    assert visible_in(nurse.find(QPushButton, "Record check"), window)
    assert visible_in(nurse.find(QLineEdit, "Second nurse new password again"), window)
    assert needed_height(page) <= CHAIR_AREA_HEIGHT

    fill_check(nurse, "ben", BEN_PASSWORD, dose="3.62")
    assert care.state(sid).last_check_mismatches == ("dose_mg",)
    assert visible_in(nurse.find(QPushButton, "Check again"), window)
    assert visible_in(nurse.find(QPushButton, "Weigh again"), window)
    assert needed_height(page) <= CHAIR_AREA_HEIGHT
