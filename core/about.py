"""What Chairside is called, which version this is, and how a person starts it here.

The version is the one ``pyproject.toml`` declares (a test holds the two equal): it is read from this module,
not from installed package metadata, because neither a checkout nor the bundle installs Chairside as a Python
package. Messages that tell a person what to type name the command as it is run on this workstation: from a
checkout ``python main.py``, installed ``chairside`` (the bundle's launcher).
"""

from __future__ import annotations

import sys

NAME = "Chairside"
VERSION = "0.2.0"
INSTALLED_COMMAND = "chairside"
CHECKOUT_COMMAND = "python main.py"


def installed() -> bool:
    """Running from the bundle (PyInstaller sets ``sys.frozen``), not from a checkout."""
    return bool(getattr(sys, "frozen", False))


def command() -> str:
    """What a person types to run Chairside's commands here."""
    return INSTALLED_COMMAND if installed() else CHECKOUT_COMMAND


def name_and_version() -> str:
    return f"{NAME} {VERSION}"
