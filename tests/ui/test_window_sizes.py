"""The window works on a 1024×768 screen and at 1280×800 for every role, with everything its top bar can show.

The crowded case: two chairs in act-now alarm, one of them silenced (so "Silence alarms" and the silenced
note show together), and every strip the window can put above the chairs: sound unavailable, trouble,
unfinished sessions, clock jumped and a scan's notice. Nothing of the bar or a strip may lie outside the
window or be squeezed below the size it needs to show its words.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.people import Account, Role
from core.protocol import VitalKind
from core.settings import change_clinic_setting
from core.startup import Workplace
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.people import PASSWORDS, TEMPORARY_PASSWORD
from tests.helpers.sessions import prepare
from tests.helpers.window import Nurse, open_window
from ui.alarm_sound import NO_SOUND
from ui.main_window import MainWindow

SCREENS = [QSize(1024, 768), QSize(1280, 800)]
LONG_NAME = "Helena Achterberg-Vandermeulen"
CHARGE_PASSWORD = "amber lighthouse fennel 63"


@pytest.fixture
def charge_nurse(accounts: Accounts, admin: Account) -> Account:
    """A charge nurse with a name longer than the bar has room for."""
    added = accounts.add(admin.id, LONG_NAME, "helena", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, CHARGE_PASSWORD, CHARGE_PASSWORD)


@pytest.fixture
def people(nurses: tuple[Account, Account], charge_nurse: Account, admin: Account) -> dict[str, Account]:
    return {"nurse": nurses[0], "charge nurse": charge_nurse, "administrator": admin}


@pytest.fixture
def two_infusing(care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]) -> list[str]:
    """Chairs 1 and 2 infusing before the window opens, so it starts with its unfinished-sessions notice."""
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-07-02", by=nurses[0].id)
    care.record_course(other.id, "Dr Amara Patel", clock.now().astimezone().date().isoformat(), "5", by=nurses[0].id)
    sessions = [prepare(care, patient, nurses, chair=1), prepare(care, other, nurses, chair=2)]
    for session in sessions:
        care.start_infusion(session, nurses[0].id)
    return sessions


def sign_in(nurse: Nurse, person: Account) -> None:
    nurse.window.controller.sign_out()
    nurse.type("User name", person.username or "")
    nurse.type("Password or PIN", PASSWORDS.get(person.username or "", CHARGE_PASSWORD), enter=True)
    assert nurse.window.controller.nurse_id == person.id


def act_now(care: Care, window: MainWindow, session: str, by: Account) -> None:
    care.record_vitals(session, {**NORMAL, VitalKind.SPO2: "86"}, by.id)
    window.refresh()


def crowd(nurse: Nurse, care: Care, clock: ManualClock, sessions: list[str], by: Account) -> None:
    """Everything the bar and the strips above the chairs can show, at once."""
    window = nurse.window
    window.alarm.play = lambda _level: True  # no sound device in tests; the unavailable strip is shown below
    act_now(care, window, sessions[0], by)
    nurse.click("Silence the alarm sound")
    act_now(care, window, sessions[1], by)  # a new alarm sounds while the first is silenced
    window.controller.trouble.emit("database is locked (the driver's own words, which can be long)")
    window.alarm.unavailable.emit(NO_SOUND)
    blocked = Path(care.db.where).with_name("a-file-not-a-folder")
    blocked.write_text("x")  # the clinic's backup folder behind a name that is a file: backups cannot be written
    change_clinic_setting(care.db, "backup_folder", str(blocked / "b"), None, "moved", clock.now(), workstation="t")
    clock.jump(timedelta(minutes=12))
    clock.advance(seconds=1)
    window.tick.timeout.emit()
    window.controller.finish_backups()  # the backup folder is looked at away from the window's thread
    window.tick.timeout.emit()
    window.scans.notice.say("Wristband DEMO-000777 is not registered here. Register that number, or scan again.")
    assert nurse.sees("Silence the alarm sound") and nurse.sees("Alarm sound silenced")
    care_strips = ["Clock jumped", "Scan message"] if window.care_area.isVisible() else []  # not to an administrator
    for strip in ["Sound unavailable", "Trouble", "Backup notice", *care_strips]:
        assert nurse.sees(strip), strip


def at(window: MainWindow, size: QSize) -> None:
    window.resize(size)
    QApplication.processEvents()
    assert window.size() == size  # a window whose minimum is wider than the screen would not shrink


def cut_off(window: MainWindow) -> list[str]:
    """Every visible control of the top bar and every strip above the chairs that is outside the window or
    narrower than it needs, or a wrapped message shorter than its lines."""
    inside = window.rect()
    strips = [
        window.top_bar,
        window.no_sound,
        window.trouble,
        window.backup_notice,
        window.notice,
        window.clock_jump,
        window.scans.notice,
    ]
    shown = [w for strip in strips for w in [strip, *strip.findChildren(QWidget)] if w.isVisible()]
    faults = []
    for widget in shown:
        where = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        name = widget.accessibleName() or widget.objectName()
        if not inside.contains(where):
            faults.append(f"{name!r} at {where.getRect()} outside {inside.getRect()}")
        if widget.width() < widget.minimumSizeHint().width():
            faults.append(f"{name!r} squeezed to {widget.width()} of {widget.minimumSizeHint().width()}")
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.height() < widget.heightForWidth(widget.width()):
            faults.append(f"{name!r} shows {widget.height()} of {widget.heightForWidth(widget.width())} px")
    return faults


@pytest.mark.parametrize("role", ["nurse", "charge nurse", "administrator"])
def test_every_role_with_everything_showing_fits_1024_by_768_and_1280_by_800(
    qtbot: QtBot,
    workplace: Workplace,
    care: Care,
    clock: ManualClock,
    two_infusing: list[str],
    people: dict[str, Account],
    role: str,
) -> None:
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)
    assert not window.notice.isHidden()  # the unfinished sessions, said at start (behind the lock screen)
    sign_in(nurse, people[role])
    crowd(nurse, care, clock, two_infusing, people["nurse"])

    smallest = SCREENS[0]
    assert window.top_bar.minimumSizeHint().width() <= smallest.width() - 40  # room for the window's own frame
    assert window.minimumSizeHint().width() <= smallest.width() - 20
    assert window.minimumSizeHint().height() <= smallest.height() - 60  # the title bar and a task bar
    for size in SCREENS:
        at(window, size)
        assert cut_off(window) == [], size
        assert window.wall_clock.isVisible() and window.lock_button.isVisible() and window.switch_button.isVisible()


@pytest.mark.parametrize("role", ["nurse", "charge nurse"])
def test_an_open_chair_at_1024_gives_its_pages_the_room_and_the_bar_stays_whole(
    qtbot: QtBot,
    workplace: Workplace,
    care: Care,
    clock: ManualClock,
    two_infusing: list[str],
    people: dict[str, Account],
    role: str,
) -> None:
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)
    sign_in(nurse, people[role])
    crowd(nurse, care, clock, two_infusing, people["nurse"])
    nurse.chair(1)
    widths = {}
    for size in SCREENS:
        at(window, size)
        assert cut_off(window) == [], size
        widths[size.width()] = window.chair_list.width()
    assert widths[1024] < widths[1280] and widths[1024] <= 210  # the list keeps to its names at 1024
    at(window, SCREENS[0])
    assert window.right.width() >= 780


def test_the_less_used_entries_are_under_menu_for_whom_they_serve_and_the_silenced_note_is_short(
    qtbot: QtBot,
    workplace: Workplace,
    care: Care,
    clock: ManualClock,
    two_infusing: list[str],
    people: dict[str, Account],
) -> None:
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)
    offered = {}
    for role, person in people.items():
        sign_in(nurse, person)
        entries = ("Day log", "Signed sessions and addenda", "Manage people", "Audit trail", "Change my password")
        offered[role] = {name for name in entries if nurse.entry("Menu", name) is not None}
    assert offered == {
        "nurse": {"Signed sessions and addenda", "Change my password"},
        "charge nurse": {"Day log", "Signed sessions and addenda", "Audit trail", "Change my password"},
        "administrator": {"Manage people", "Audit trail", "Change my password"},
    }
    sign_in(nurse, people["charge nurse"])
    who = nurse.find(QLabel, "Signed in")
    assert who.text().endswith("…\nCharge nurse") and LONG_NAME in who.toolTip()
    assert LONG_NAME in who.accessibleDescription()  # a screen reader hears the whole name
    crowd(nurse, care, clock, two_infusing, people["nurse"])
    note = nurse.find(QLabel, "Alarm sound silenced")
    assert note.text().startswith("Sound silenced\nuntil ")
    assert f"silenced by {LONG_NAME}" in note.toolTip() and note.toolTip() == note.accessibleDescription()
    window.controller.lock()
    assert f"silenced by {LONG_NAME}" in nurse.text("Lock screen alarm silenced")  # the full words on the lock screen


def test_the_window_opens_inside_a_screen_smaller_than_1280_by_800(qtbot: QtBot, workplace: Workplace, nurses):
    """The test platform's screen is 800×800: the window takes the screen rather than hang off its edge."""
    window = MainWindow(workplace)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    assert room.width() < 1280 or room.height() < 800
    window.show_on_screen()
    qtbot.waitUntil(lambda: room.contains(window.frameGeometry()) or room.contains(window.geometry()))
    assert window.width() <= room.width() and window.height() <= room.height()
