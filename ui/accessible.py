"""What a screen reader may be told about a password field: its name, that it is one, and no more.

Qt's line edit sends every character typed into it, in plain text, to the accessibility bus, whatever
its echo mode: ``QWidgetLineControl::internalInsert`` (qtbase src/widgets/widgets/qwidgetlinecontrol.cpp)
builds its ``QAccessibleTextInsertEvent`` from the typed string itself (likewise ``internalDelete``,
``removeSelectedText`` and ``internalSetText`` with the removed or new text), and on Linux
``AtSpiAdaptor::notify`` (src/gui/accessible/linux/atspiadaptor.cpp) forwards that string as
``object:text-changed`` to every listener on the bus, while only ``getText`` is masked. The adaptor sends
a text event only for an object whose accessible interface has a text interface, so a password field is
given an interface without one: the screen reader still hears its name, that it is a password field and
whether it has the focus, and nobody on the bus hears what is typed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QLineEdit

_installed = False


class PasswordFieldAccessible(QAccessibleWidget):
    """An editable field flagged as a password, with no text interface: no text events, no text."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field, QAccessible.Role.EditableText)

    def state(self) -> QAccessible.State:
        state = super().state()
        state.passwordEdit = True
        return state


def _interface(class_name: str, target: QObject) -> QAccessibleInterface | None:
    """Qt asks this first for each object; anything but a password field gets Qt's own interface."""
    if isinstance(target, QLineEdit) and target.echoMode() is not QLineEdit.EchoMode.Normal:
        return PasswordFieldAccessible(target)
    return None


def keep_secret(field: QLineEdit) -> None:
    """Call once ``field``'s echo mode hides what is typed. A bridge awake before the field was made (a
    window already shown) asked for its interface as it was made and named, while it still echoed, and Qt
    keeps the first interface it gets: that one, which sends each typed character, is dropped, so the next
    question reaches the factory and gets one without text."""
    interface = QAccessible.queryAccessibleInterface(field)
    if interface is not None and interface.textInterface() is not None:
        QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(interface))


def install() -> None:
    """Once per process, before any password field is shown."""
    global _installed  # noqa: PLW0603 (one factory for the application's lifetime)
    if not _installed:
        QAccessible.installFactory(_interface)
        _installed = True
