"""What a screen reader is given, read through Qt's own accessibility interfaces (the offscreen platform has
no AT-SPI bridge; tests/test_atspi.py checks the same through the real bus).

Every control the keyboard can reach has a name; every label that shows something says it (its text is its
accessible name or description, and stays current); errors and new act-now alarms are announced, and an
alarm moves nothing the nurse is typing; the Tab order starts where the screen does.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.care import Care
from core.clock import ManualClock
from core.people import Account
from core.protocol import VitalKind
from tests.ui.test_accessible_names import PAGES, inside_combo
from tests.ui.walk import Places, none_found
from ui.announce import announcements
from ui.board import ChairTile
from ui.dialogs.addendum import AddendumDialog
from ui.main_window import MainWindow
from ui.widgets.forms import combo
from ui.widgets.segmented import Segmented

Name, Description = QAccessible.Text.Name, QAccessible.Text.Description
FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, Segmented)
"""What a nurse fills in or chooses, and so what a caption beside it names."""


def plain(label: QLabel) -> str:
    """What a label shows, as words: rich text without its markup, whitespace run together."""
    document = QTextDocument()
    if label.textFormat() is Qt.TextFormat.RichText or "<" in label.text():
        document.setHtml(label.text())
    else:
        document.setPlainText(label.text())
    return " ".join(document.toPlainText().split())


def said(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None and iface.isValid(), f"no accessible interface for {widget!r}"
    return " ".join(f"{iface.text(Name)} {iface.text(Description)}".split())


def caption_of(box: QComboBox) -> str:
    """On Linux Qt names a dropdown by its current value, whatever its accessible name: its caption reaches
    the screen reader only as the label it is the buddy of (the interface's Label relation)."""
    iface = QAccessible.queryAccessibleInterface(box)
    labels = [other.text(Name) for other, kind in iface.relations() if kind & QAccessible.RelationFlag.Label]
    return " ".join(labels)


def silent_controls(root: QWidget, *, visible_only: bool) -> list[str]:
    """Controls the keyboard can reach whose interface has no name."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or inside_combo(widget):
            continue
        if visible_only and not widget.isVisible():
            continue
        if isinstance(widget, QComboBox):
            named = caption_of(widget)
        else:
            iface = QAccessible.queryAccessibleInterface(widget)
            named = iface.text(Name) if iface is not None else ""
        if not named.strip():
            found.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.window()).__name__}")
    return found


def mute_labels(root: QWidget, *, visible_only: bool) -> list[str]:
    """Labels showing words a screen reader is not given."""
    found = []
    for label in root.findChildren(QLabel):
        if (visible_only and not label.isVisible()) or not plain(label) or inside_combo(label):
            continue
        if plain(label) not in said(label):
            found.append(f"{label.objectName() or label.text()!r} says {said(label)!r}")
    return found


def holder(layout: QLayout, wanted: QWidget | QLayout) -> tuple[QLayout, int] | None:
    """The layout, at any depth under ``layout``, that holds ``wanted`` directly, and its place there."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is wanted or item.layout() is wanted:
            return layout, index
        if item.layout() is not None and (found := holder(item.layout(), wanted)) is not None:
            return found
    return None


def beside(layout: QLayout, index: int) -> list[QLayoutItem | None]:
    """Where a caption of the thing at ``index`` sits: a form row's label; the grid cell to the left, or the
    one above; the item just before it in a row or a column."""
    if isinstance(layout, QFormLayout):
        row, role = layout.getItemPosition(index)
        return [layout.itemAt(row, QFormLayout.ItemRole.LabelRole)] if role is QFormLayout.ItemRole.FieldRole else []
    if isinstance(layout, QGridLayout):
        row, column, _, _ = layout.getItemPosition(index)
        return [layout.itemAtPosition(row, column - 1), layout.itemAtPosition(row - 1, column)]
    return [layout.itemAt(index - 1)] if index else []


def caption_beside(field: QWidget) -> QLabel | None:
    """The words a sighted nurse reads as the field's caption: a plain label (not one that shows
    information) next to it, or next to the row or column the field opens."""
    parent = field.parentWidget()
    if parent is None or parent.layout() is None:
        return None
    wanted: QWidget | QLayout = field
    while (found := holder(parent.layout(), wanted)) is not None:
        layout, index = found
        for item in beside(layout, index):
            caption = item.widget() if item is not None else None
            if isinstance(caption, QLabel) and plain(caption) and not caption.objectName():
                return caption
        if index or layout is parent.layout():
            return None
        wanted = layout
    return None


def loose_captions(root: QWidget) -> list[str]:
    """Visible fields a screen reader does not name by the caption shown beside them: the caption is
    neither the field's buddy nor the field's accessible name (a dropdown's name is its value, so only
    the buddy serves)."""
    found = []
    for field in root.findChildren(QWidget):
        if not isinstance(field, FIELDS) or inside_combo(field):
            continue
        caption = caption_beside(field)
        if caption is None or caption.buddy() is field:
            continue
        if isinstance(field, QComboBox) or QAccessible.queryAccessibleInterface(field).text(Name) != plain(caption):
            found.append(f"{type(field).__name__} {field.accessibleName()!r} under {plain(caption)!r}")
    return found


def unheard(root: QWidget) -> list[str]:
    """Everything showing in ``root`` that a screen reader would not be told, or told wrongly."""
    return silent_controls(root, visible_only=True) + mute_labels(root, visible_only=True) + loose_captions(root)


def next_tab_stop(widget: QWidget) -> QWidget:
    following = widget.nextInFocusChain()
    while not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following


def test_the_sign_in_screen_is_named_and_readable(window: MainWindow) -> None:
    assert silent_controls(window, visible_only=True) == []
    assert mute_labels(window, visible_only=True) == []


def test_every_page_and_the_addendum_dialog_are_named_and_readable(window: MainWindow) -> None:
    panel = window.panel(1)
    for key in PAGES:
        panel.page(key)
    dialog = AddendumDialog(window.controller, window)
    for root in (panel, dialog):
        assert silent_controls(root, visible_only=False) == []
        assert mute_labels(root, visible_only=False) == []


def test_each_step_of_an_infusion_reads_its_countdown_as_it_changes(
    nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    nurse.on_duty(nurses[0])
    assert silent_controls(window, visible_only=True) == [] and mute_labels(window, visible_only=True) == []
    nurse.chair(1)
    window.refresh()
    assert silent_controls(window, visible_only=True) == [] and mute_labels(window, visible_only=True) == []
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    assert silent_controls(window, visible_only=True) == [] and mute_labels(window, visible_only=True) == []

    time_left = nurse.find(QLabel, "Time left")
    before = said(time_left)
    assert time_left.text() in before and "Time left" in before  # the time, then what it is
    clock.advance(timedelta(minutes=3))
    window.refresh()
    assert said(time_left) != before and time_left.text() in said(time_left)


def test_an_error_is_announced_after_the_focus_moves_to_the_field(nurse, window: MainWindow, qtbot: QtBot) -> None:
    heard: list[tuple[str, bool]] = []
    announcements.made.connect(lambda text, urgent: heard.append((text, urgent)))
    nurse.type("User name", "ana")
    nurse.type("Password or PIN", "not her password", enter=True)
    message = nurse.text("Sign-in message")
    assert message and (message, False) in heard
    assert message in said(nurse.find(QLabel, "Sign-in message"))


def test_a_new_act_now_alarm_is_announced_and_moves_nothing_the_nurse_is_typing(
    nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account], normal_vitals
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    care.start_infusion(ready_session, first.id)
    window.refresh()
    nurse.type("Heart rate", "7")
    typing = nurse.find(QLineEdit, "Heart rate")
    assert typing.hasFocus()
    heard: list[tuple[str, bool]] = []
    announcements.made.connect(lambda text, urgent: heard.append((text, urgent)))

    care.record_vitals(ready_session, {**normal_vitals, VitalKind.SPO2: "88"}, first.id)  # another workstation
    window.refresh()

    assert nurse.sees("Alert 1", QLabel)
    assert typing.hasFocus() and typing.text() == "7"
    urgent = [text for text, loud in heard if loud]
    assert urgent == ["Chair 1, high-priority alarm: Act now — SpO2 88 at or below 91 %"]
    assert any("SpO2 88" in text for text, loud in heard if not loud)  # the details, after the urgent words
    window.refresh()
    assert len(heard) == 2  # said once, not at every tick


def test_after_sign_in_the_keyboard_is_on_the_first_chair_and_alarms_come_first(
    nurse, window: MainWindow, nurses: tuple[Account, Account]
) -> None:
    nurse.on_duty(nurses[0])
    focus = window.focusWidget()
    assert isinstance(focus, ChairTile) and focus is window.board.tiles[min(window.board.tiles)]
    assert next_tab_stop(window.silence_button) is window.lock_button
    assert window.silence_button.x() < window.lock_button.x()


def test_a_password_field_tells_its_name_and_nothing_of_what_is_typed(nurse, window: MainWindow) -> None:
    field = nurse.find(QLineEdit, "Password or PIN")
    nurse.type("Password or PIN", "secret words")
    iface = QAccessible.queryAccessibleInterface(field)
    assert iface.text(Name) == "Password or PIN"
    assert iface.state().passwordEdit
    assert iface.textInterface() is None and iface.editableTextInterface() is None
    plain_field = QAccessible.queryAccessibleInterface(nurse.find(QLineEdit, "User name"))
    assert plain_field.textInterface() is not None  # only secrets lose it


def test_every_step_of_a_session_is_named_readable_and_captioned(steps_walked: Places) -> None:
    none_found(steps_walked, unheard)


def test_every_dialog_is_named_readable_and_captioned(dialogs_walked: Places) -> None:
    none_found(dialogs_walked, unheard)


def test_a_dropdown_is_named_by_its_caption_not_by_what_it_shows(qtbot: QtBot) -> None:
    """The rule the walks rely on, on a page built here: Qt's reading of a dropdown, and the caption test."""
    page = QWidget()
    form = QFormLayout(page)
    loose, tied = (combo(name, [("Female", "F"), ("Male", "M")]) for name in ("Sex", "Route"))
    form.addRow(QLabel("Sex"), loose)
    caption = QLabel("Route")
    caption.setBuddy(tied)
    form.addRow(caption, tied)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert QAccessible.queryAccessibleInterface(loose).text(Name) == "Female"  # not "Sex", on Linux
    assert caption_of(tied) == "Route" and caption_of(loose) == ""
    assert loose_captions(page) == ["QComboBox 'Sex' under 'Sex'"]
