"""Says a message to a screen reader without moving the focus from what the nurse is doing.

A label that changes is not read out unless it has the focus, and taking the focus would pull the nurse
away from the field she is typing in. Qt's announcement event asks the screen reader to speak the words
instead: assertively (at once, interrupting) for an act-now alarm, politely (after what it is saying)
for an error message.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

Politeness = QAccessible.AnnouncementPoliteness


class Announcements(QObject):
    """What was announced, as it is announced, for anyone who wants to follow: the tests listen here."""

    made = Signal(str, bool)
    """The words and whether they were urgent (assertive)."""


announcements = Announcements()


def announce(source: QObject, text: str, *, urgent: bool = False) -> None:
    """``source`` is the widget the words belong to (the message line, the alarm panel, the window)."""
    if not text:
        return
    event = QAccessibleAnnouncementEvent(source, text)
    event.setPoliteness(Politeness.Assertive if urgent else Politeness.Polite)
    QAccessible.updateAccessibility(event)
    announcements.made.emit(text, urgent)
