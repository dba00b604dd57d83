"""The name, version and command Chairside gives of itself: the version is pyproject's, and ``--version`` says it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from core import about

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_the_one_pyproject_declares() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    assert declared == about.VERSION


def test_version_on_the_command_line() -> None:
    shown = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert shown.stdout.strip() == f"Chairside {about.VERSION}"
    assert shown.stderr == ""


def test_messages_name_the_command_as_it_is_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert about.command() == "python main.py"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert about.installed()
    assert about.command() == "chairside"
