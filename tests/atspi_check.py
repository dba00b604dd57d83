"""What a screen reader gets from the real app, read through the real accessibility bus (AT-SPI).

Run by Debian's own python3, which has ``pyatspi``, inside a D-Bus session (tests/test_atspi.py runs it as
``dbus-run-session -- /usr/bin/python3 tests/atspi_check.py --python .venv/bin/python``). It starts Xvfb and
the app on a temporary demo database with Qt's AT-SPI bridge on, then, as Orca would: reads the sign-in
screen and the caption the password field is labelled by, types a wrong password (keys through X, as a
keyboard does) and reads the error and its announcement, watching every ``object:text-changed`` event for
the typed password; signs in, reads the board's countdowns, opens a chair and reads the patient header, its
countdown and the caption of each dropdown (on Linux Qt names a dropdown by its value: only the caption it
is the buddy of says what it is for). It prints one JSON object of what it found and exits 0 when
everything held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyatspi
from gi.repository import GLib

ROOT = Path(__file__).resolve().parent.parent
USER = "kwame"
PASSWORD = "demo lantern harbour 2026"  # the demo's published password (cli/demo.py)
WRONG = "wrong harbour 1999"
COUNTDOWN = re.compile(r"\b\d{1,3}:\d\d\b")


class Bus:
    """Events as they come, and the app's accessible tree, with the main loop pumped while waiting."""

    def __init__(self) -> None:
        self.text_changes: list[tuple[str, str, str]] = []
        self.announcements: list[str] = []
        pyatspi.Registry.registerEventListener(self._text, "object:text-changed")
        pyatspi.Registry.registerEventListener(self._announced, "object:announcement")

    def _text(self, event) -> None:
        self.text_changes.append((event.type, str(event.any_data), event.source.name if event.source else ""))

    def _announced(self, event) -> None:
        self.announcements.append(str(event.any_data))

    @staticmethod
    def pump(seconds: float) -> None:
        context = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            while context.pending():
                context.iteration(False)
            time.sleep(0.05)

    def wait_for(self, find, seconds: float = 30):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            found = find()
            if found:
                return found
            self.pump(0.3)
        return None


def app_root():
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        child = desktop.getChildAtIndex(index)
        if child is not None and child.name == "Chairside":
            return child
    return None


def showing(acc, out: list | None = None) -> list:
    """Every showing object under ``acc``: (role, name, description, object)."""
    out = [] if out is None else out
    try:
        if not acc.getState().contains(pyatspi.STATE_SHOWING):
            return out
        out.append((acc.getRoleName(), acc.name or "", acc.description or "", acc))
        for index in range(acc.childCount):
            showing(acc.getChildAtIndex(index), out)
    except Exception:
        pass
    return out


def find(role: str | None, name: str | None = None, description: str | None = None):
    root = app_root()
    for r, n, d, acc in showing(root) if root is not None else []:
        if role in (None, r) and (name is None or n == name) and (description is None or d == description):
            return acc
    return None


def labelled_by(acc) -> list[str]:
    """The captions a screen reader names ``acc`` by: the labels it is the buddy of."""
    names = []
    for relation in acc.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            names += [relation.getTarget(index).name for index in range(relation.getNTargets())]
    return names


def xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True, timeout=30)


def type_into(bus: Bus, display: str, field, text: str) -> None:
    field.queryComponent().grabFocus()
    bus.pump(0.5)
    xdotool(display, "type", "--delay", "30", text)
    xdotool(display, "key", "Return")
    bus.pump(2)


def check(python: str, home: Path, display: str) -> dict:
    env = {**os.environ, "CHAIRSIDE_HOME": str(home), "DISPLAY": display, "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1"}
    env.pop("QT_QPA_PLATFORM", None)
    subprocess.run(
        [python, "main.py", "demo", "--fill-only"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )
    bus = Bus()
    app = subprocess.Popen(
        [python, "main.py", "demo"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    found: dict = {}
    try:
        user = bus.wait_for(lambda: find("text", "User name"), 240)  # a machine busy with other work is slow
        password = find("password text", "Password or PIN")
        found["sign_in_fields"] = [user is not None, password is not None]
        if user is None or password is None:
            return found
        found["password_captioned"] = labelled_by(password)
        search = ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Chairside"]
        window = subprocess.run(search, check=True, env=env, capture_output=True, text=True, timeout=30).stdout.split()
        xdotool(display, "windowfocus", "--sync", window[0])
        type_into(bus, display, user, USER)
        type_into(bus, display, password, WRONG)
        message = bus.wait_for(lambda: find("label", description="Sign-in message"), 10)
        found["error_read"] = message.name if message is not None else None
        found["error_announced"] = [text for text in bus.announcements if text and text == found["error_read"]]
        typed = "".join(d for kind, d, name in bus.text_changes if name == "User name" and kind.endswith("insert"))
        found["user_name_typed_heard"] = USER in typed  # one event per key
        type_into(bus, display, find("password text", "Password or PIN"), PASSWORD)
        board = bus.wait_for(
            lambda: [
                (n, d)
                for r, n, d, _ in showing(app_root())
                if r == "label" and d.endswith("time left") and COUNTDOWN.search(n)
            ],
            30,
        )
        found["countdowns_read"] = board or []
        chair = board[0][1].removesuffix(" time left") if board else "none"
        tile = find(None, chair)  # the tile of the first chair whose countdown runs: Enter opens it
        if tile is not None:
            tile.queryComponent().grabFocus()
            bus.pump(0.5)
            xdotool(display, "key", "Return")
            header = bus.wait_for(lambda: find("label", description="Patient"), 15)
            found["patient_header_read"] = header.name if header is not None else None
            countdowns = ("Time left", "Observation time left")  # the demo's first running chair may be in either
            time_left = bus.wait_for(
                lambda: next(filter(None, (find("label", description=d) for d in countdowns)), None), 10
            )
            found["chair_countdown_read"] = time_left.name if time_left is not None else None
            dropdowns = [(name, acc) for role, name, _, acc in showing(app_root()) if role == "combo box"]
            found["dropdowns_captioned"] = [(name, labelled_by(acc)) for name, acc in dropdowns]
        found["password_leaks"] = [
            (kind, data) for kind, data, _ in bus.text_changes if any(s in data for s in (WRONG, PASSWORD, "harbour"))
        ]
        found["password_field_events"] = [(k, d) for k, d, n in bus.text_changes if n == "Password or PIN"]
        found["text_change_sources"] = sorted({n for _, _, n in bus.text_changes})
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
    return found


def held(found: dict) -> bool:
    return bool(
        found.get("sign_in_fields") == [True, True]
        and found.get("error_read")
        and found.get("error_announced")
        and found.get("user_name_typed_heard")  # the listener works: a plain field's typing is heard
        and found.get("countdowns_read")
        and found.get("patient_header_read")
        and COUNTDOWN.search(found.get("chair_countdown_read") or "")
        and not found.get("password_leaks")
        and not found.get("password_field_events")
        and "Password" in found.get("password_captioned", [])
        and found.get("dropdowns_captioned")
        and all(captions for _, captions in found["dropdowns_captioned"])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="the project's Python (the .venv's), which runs the app")
    arguments = parser.parse_args()
    display = f":{90 + os.getpid() % 400}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(1.5)
        with tempfile.TemporaryDirectory() as home:
            found = check(arguments.python, Path(home), display)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    print(json.dumps(found, default=str, ensure_ascii=False))
    return 0 if held(found) else 1


if __name__ == "__main__":
    sys.exit(main())
