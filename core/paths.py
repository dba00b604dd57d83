"""Where Chairside keeps things. Every location comes from here, so tests can point it elsewhere.

The folders follow the platform's conventions (platformdirs); ``CHAIRSIDE_HOME`` moves all of them
under one folder, which tests and the demo use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from core.errors import InputError

APP = "chairside"
ROOT = Path(__file__).resolve().parent.parent


def _home() -> Path | None:
    value = os.environ.get("CHAIRSIDE_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    home = _home()
    return home / "log" if home else Path(platformdirs.user_log_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Things Chairside can always make again (the alarm tones); nothing recorded lives here."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def expanded(path: str | Path, field: str = "path") -> Path:
    """``path`` with a leading ``~`` (or ``~name``) made the home folder it names. A name this computer does
    not know is refused by ``field`` in words: ``Path.expanduser`` raises a bare RuntimeError, which reached
    the person as a crash."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        name = str(path).split("/", 1)[0]
        raise InputError(
            field, f"“{name}” is not a user of this computer, so {path} cannot be found.", "Give the whole path."
        ) from None


def save_folder(chosen: str | None) -> Path:
    """Where a copy saved by hand starts: the workstation's export folder, else the user's documents folder,
    else the home folder (a documents folder that does not exist); never the application's own folder."""
    home = _home()
    for folder in (
        _known(chosen) if chosen else None,
        home / "documents" if home else Path(platformdirs.user_documents_dir()),
    ):
        if folder is not None and folder.is_dir():
            return folder
    return home if home else Path.home()


def _known(chosen: str) -> Path | None:
    try:
        return expanded(chosen)
    except InputError:
        return None  # a folder of a user this computer does not know: the next place is used


def default_database_path() -> Path:
    return data_dir() / "chairside.sqlite"


def demo_database_path() -> Path:
    return data_dir() / "chairside-demo.sqlite"


def resource_path(name: str) -> Path:
    """A file shipped in ``resources/``; refuses names that climb out of it. The one place Chairside finds what
    it ships: beside ``core/`` in a checkout, and in the installed bundle too, whose build puts ``resources/``
    beside its compiled ``core/`` (packaging/chairside.spec). Read only: nothing is ever written there."""
    base = (ROOT / "resources").resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise ValueError(f"resource name escapes the resources folder: {name}")
    return path
