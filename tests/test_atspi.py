"""The app through the real accessibility bus, as a screen reader reads it (tests/atspi_check.py does the
reading with Debian's python3-pyatspi). Skipped only where those system packages are missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("atspi_check.py")


def missing() -> list[str]:
    tools = [tool for tool in ("dbus-run-session", "Xvfb", "xdotool") if shutil.which(tool) is None]
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        tools.append("at-spi2-core")
    if not Path(SYSTEM_PYTHON).exists():
        return [*tools, "python3"]
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], check=False, capture_output=True)
    if probe.returncode != 0:
        tools.append("python3-pyatspi")
    return tools


@pytest.mark.skipif(bool(missing()), reason=f"system packages missing: {missing()}")
def test_a_screen_reader_hears_the_countdown_the_error_and_the_patient_but_no_password() -> None:
    run = subprocess.run(
        ["dbus-run-session", "--", SYSTEM_PYTHON, str(SCRIPT), "--python", sys.executable],
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, run.stdout + run.stderr[-3000:]
    found = json.loads(lines[-1])
    assert found.get("sign_in_fields") == [True, True], found  # the app's sign-in screen was found at all
    assert found["error_read"].startswith("The user name or password is not right")
    assert found["error_announced"], found
    assert found["user_name_typed_heard"], found  # the listener hears a plain field's typing
    assert found["countdowns_read"], found
    assert found["patient_header_read"], found
    assert found["password_leaks"] == [] and found["password_field_events"] == [], found
    assert found["password_captioned"] == ["Password"], found  # the caption shown, as the field's label
    assert found["dropdowns_captioned"] and all(captions for _, captions in found["dropdowns_captioned"]), found
    assert run.returncode == 0, found
