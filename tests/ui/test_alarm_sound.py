"""Alarms are heard as well as seen, whoever is signed in and whether the screen is locked or not."""

from __future__ import annotations

import wave
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QLabel

from core import audit
from core.alarms import REPEAT_MS, Alarm, AlarmPolicy
from core.attention import Need, Priority
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.protocol import VitalKind
from tests.helpers.window import Nurse
from ui.alarm_sound import write_tone
from ui.main_window import MainWindow
from ui.text import clock_time

HIGH = Need("Act now — SpO2 86 at or below 91 %", Priority.HIGH)
DUE = Need("Vital signs due", Priority.LOW)
OVERDUE = Need("Vital signs overdue", Priority.MEDIUM)


def test_an_alarm_sounds_at_once_then_on_its_repeat_and_a_new_one_is_not_kept_waiting():
    policy = AlarmPolicy()
    due = (Alarm(1, DUE),)
    assert policy.due(due, 0) == "low"
    assert policy.due(due, REPEAT_MS[Priority.LOW] - 1) is None
    assert policy.due((Alarm(1, OVERDUE),), 1_000) == "medium"  # the chair needs more: at once
    assert policy.due((Alarm(1, OVERDUE), Alarm(2, DUE)), 2_000) == "medium"  # another chair: at once
    assert policy.due((Alarm(1, OVERDUE), Alarm(2, DUE)), 3_000) is None
    assert policy.due((Alarm(1, OVERDUE), Alarm(2, DUE)), 2_000 + REPEAT_MS[Priority.MEDIUM]) == "medium"
    assert policy.due((), 40_000) is None
    assert policy.due((Alarm(1, OVERDUE),), 41_000) == "medium"  # ended and back: new again


def test_silence_covers_the_alarms_sounding_then_and_a_new_one_still_sounds():
    policy = AlarmPolicy()
    first = (Alarm(1, HIGH),)
    assert policy.due(first, 0) == "high"
    acknowledged = policy.silence(policy.audible(first, 1_000), 1_000, minutes=2)
    assert acknowledged == frozenset(first)
    assert policy.silenced(1_000)
    assert policy.due(first, 60_000) is None
    both = (Alarm(1, HIGH), Alarm(2, DUE))
    assert policy.due(both, 61_000) == "low"  # chair 2 is not covered by chair 1's silence
    assert policy.audible(both, 61_000) == (Alarm(2, DUE),)
    assert policy.due(first, 1_000 + 120_000) == "high"  # the minutes are over: back at once
    assert not policy.silenced(1_000 + 120_000)


def test_a_second_silence_adds_to_the_first_and_a_new_alert_on_a_silenced_chair_still_sounds():
    policy = AlarmPolicy()
    one, two = Alarm(1, Need("Act now — SpO2 86 at or below 91 %", Priority.HIGH, "a")), Alarm(2, DUE)
    assert policy.due((one,), 0) == "high"
    policy.silence((one,), 1_000, minutes=2)
    assert policy.due((one, two), 2_000) == "low"
    policy.silence((two,), 3_000, minutes=2)
    assert policy.audible((one, two), 4_000) == ()  # chair 1 stays silenced: the second silence adds to it
    assert policy.silenced_chairs(4_000) == [1, 2]
    again = Alarm(1, Need("Act now — SpO2 86 at or below 91 %", Priority.HIGH, "b"))  # a second act-now set on chair 1
    assert policy.due((one, again, two), 5_000) == "high"
    assert policy.audible((one, two), 1_000 + 120_000) == (one,)  # chair 1's own minutes are over first


def test_the_tones_are_short_plain_wav_files(tmp_path: Path):
    path = write_tone(tmp_path / "act.wav", 880, 3, 150, 100)
    with wave.open(str(path)) as tone:
        seconds = tone.getnframes() / tone.getframerate()
    assert (tone.getnchannels(), tone.getsampwidth()) == (1, 2)
    assert seconds == pytest.approx(0.75, abs=0.01)


@pytest.fixture
def heard(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    played: list[str] = []

    def play(level: str) -> bool:
        played.append(level)
        return True

    monkeypatch.setattr(window.alarm, "play", play)
    return played


def test_an_act_now_reading_is_heard_while_the_screen_is_locked(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, heard, normal_vitals
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    care.record_vitals(ready_session, {**normal_vitals, VitalKind.SPO2: "86"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.controller.lock()
    window.refresh()
    assert window.screens.currentWidget() is window.lock_screen
    assert heard and heard[-1] == "high"
    assert nurse.text("Locked chair 1 attention") == "Act now — SpO2 86 at or below 91 %"


def test_vitals_due_are_heard_quietly_and_nothing_sounds_when_all_is_well(
    window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, heard
):
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    assert heard == []
    clock.advance(minutes=10)  # the 10-minute set is due
    window.refresh()
    assert heard == ["low"]


def test_without_a_sound_device_the_window_says_alarms_are_on_screen_only(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals
):
    if QMediaDevices.audioOutputs():
        pytest.skip("this computer has a sound device")
    care.start_infusion(ready_session, nurses[0].id)
    care.record_vitals(ready_session, {**normal_vitals, VitalKind.SPO2: "86"}, nurses[0].id)
    window.refresh()
    assert "on screen only" in nurse.text("Lock screen sound unavailable")
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    assert "on screen only" in nurse.text("Sound unavailable")


def test_the_silence_button_quiets_the_sound_but_not_the_board_and_is_audited(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    database,
    patient,
    clock: ManualClock,
    ready_session: str,
    nurses,
    heard,
    normal_vitals,
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    care.record_vitals(ready_session, {**normal_vitals, VitalKind.SPO2: "86"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert heard == ["high"]
    nurse.click("Silence the alarm sound")
    until = clock_time(clock.now() + timedelta(minutes=2))
    note = nurse.find(QLabel, "Alarm sound silenced")
    assert note.text() == f"Sound silenced\nuntil {until}"  # short in the bar; the whole of it when read or hovered
    assert f"chair 1 silenced by Ana Reyes until {until}" in note.accessibleDescription() == note.toolTip()
    (line,) = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.ALARM_SILENCED]
    assert (line.actor_id, line.session_id) == (first.id, ready_session)
    (alert,) = care.state(ready_session).open_alerts
    assert line.detail == {
        "chair": 1,
        "priority": "high",
        "need": "Act now — SpO2 86 at or below 91 %",
        "need_key": alert.event_id,  # the alert's own entry: a report finds its acknowledgement by it
        "minutes": 2,
    }
    clock.advance(seconds=30)
    window.refresh()
    assert heard == ["high"]
    assert "▲ ALARM: Act now — SpO2 86" in window.chair_list.item(0).text()  # the colour and words stay
    assert not nurse.sees("Silence the alarm sound")  # nothing left to silence
    window.controller.lock()
    assert nurse.sees("Lock screen alarm silenced")  # the next nurse to look knows it is silenced
    window.alarm_policy.silenced_until = dict.fromkeys(window.alarm_policy.silenced_until, 0)  # minutes over
    window.refresh()
    assert heard == ["high", "high"] and not nurse.sees("Lock screen alarm silenced")
