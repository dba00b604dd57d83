"""What the commands print: every line a terminal can show, whatever a record or an argument held."""

from __future__ import annotations


def showable(text: str) -> str:
    """Text a terminal can print: a character that cannot be encoded (a lone surrogate) becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def say(line: str) -> None:
    print(showable(line), flush=True)
