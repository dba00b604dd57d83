"""The chair board is home: every chair readable at a glance, one tap or key to open, Esc to come back.
Twelve chairs fit a 1280×800 screen, and a 1024×768 one scrolls at most one way; the time of day is
always on screen."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.persistence.db import Database
from core.protocol import VitalKind
from core.settings import change_clinic_setting
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare
from tests.helpers.window import Nurse, make_workplace, open_window
from ui.board import ChairTile
from ui.main_window import MainWindow
from ui.text import clock_time


def second_patient(
    care: Care, by: str, mrn: str = "MRN-2002", family: str = "Okafor", born: str = "1980-07-02"
) -> PatientView:
    other = care.register_patient(mrn, family, "Chidi", born, by=by)
    care.record_course(other.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=by)
    return other


def test_the_board_shows_every_chair_and_which_one_needs_a_nurse(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses
):
    first, _ = nurses
    for chair, who in ((1, patient), (2, second_patient(care, first.id))):
        care.start_infusion(prepare(care, who, nurses, chair=chair), first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    assert window.board_showing  # home after signing in
    assert nurse.text("Chair 1 patient") == "LINDQVIST, Maja"
    assert nurse.text("Chair 1 time left") == "30:00"
    assert nurse.text("Chair 1 nurse") == f"{first.name} · Day 1 of 5"
    assert nurse.text("Chair 2 attention").startswith(
        f"Vitals due now: {clock_time(clock.now())} — 10 min into infusion"
    )
    clock.advance(minutes=10)
    window.refresh()
    assert nurse.text("Chair 2 attention").startswith(
        f"Vitals MISSED (1): {clock_time(clock.now() - timedelta(minutes=10))} — 10 min"
    )
    assert nurse.text("Chair 2 alarm") == "● Attention"  # the mark says it in words, not only in colour
    assert window.board.tiles[2].property("priority") == "medium"
    assert nurse.text("Chair 3 status") == "Open to seat a patient"
    described = window.board.tiles[2].accessibleDescription()
    assert described.startswith(f"Chair 2; OKAFOR, Chidi; Infusing; {first.name} · Day 1 of 5; 20:00 left, ends ")
    assert "; ● Attention; Vitals MISSED (1): " in described


def test_a_paused_tile_shows_the_pause_and_its_length_and_a_late_end_counts_on(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses
):
    first, _ = nurses
    sid = prepare(care, patient, nurses, chair=1)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=5)
    care.record_vitals(sid, NORMAL, first.id)
    care.pause(sid, "line problem", first.id)
    clock.advance(minutes=4, seconds=30)
    nurse.on_duty(first)
    assert nurse.text("Chair 1 time left") == "PAUSED"  # not a running clock, nor an idle chair
    assert nurse.text("Chair 1 ends").startswith("for 04:30\n35:00 left")
    assert window.board.tiles[1].property("paused") is True
    care.resume(sid, first.id)
    clock.advance(minutes=35, seconds=1)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, {"nausea": "none", "dissociation": "none"}, first.id)
    clock.advance(minutes=3, seconds=11)
    window.refresh()
    assert nurse.text("Chair 1 time left") == "+03:12"
    assert nurse.text("Chair 1 ends") == "over"
    assert window.board.tiles[1].property("paused") is False


def test_the_wall_clock_shows_cores_time_on_every_screen_and_moves_with_it(
    nurse: Nurse, window: MainWindow, qtbot: QtBot, clock: ManualClock, patient, nurses
):
    assert nurse.text("Time now on the lock screen") == clock_time(clock.now())
    nurse.on_duty(nurses[0])
    assert nurse.text("Time now") == clock_time(clock.now())
    clock.advance(minutes=7)
    qtbot.waitUntil(lambda: nurse.text("Time now") == clock_time(clock.now()), timeout=3000)  # the 1-second tick
    nurse.chair(1)
    clock.advance(minutes=60)
    qtbot.waitUntil(lambda: nurse.text("Time now") == clock_time(clock.now()), timeout=3000)
    window.controller.lock()
    clock.advance(minutes=1)
    qtbot.waitUntil(lambda: nurse.text("Time now on the lock screen") == clock_time(clock.now()), timeout=3000)


# ---- twelve chairs on one screen -------------------------------------------------------------------


@pytest.fixture
def twelve_chairs(qtbot: QtBot, database: Database, protocol, care: Care, clock: ManualClock, nurses) -> MainWindow:
    """A full bay: twelve chairs, ten of them busy with long names and more owed than a tile can list (an
    act-now alarm on two readings, a long pause reason, sets missed and due), one ready, one empty."""
    first, _ = nurses
    change_clinic_setting(database, "chairs", 12, None, "a bigger bay", clock.now(), workstation="test-ws")
    sessions = {}
    for chair in range(1, 12):
        born = f"19{50 + chair}-07-02"
        who = second_patient(care, first.id, f"MRN-{chair:04d}", "Featherstonehaugh-Montgomery", born)
        sessions[chair] = prepare(care, who, nurses, chair=chair)
    for chair in range(1, 11):
        care.start_infusion(sessions[chair], first.id)
    clock.advance(minutes=10)
    care.pause(sessions[2], "Patient asked to use the bathroom and then felt dizzy standing up", first.id)
    acting = {**NORMAL, VitalKind.SPO2: "86", VitalKind.SEDATION: "-3"}
    care.record_vitals(sessions[3], acting, first.id)  # act now, on two readings
    care.record_vitals(sessions[4], {**NORMAL, VitalKind.HEART_RATE: "118"}, first.id)
    care.record_vitals(sessions[5], NORMAL, first.id)
    clock.advance(minutes=12)  # the others have missed their set and owe the next one
    window = open_window(qtbot, make_workplace(database, protocol, care))
    nurse = Nurse(qtbot, window)
    nurse.on_duty(first)
    nurse.click("Dismiss notice")  # the list of sessions left running at start, read
    assert len(window.board.tiles) == 12
    return window


def inside(widget: QWidget, area: QWidget) -> bool:
    """The whole of ``widget`` lies within ``area``'s rectangle (what is shown of it)."""
    corner = widget.mapTo(area, QPoint(0, 0))
    return area.rect().contains(QRect(corner, widget.size()))


