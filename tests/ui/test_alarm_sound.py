"""Alarms are heard as well as seen, whoever is signed in and whether the screen is locked or not."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtMultimedia import QMediaDevices

from core.clock import ManualClock
from core.protocol import VitalKind
from core.services import Care
from tests.ui.conftest import Nurse
from ui.alarm_sound import REPEAT_MS, AlarmPolicy, write_tone
from ui.main_window import MainWindow


def test_a_level_sounds_at_once_then_repeats_and_a_rise_is_not_kept_waiting():
    policy = AlarmPolicy()
    assert policy.due("low", 0) == "low"
    assert policy.due("low", REPEAT_MS["low"] - 1) is None
    assert policy.due("high", REPEAT_MS["low"] - 1) == "high"  # escalation sounds at once
    assert policy.due("high", REPEAT_MS["low"]) is None
    assert policy.due("high", REPEAT_MS["low"] - 1 + REPEAT_MS["high"]) == "high"
    assert policy.due(None, 0) is None
    assert policy.due("high", 1) == "high"  # a new alarm after a quiet spell is not held back


def test_silence_quiets_the_sound_for_its_minutes_then_it_comes_back_at_once():
    policy = AlarmPolicy()
    assert policy.due("high", 0) == "high"
    policy.silence(1_000, minutes=2)
    assert policy.silenced(1_000)
    assert policy.due("high", 60_000) is None
    assert policy.due("high", 1_000 + 120_000) == "high"  # back, without waiting for the next repeat
    assert not policy.silenced(1_000 + 120_000)


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
    assert nurse.text("Locked chair 1 attention") == "ALERT — acknowledge"


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


def test_the_silence_button_quiets_the_sound_but_not_the_board(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, heard, normal_vitals
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    care.record_vitals(ready_session, {**normal_vitals, VitalKind.SPO2: "86"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert heard == ["high"]
    nurse.click("Silence the alarm sound")
    assert "silenced until" in nurse.text("Alarm sound silenced")
    window.alarm_policy.last.clear()  # even a fresh start of the same alarm stays quiet while silenced
    window.refresh()
    assert heard == ["high"]
    assert "ALERT" in window.chair_list.item(0).text()  # the colour and words stay
    window.alarm_policy.silenced_until_ms = 0  # the minutes are over
    window.refresh()
    assert heard == ["high", "high"] and not nurse.sees("Alarm sound silenced")
