"""Colours, sizes and the one style sheet: calm, high contrast, targets big enough for gloved hands."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from core.paths import resource_path

TICK = resource_path("icons/check.svg").as_posix()

INK = "#1b1f24"
PAPER = "#ffffff"
BACKGROUND = "#f4f5f7"
LINE = "#c9ced6"
ACCENT = "#1d5fa6"
AMBER = "#8a5300"
AMBER_BG = "#fff3dc"
RED = "#a4001d"
RED_BG = "#fde8eb"
GREEN = "#1e6b34"
BLUE_BG = "#e3edf8"
HINT = "#4a5260"
MUTED = "#8b94a1"  # borders and disabled text
TECHNICAL_BG = "#e6e8ec"  # a technical alarm's tile: neither the patient's red nor amber
PRIORITY_BG = {"high": RED_BG, "medium": AMBER_BG, "low": BLUE_BG}
"""The board's colour for each alarm priority (core.attention.Priority values)."""
PRIORITY_TONE = {"high": "act", "medium": "advise", "low": "notice"}

TARGET = 48  # minimum height of anything a nurse presses or types into, in pixels
MAIN_TARGET = 64  # the height of a screen's main action, and of choices that change care (a side-effect grade)

SHEET = f"""
QWidget {{ color: {INK}; font-size: 15px; }}
QMainWindow, QScrollArea, QScrollArea > QWidget > QWidget, QStackedWidget {{ background: {BACKGROUND}; }}
QDialog {{ background: {BACKGROUND}; }}
/* A min-height is the control's inside: TARGET less its padding and border, so the whole is TARGET tall. */
QLineEdit, QComboBox, QPushButton {{ min-height: {TARGET - 6}px; padding: 2px 10px; font-size: 16px; }}
/* A thicker border (focus, or refused) takes its extra pixel from the padding: nothing below moves. */
QLineEdit, QComboBox {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 4px; }}
QLineEdit:focus, QComboBox:focus {{ border: 2px solid {ACCENT}; padding: 1px 9px; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ padding: 1px 9px; }}
QLineEdit:disabled {{ background: {BACKGROUND}; color: #6b7280; }}
QComboBox QAbstractItemView {{ background: {PAPER}; selection-background-color: {ACCENT}; }}
QPushButton {{ background: {PAPER}; border: 1px solid {MUTED}; border-radius: 6px; padding: 4px 16px;
    min-height: {TARGET - 8}px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:disabled {{ color: {MUTED}; border-color: {LINE}; background: {BACKGROUND}; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton[role="primary"]:disabled {{ background: #a9bcd3; border-color: #a9bcd3; color: white; }}
QPushButton[role="danger"] {{ color: {RED}; border-color: {RED}; }}
QPushButton[role="danger"]:disabled {{ color: {MUTED}; border-color: {LINE}; background: {BACKGROUND}; }}
QRadioButton, QCheckBox {{ min-height: {TARGET}px; spacing: 10px; font-size: 16px; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: 26px; height: 26px; background: {PAPER};
    border: 2px solid #5b6573; }}
QCheckBox::indicator {{ border-radius: 4px; }}
QRadioButton::indicator {{ border-radius: 15px; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; image: url({TICK}); }}
QRadioButton::indicator:checked {{ background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5,
    stop:0 {ACCENT}, stop:0.55 {ACCENT}, stop:0.6 {PAPER}); border-color: {ACCENT}; }}
QPushButton[main="true"] {{ min-height: {MAIN_TARGET - 8}px; font-size: 18px; }}
QPushButton[role="choice"] {{ min-width: 96px; }}
QPushButton[role="choice"][compact="true"] {{ min-width: 60px; padding: 2px 8px; min-height: {TARGET - 6}px; }}
QPushButton[role="choice"][narrow="true"] {{ min-width: 60px; padding: 4px 8px; }}
QPushButton[role="choice"]:checked {{ background: {ACCENT}; color: white; border-color: {ACCENT}; font-weight: 600; }}
QPushButton[tall="true"] {{ min-height: {MAIN_TARGET - 10}px; }}
QPushButton[role="grade"] {{ min-height: {MAIN_TARGET - 8}px; padding: 2px 8px; font-size: 15px; }}
QPushButton[role="grade"]:checked {{ background: {ACCENT}; color: white; border: 2px solid {ACCENT}; }}
QPushButton[role="grade"][danger="true"] {{ color: {RED}; border: 2px solid {RED}; }}
QPushButton[role="grade"][danger="true"]:checked {{ background: {RED}; color: white; }}
QPushButton[role="choice"][stops="true"]:checked {{ background: {RED}; color: white; border-color: {RED}; }}
QFrame[role="choices"][stops="true"] {{ background: {RED_BG}; border: 2px solid {RED}; }}
QCheckBox[contradicted="true"] {{ color: {RED}; }}
QPushButton[role="grade"]:focus {{ border: 3px dashed {INK}; }}
QGroupBox {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 6px; margin-top: 14px;
            padding: 14px 10px 10px 10px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QListWidget {{ background: {PAPER}; border: 1px solid {LINE}; font-size: 16px; }}
QMenu {{ background: {PAPER}; border: 1px solid {MUTED}; font-size: 16px; padding: 4px 0; }}
QMenu::item {{ padding: 15px 32px 15px 20px; }}
QMenu::item:selected {{ background: #cfe0f3; color: {INK}; }}
QMenu::item:disabled {{ color: {MUTED}; }}
QMenu::separator {{ height: 1px; background: {LINE}; margin: 6px 12px; }}
QFrame[role="choices"] {{ border: 2px solid transparent; border-radius: 6px; }}
QListWidget {{ selection-background-color: #cfe0f3; selection-color: {INK}; outline: none; }}
QLabel[role="title"] {{ font-size: 22px; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: 18px; font-weight: 600; }}
QLabel[role="hint"] {{ color: {HINT}; }}
QLabel[role="figure"] {{ font-size: 34px; font-weight: 700; }}
QLabel[role="arithmetic"] {{ font-family: "DejaVu Sans Mono", monospace; font-size: 18px; }}
QLabel[tone="error"], QLabel[tone="act"] {{ color: {RED}; background: {RED_BG}; border: 1px solid {RED};
    border-radius: 4px; font-weight: 600; }}
QLabel[tone="advise"] {{ color: {AMBER}; background: {AMBER_BG}; border: 1px solid #e0a848;
    border-radius: 4px; font-weight: 600; }}
QLabel[tone="notice"] {{ color: {ACCENT}; background: {BLUE_BG}; border: 1px solid {ACCENT}; }}
QLabel[tone="saved"] {{ color: {GREEN}; font-weight: 600; }}
QLabel[tone="quiet"] {{ color: {HINT}; }}
QFrame[role="banner-act"] {{ background: {RED_BG}; border: 2px solid {RED}; border-radius: 6px; }}
QFrame[role="banner-advise"] {{ background: {AMBER_BG}; border: 2px solid #e0a848; border-radius: 6px; }}
QFrame[role="card"] {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 6px; }}
QFrame[role="card"] QLabel, QGroupBox QLabel, QGroupBox QRadioButton, QGroupBox QCheckBox {{ background: transparent; }}
QFrame[role="banner-act"] QLabel, QFrame[role="banner-advise"] QLabel {{ background: transparent; border: none; }}
QFrame[role="patient-banner"] {{ background: {PAPER}; border: 2px solid {INK}; border-radius: 6px; }}
QFrame[role="patient-banner"] QLabel {{ background: transparent; }}
QFrame[role="patient-banner"] QLabel[tone] {{ border: none; }}
QFrame[role="patient-banner"] QLabel[role="tile-mark"] {{ border: 2px solid; border-radius: 4px; }}
QLabel[role="banner-ids"] {{ font-size: 16px; }}
QFrame[role="banner-clock"] {{ background: {BLUE_BG}; border: 1px solid {ACCENT}; border-radius: 6px; }}
QFrame[role="banner-clock"][state="low"] {{ border: 3px solid {ACCENT}; }}
QFrame[role="banner-clock"][state="medium"] {{ background: {AMBER_BG}; border: 3px solid #e0a848; }}
QFrame[role="banner-clock"][state="high"] {{ background: {RED_BG}; border: 3px solid {RED}; }}
QFrame[role="banner-clock"][state="medium"] QLabel {{ color: {AMBER}; }}
QFrame[role="banner-clock"][state="high"] QLabel {{ color: {RED}; }}
QLabel[role="banner-caption"] {{ font-size: 14px; font-weight: 600; }}
QLabel[role="banner-countdown"] {{ font-size: 48px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; }}
QPushButton[role="task"] {{ font-size: 16px; }}
QPushButton[role="task"]:checked {{ background: {ACCENT}; color: white; border-color: {ACCENT}; font-weight: 600; }}
QPushButton[role="task"][due="notice"] {{ border: 3px solid {ACCENT}; }}
QPushButton[role="task"][due="advise"] {{ border: 3px solid #e0a848; }}
QPushButton[role="task"][due="act"] {{ border: 3px solid {RED}; }}
QFrame[role="separator"] {{ background: {LINE}; }}
QFrame[role="action-bar"] {{ border-top: 1px solid {LINE}; }}
QFrame[role="tile"] {{ background: {PAPER}; border: 2px solid {LINE}; border-radius: 8px; }}
QFrame[role="tile"][priority="high"] {{ background: {RED_BG}; border: 4px solid {RED}; }}
QFrame[role="tile"][priority="medium"] {{ background: {AMBER_BG}; border: 4px solid #e0a848; }}
QFrame[role="tile"][priority="low"] {{ background: {BLUE_BG}; border: 2px solid {ACCENT}; }}
QFrame[role="tile"][focused="true"] {{ border: 4px dashed {INK}; }}
QLabel[role="tile-clock"] {{ font-size: 40px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; }}
QLabel[role="tile-clock-small"] {{ font-size: 30px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; }}
QLabel[role="tile-clock"][paused="true"], QLabel[role="tile-clock-small"][paused="true"] {{ color: {ACCENT};
    font-size: 30px; }}
/* A paused clock wears the chair's one priority, as the badge and the lines do (never a colour of its own). */
QLabel[role="tile-clock"][paused="true"][priority="high"],
    QLabel[role="tile-clock-small"][paused="true"][priority="high"] {{ color: {RED}; }}
QLabel[role="tile-clock"][paused="true"][priority="medium"],
    QLabel[role="tile-clock-small"][paused="true"][priority="medium"] {{ color: {AMBER}; }}
QLabel[role="tile-next"] {{ font-size: 19px; font-weight: 700; }}
QLabel[role="tile-next-small"] {{ font-size: 16px; font-weight: 700; }}
QFrame[role="tile"][paused="true"] {{ border-style: dashed; }}
QFrame[role="tile"] QLabel[tone] {{ border: none; background: transparent; }}
QFrame[role="tile"] QLabel[role="tile-mark"] {{ border: 2px solid; border-radius: 4px; background: {PAPER}; }}
/* A technical alarm (equipment, software) is told apart from the patient's: a grey fill under the priority's
   double border, an inverted mark, its lines in ink; the patient's colour fill is kept for the patient. */
QFrame[role="tile"][kind="technical"] {{ border-style: double; border-width: 6px; background: {TECHNICAL_BG}; }}
QFrame[role="tile"] QLabel[kind="technical"] {{ color: {INK}; }}
QFrame[role="tile"][kind="technical"][focused="true"] {{ border: 6px dashed {INK}; }}
QFrame[role="tile"] QLabel[role="tile-mark"][kind="technical"] {{ background: {INK}; color: {PAPER}; }}
QLabel[role="tile-mark"][kind="technical"] {{ background: {INK}; color: {PAPER}; }}
QFrame[role="banner-act"][kind="technical"], QLabel[tone="act"][kind="technical"] {{ border-style: double;
    border-width: 6px; }}
QLabel[role="wall-clock"] {{ font-size: 26px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; }}
*[invalid="true"], QFrame[role="choices"][invalid="true"] {{ border: 2px solid {RED}; }}
"""


def apply(app: QApplication) -> None:
    app.setStyleSheet(SHEET)


def mark(widget: QWidget, name: str, value: str | bool | None) -> None:
    """Set a style property and re-apply the sheet so the change shows at once. A widget not yet polished
    (being built, not shown yet) takes the property alone: its first polish reads it, and re-applying the
    sheet to each widget as a window is built cost every start a fifth of a second."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return
    widget.style().unpolish(widget)
    widget.style().polish(widget)
