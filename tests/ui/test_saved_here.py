"""The database file deleted while the window runs, on a workstation with its journal: the chair goes on,
a vitals set typed afterwards is saved on this workstation and said to be, every screen says what is
saved here and what waits; started again on the file put back, what waited is sent, once."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QDialog, QLineEdit, QListWidget

from core import audit
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import open_database, sqlite_url
from core.persistence.journal import Journal, Standing
from core.protocol import Protocol
from core.settings import WorkstationSettings, clinic_settings
from core.startup import Workplace
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL
from tests.helpers.window import Nurse, open_window
from tests.test_database_gone import remove
from tests.ui.test_account_dialogs import answer_modal, check_controls, message
from ui.main_window import MainWindow


def second(window: MainWindow, clock: ManualClock) -> None:
    clock.advance(seconds=1)
    window.tick.timeout.emit()


def test_entries_typed_while_the_file_is_gone_are_saved_here_and_sent_once_on_the_file_put_back(
    qtbot,
    database,
    protocol: Protocol,
    clock: ManualClock,
    db_path: Path,
    tmp_path: Path,
    care: Care,
    ready_session: str,
    nurses,
    normal_vitals,
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    journal = Journal(tmp_path / "config" / "journal.sqlite", database.where)
    cart = Care(database, protocol, clock, workstation="test-ws", journal=journal)
    window = open_window(
        qtbot, Workplace(database, protocol, cart, clinic_settings(database), WorkstationSettings(name="test-ws"))
    )
    nurse = Nurse(qtbot, window)
    nurse.on_duty(first)
    nurse.chair(1)
    second(window, clock)
    events = len(care.state(ready_session).events)

    remove(db_path)
    second(window, clock)
    assert "kept on this computer and sent when it is back" in nurse.text("Database away")
    for kind, value in normal_vitals.items():
        nurse.type(protocol.vitals[kind].label, value)
    nurse.click("Record vital signs")
    second(window, clock)
    assert nurse.text("Last saved").startswith("Saved here, not yet in the clinic's record: Vital signs at")
    away = nurse.text("Database away")
    assert "was deleted while Chairside was using it" in away and "kept on this computer (1 so far)" in away
    assert "downtime forms" in away and not nurse.sees("Trouble")
    assert window.lock_screen.away_note.text() == away  # behind the lock too
    left = nurse.text("Time left")
    second(window, clock)
    assert nurse.text("Time left") != left  # the countdown runs on
    (waiting,) = journal.entries(Standing.WAITING)
    window.shutdown()

    (rescued,) = db_path.parent.glob("chairside.rescued-*.sqlite")
    shutil.copyfile(rescued, db_path)  # whoever looks after the computer puts the file back
    again = open_database(sqlite_url(db_path))
    restarted = Care(again, protocol, clock, workstation="test-ws", journal=journal)
    (view,) = restarted.chairs()
    assert view.state.events[-1].id == waiting.event.id and len(view.state.events) == events + 1
    assert [e.standing for e in journal.entries()] == [Standing.SENT]
    assert restarted.away_words() is None
    assert audit.verify(again).ok
    again.dispose()


def test_an_entry_whose_session_moved_on_is_decided_by_a_nurse_and_both_choices_are_kept(
    qtbot,
    database,
    protocol: Protocol,
    clock: ManualClock,
    db_path: Path,
    tmp_path: Path,
    care: Care,
    ready_session: str,
    nurses,
) -> None:
    first, second_nurse = nurses
    care.start_infusion(ready_session, first.id)
    journal = Journal(tmp_path / "config" / "journal.sqlite", database.where)
    cart = Care(database, protocol, clock, workstation="test-ws", journal=journal)
    cart.chairs()
    remove(db_path)
    clock.advance(minutes=2)
    cart.record_vitals(ready_session, NORMAL, first.id)
    cart.record_side_effects(ready_session, NO_SIDE_EFFECTS, first.id)
    assert "(2 so far)" in (cart.away_words() or "")  # what the screens say, and the rescue
    (rescued,) = db_path.parent.glob("chairside.rescued-*.sqlite")
    shutil.copyfile(rescued, db_path)
    again = open_database(sqlite_url(db_path))
    Care(again, protocol, clock, workstation="desk").record_vitals(ready_session, NORMAL, second_nurse.id)
    restarted = Care(again, protocol, clock, workstation="test-ws", journal=journal)
    window = open_window(
        qtbot, Workplace(again, protocol, restarted, clinic_settings(again), WorkstationSettings(name="test-ws"))
    )
    nurse = Nurse(qtbot, window)
    nurse.on_duty(first)
    second(window, clock)
    assert nurse.text("Entries to decide").endswith(
        "2 entries kept on this computer are not in the clinic's record yet: someone recorded on the same session "
        "since. Decide what to do with each."
    )
    said: list[str] = []

    def decide(dialog: QDialog) -> None:
        check_controls(dialog)
        entries = dialog.findChild(QListWidget)
        first_entry = entries.item(0).text()
        assert entries.count() == 2 and first_entry.startswith("Chair 1 · LINDQVIST, Maja · ")
        assert "Vital signs: " in first_entry and "at workstation test-ws" in first_entry
        assert not button_named(dialog, "Add the entry late").isEnabled()  # nothing chosen for her
        entries.setCurrentRow(0)
        assert "Meanwhile in the record: Vital signs" in entries.item(0).text()
        button_named(dialog, "Add the entry late").click()
        said.append(message(dialog, "Entries message"))
        assert not button_named(dialog, "Withdraw the entry").isEnabled()  # a second tap decides nothing
        entries.setCurrentRow(0)
        button_named(dialog, "Withdraw the entry").click()  # no reason yet: asked for one
        said.append(message(dialog, "Entries message"))
        qtbot.keyClicks(dialog.findChild(QLineEdit), "Entered again on paper")
        button_named(dialog, "Withdraw the entry").click()
        said.append(message(dialog, "Entries message"))
        assert entries.count() == 0
        dialog.reject()

    answer_modal(qtbot, decide)
    nurse.click("Decide on entries saved here")
    assert said[0].startswith("Added late") and "why the entry is withdrawn" in said[1]
    assert said[2].startswith("Withdrawn")
    second(window, clock)
    assert not nurse.sees("Entries to decide")
    assert [e.standing for e in journal.entries()] == [Standing.SENT_LATE, Standing.WITHDRAWN]
    assert audit.verify(again).ok
    window.shutdown()
    again.dispose()


def button_named(dialog: QDialog, name: str) -> QAbstractButton:
    (found,) = [b for b in dialog.findChildren(QAbstractButton) if b.accessibleName() == name]
    return found
