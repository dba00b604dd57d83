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
    assert policy.due("advise", 0) == "advise"
    assert policy.due("advise", REPEAT_MS["advise"] - 1) is None
    assert policy.due("act", REPEAT_MS["advise"] - 1) == "act"  # escalation sounds at once
    assert policy.due("act", REPEAT_MS["advise"]) is None
    assert policy.due("act", REPEAT_MS["advise"] - 1 + REPEAT_MS["act"]) == "act"
    assert policy.due(None, 0) is None
    assert policy.due("act", 1) == "act"  # a new alarm after a quiet spell is not held back


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
    window.controller.lock()
    window.refresh()
    assert window.screens.currentWidget() is window.lock_screen
    assert heard and heard[-1] == "act"
    assert nurse.text("Locked chair 1 attention") == "ALERT — acknowledge"


def test_vitals_due_are_heard_quietly_and_nothing_sounds_when_all_is_well(
    window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, heard
):
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    assert heard == []
    clock.advance(minutes=10)  # the 10-minute set is due
    window.refresh()
    assert heard == ["advise"]


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
    assert "on screen only" in nurse.text("Sound unavailable")
