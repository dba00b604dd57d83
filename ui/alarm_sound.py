"""The alarm tones: what the board shows as needing a nurse is also heard, locked or not.

One tone and pattern per priority (core.attention): high, a rapid high triple beep; medium, a
double beep; low, one soft beep. When each sounds and repeats, and what silencing covers, is decided
in core.alarms; this module only makes and plays the tones. They are made here as small WAV files,
so nothing binary is shipped. Sound can fail (no audio device, no sound library on the system): then
nothing stops, and the window says that alarms are on screen only.

Qt Multimedia is loaded, and the tones made, by ``prepare()``: the main window calls it once the board is
on screen (some 25 ms a start need not wait for), and ``play()`` calls it first whenever a tone is asked
for sooner, so an alarm is never skipped for a sound not yet ready.
"""

from __future__ import annotations

import io
import logging
import math
import sys
from array import array
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

RATE = 22_050
TONES = {  # priority: (frequency Hz, beeps, beep ms, gap ms)
    "high": (880, 3, 150, 100),
    "medium": (659, 2, 220, 180),
    "low": (523, 1, 300, 0),
}
NO_SOUND = "Sound is not available on this computer: alarms are shown on screen only."


def tone_bytes(frequency: int, beeps: int, beep_ms: int, gap_ms: int) -> bytes:
    """A plain 16-bit mono WAV: beeps with short fades, so they click neither on nor off."""
    beep, gap, fade = RATE * beep_ms // 1000, RATE * gap_ms // 1000, RATE // 200
    step = 2 * math.pi * frequency / RATE
    one = array("h", (int(12_000 * min(1.0, i / fade, (beep - i) / fade) * math.sin(step * i)) for i in range(beep)))
    if sys.byteorder == "big":
        one.byteswap()  # WAV samples are little-endian
    frames = (one.tobytes() + b"\0\0" * gap) * beeps  # each beep alike: worked out once
    import wave  # the tones are made once the board is painted (settle), not at start

    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(frames)
    return out.getvalue()


def write_tone(path: Path, frequency: int, beeps: int, beep_ms: int, gap_ms: int) -> Path:
    """The tone's file, written only when it is not there as it should be (not at every start)."""
    wanted = tone_bytes(frequency, beeps, beep_ms, gap_ms)
    try:
        if path.read_bytes() == wanted:
            return path
    except OSError:
        pass  # not there yet, or unreadable: written below
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wanted)
    return path


class AlarmSound(QObject):
    unavailable = Signal(str)
    """A tone that had started could not play after all (said once); nothing else changes."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self._folder = folder
        self._told = False
        self.ready = False
        """Whether ``prepare()`` has run: Qt Multimedia loaded (if it can be) and the tones made."""
        self.effects: dict[str, QSoundEffect] = {}

    def prepare(self) -> None:
        """Load Qt Multimedia and make the tones, once; without the system's sound library (libpulse) Qt
        Multimedia cannot load, and then no tone is made (``play()`` says so)."""
        if self.ready:
            return
        self.ready = True
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            return
        for level, tone in TONES.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(write_tone(self._folder / f"{level}.wav", *tone))))
            effect.statusChanged.connect(self._check)
            self.effects[level] = effect

    def play(self, level: str) -> bool:
        """Start the tone, the sound made ready first if it is not yet; False when it cannot sound here (the
        caller then says so on screen)."""
        self.prepare()
        effect = self.effects.get(level)
        if effect is None:
            problem = "Qt Multimedia could not be loaded"
        elif not _audio_outputs():
            problem = "the computer has no audio output"
        elif effect.status() is type(effect).Status.Error:
            problem = "no audio device accepted the alarm tone"
        else:
            effect.play()
            return True
        self._cannot(problem)
        return False

    def _check(self) -> None:
        if any(effect.status() is type(effect).Status.Error for effect in self.effects.values()):
            self._cannot("no audio device accepted the alarm tone")

    def _cannot(self, why: str) -> None:
        if not self._told:
            self._told = True
            log.warning("alarm sound unavailable: %s", why)
            self.unavailable.emit(NO_SOUND)


def _audio_outputs() -> list:
    """The computer's audio outputs (Qt Multimedia is loaded: there is an effect to play)."""
    from PySide6.QtMultimedia import QMediaDevices

    return QMediaDevices.audioOutputs()