def settle(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=3000)
    qtbot.wait(50)  # the layouts settle after the resize


def assert_whole(tile: ChairTile) -> None:
    """Every line the tile shows lies inside it, at no less than its least height, and none overlaps the
    next; the clock and the words beside it are drawn whole (the lines of what is needed may end in "…")."""
    shown = sorted((line for line in tile.findChildren(QLabel) if line.isVisible()), key=lambda line: line.y())
    for line in shown:
        assert inside(line, tile), f"chair {tile.chair}: {line.accessibleName()} is cut off"
        assert line.height() >= line.minimumSizeHint().height(), f"chair {tile.chair}: {line.text()!r} squeezed"
    rows = [line for line in shown if line not in (tile.until, tile.mark)]
    for upper, lower in pairwise(rows):
        assert upper.geometry().bottom() < lower.geometry().top(), f"chair {tile.chair}: {upper.text()!r} overlaps"
    for part in (tile.clock, tile.until, tile.mark):
        if part.isVisible():
            widest = max(part.fontMetrics().horizontalAdvance(text) for text in part.text().splitlines())
            assert widest <= part.contentsRect().width(), f"chair {tile.chair}: {part.text()!r} is clipped"


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_twelve_busy_chairs_fit_the_screen_without_scrolling_and_every_tile_is_whole(
    qtbot: QtBot, twelve_chairs: MainWindow, size: tuple[int, int]
):
    window = twelve_chairs
    settle(qtbot, window, *size)
    scroll = window.board.scroll
    assert not scroll.verticalScrollBar().isVisible()
    assert not scroll.horizontalScrollBar().isVisible()
    for chair, tile in window.board.tiles.items():
        assert inside(tile, scroll.viewport()), f"chair {chair} is cut off"
        assert_whole(tile)
    assert window.board.tiles[3].mark.text() == "▲ ALARM"
    assert window.board.tiles[2].clock.text() == "PAUSED"
    assert window.board.tiles[3].need.text().startswith("Act now")
    more = window.board.tiles[3].more[0].text()
    assert more.startswith("2 more: "), more  # how many more are owed, and the next of them


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_the_lock_screen_shows_twelve_busy_chairs_whole_above_the_sign_in(
    qtbot: QtBot, twelve_chairs: MainWindow, size: tuple[int, int]
):
    window = twelve_chairs
    window.controller.lock()
    settle(qtbot, window, *size)
    lock = window.lock_screen
    for tile in lock.grid.tiles.values():
        assert inside(tile, lock)
        assert_whole(tile)
    assert inside(lock.go, lock)
    assert lock.grid.geometry().bottom() < lock.form.geometry().top()


def test_a_number_key_opens_a_chair_and_esc_comes_back_to_its_tile(
    nurse: Nurse, window: MainWindow, care: Care, database, patient, nurses
):
    first, _ = nurses
    prepare(care, patient, nurses, chair=2)
    nurse.on_duty(first)
    viewed = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]
    assert not viewed  # the board shows the tile, not the record
    nurse.qtbot.keyClick(window.board, Qt.Key.Key_2)
    assert not window.board_showing
    assert nurse.sees("Chair 2 title")
    viewed = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]
    assert len(viewed) == 1
    nurse.qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.board_showing
    assert window.board.tiles[2].hasFocus()
    nurse.qtbot.keyClick(window.board.tiles[2], Qt.Key.Key_Left)
    assert window.board.tiles[1].hasFocus()
    nurse.qtbot.keyClick(window.board.tiles[1], Qt.Key.Key_Return)
    assert nurse.sees("Chair 1 title")


def test_a_form_left_for_the_board_is_as_it_was_on_coming_back(nurse: Nurse, window: MainWindow, care, patient, nurses):
    first, _ = nurses
    prepare(care, patient, nurses, chair=1)
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.click("Show the vital signs entry")  # ready, the baseline taken: the entry is folded to one line
    nurse.type(care.protocol.vitals[VitalKind.SYSTOLIC].label, "13")
    nurse.click("All chairs")
    assert window.board_showing
    nurse.chair(1)
    assert nurse.find(QLineEdit, care.protocol.vitals[VitalKind.SYSTOLIC].label).text() == "13"


def test_two_chairs_at_once_each_keep_their_own_entries(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses, normal_vitals
):
    """A nurse starts two infusions, is called from one half-way through a vitals set to the other, and
    comes back: each chair's entries land in its own session, and nothing typed is lost."""
    first, _ = nurses
    one = prepare(care, patient, nurses, chair=1)
    two = prepare(care, second_patient(care, first.id), nurses, chair=2)
    nurse.on_duty(first)
    for chair in (1, 2):
        nurse.chair(chair)
        nurse.click("Start infusion")
        nurse.click("All chairs")
    clock.advance(minutes=10)
    window.refresh()
    assert "Vitals due now" in nurse.text("Chair 1 attention")
    assert "Vitals due now" in nurse.text("Chair 2 attention")
    nurse.qtbot.keyClick(window.board, Qt.Key.Key_2)
    systolic = care.protocol.vitals[VitalKind.SYSTOLIC].label
    nurse.type(systolic, "131")  # interrupted here: chair 1 calls
    nurse.qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    nurse.chair(1)
    nurse.enter_vitals(normal_vitals)
    nurse.click("All chairs")
    assert not nurse.sees("Chair 1 vitals") or "due now" not in nurse.text("Chair 1 vitals")
    nurse.chair(2)
    assert nurse.find(QLineEdit, systolic).text() == "131"
    nurse.enter_vitals({kind: value for kind, value in normal_vitals.items() if kind is not VitalKind.SYSTOLIC})
    sets = {sid: [e.payload for e in care.state(sid).events if e.type == E.VITALS] for sid in (one, two)}
    assert [s["values"]["systolic"] for s in sets[one]][-1] == normal_vitals[VitalKind.SYSTOLIC]
    assert [s["values"]["systolic"] for s in sets[two]][-1] == "131"
    assert {e.recorded_by for sid in (one, two) for e in care.state(sid).events[-1:]} == {first.id}
