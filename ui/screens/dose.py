"""Dose: core's calculation for the recorded weight, shown large with its arithmetic, then confirmed.

Baseline vital signs can be taken here too: the infusion cannot start without them. An act-now alert
they raise is acknowledged here, beside them.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.dosing import DoseCalculation, over_soft_limit_words, pump_order, reason_asked
from core.protocol import Vial
from core.session_state import SessionState
from ui.controller import Controller
from ui.style import mark
from ui.text import clock_time
from ui.widgets.action_bar import ActionBar
from ui.widgets.alerts import AlertsPanel
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, choice, label, line_edit, main_action, set_tone
from ui.widgets.panes import Panes
from ui.widgets.vitals_entry import VitalsSlot

COMPACT_FIGURE = "font-size: 22px;"
"""The dose figures a little smaller than elsewhere, so four fit beside a baseline vitals entry that lays its
readings three to a row: the dose and its baseline both fit 1280×800 without a scroll."""
COMPACT_ARITHMETIC = "font-size: 15px;"


def _figure(caption: str, name: str) -> tuple[QWidget, QLabel, QLabel]:
    tile = card()
    column = QVBoxLayout(tile)
    column.setContentsMargins(8, 4, 8, 4)
    column.setSpacing(0)
    column.addWidget(label(caption, role="hint"))
    value = label("—", role="figure", name=name, wrap=False)
    value.setStyleSheet(COMPACT_FIGURE)
    detail = label(role="hint", name=f"{name} detail")
    column.addWidget(value)
    column.addWidget(detail)
    return tile, value, detail


class DosePage(QWidget):
    weigh_again = Signal()
    """The nurse wants to record the weight again (a wrong number or unit)."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._key: tuple[object, ...] = ()
        self._last_event: str | None = None
        self._vtbi = ""
        protocol = controller.protocol
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        self.panes = Panes()  # the figures beside the baseline vitals, or above them on a narrow screen
        layout = self.panes.box
        outer.addWidget(self.panes, 1)

        box = QGroupBox("Dose")
        column = QVBoxLayout(box)
        # The vial is chosen in the pinned action bar, beside "Confirm dose" (see below).
        self.vial = VialChoice(protocol.vials, protocol.preparation.default_vial)
        self.vial.changed.connect(self._preview)

        tiles = QGridLayout()
        tiles.setVerticalSpacing(4)
        dose_tile, self.dose, self.dose_detail = _figure("Dose", "Dose mg")
        draw_tile, self.draw, self.draw_detail = _figure("Draw up", "Volume to draw")
        bag_tile, self.bag, self.bag_detail = _figure("Bag: fluid, final volume", "Bag volume")
        rate_tile, self.rate, self.rate_detail = _figure("Pump rate", "Rate mL/h")
        for index, tile in enumerate((dose_tile, draw_tile, bag_tile, rate_tile)):
            tiles.addWidget(tile, index // 2, index % 2)
        column.addLayout(tiles)
        # Above the soft limit the reason is asked right under the figures it goes ahead with.
        self.override_caption = label("Reason for going above the soft limit (the prescriber's decision):")
        self.override = line_edit("Override reason")
        self.override_caption.setBuddy(self.override)
        self.override.textChanged.connect(lambda _t: self._preview())
        column.addWidget(self.override_caption)
        column.addWidget(self.override)
        self.override_caption.hide()
        self.override.hide()
        self.arithmetic = label(role="arithmetic", name="Dose arithmetic")
        self.arithmetic.setStyleSheet(COMPACT_ARITHMETIC)
        column.addWidget(self.arithmetic)
        self.advisories = label(name="Dose advisories")
        set_tone(self.advisories, "advise")
        self.advisories.hide()
        column.addWidget(self.advisories)

        self.feedback = Feedback("Dose message")
        self.feedback.bind("override_reason", self.override, self.override_caption)
        self.feedback.bind("vial", self.vial)
        column.insertWidget(column.indexOf(self.override_caption), self.feedback)
        column.addStretch(1)
        layout.addWidget(box, 3)

        self.alerts = AlertsPanel(controller)
        self.vitals = VitalsSlot("Baseline vital signs")  # the chair panel moves its vitals entry in
        side = QVBoxLayout()
        side.addWidget(self.alerts)
        side.addWidget(self.vitals)
        side.addStretch(1)
        layout.addLayout(side, 5)  # wide enough for the readings three to a row

        self.actions = ActionBar()  # the step's actions, pinned under the page: the main one largest, on the right
        buttons = self.actions.row
        again = button("Weigh again")
        again.clicked.connect(self.weigh_again.emit)
        self.confirm = main_action(button("Confirm dose", role="primary"))
        self.confirm.clicked.connect(self._confirm)
        buttons.addWidget(again)
        buttons.addWidget(self.vial)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)

    def first_focus(self, _state: SessionState) -> QWidget | None:
        """The figures are read, then confirmed: the keyboard waits on the confirmation."""
        return self.confirm

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self._last_event = state.events[-1].id
        self.alerts.show_state(state)
        if self._key != self._inputs():
            self._preview()
        self._show_end()

    def _show_end(self) -> None:
        """The end clock time if the pump were started now: kept current by the tick, for the nurse
        to plan the chair and tell the patient."""
        minutes = self.controller.protocol.dose.infusion_minutes
        ends = clock_time(self.controller.now() + timedelta(minutes=minutes))
        vtbi = f"{self._vtbi} " if self._vtbi else ""
        self.rate_detail.setText(f"{vtbi}over {minutes} min; started now, ends at {ends}")

    def _inputs(self) -> tuple[object, ...]:
        return (self._last_event, self.vial.value(), self.override.text())

    def _preview(self) -> None:
        """Ask core again whenever the weight, the vial or the reason changed; never on the tick."""
        if self.session_id is None:
            return
        self._key = self._inputs()
        reason = self.override.text() or None
        self._show(self.controller.preview_dose(self.feedback, self.session_id, self.vial.value(), reason))

    def _show(self, calc: DoseCalculation | None) -> None:
        self.confirm.setEnabled(calc is not None)
        if calc is None:
            for value in (self.dose, self.draw, self.bag, self.rate):
                value.setText("—")
            self._vtbi = ""
            self.dose_detail.setText("")
            self.arithmetic.setText("")
            self.advisories.hide()
            return
        if calc.soft_limit_exceeded:
            self.override_caption.show()
            self.override.show()
        # Above the soft limit the figures show at once, marked so, and the reason is asked beside them.
        over = over_soft_limit_words(self.controller.protocol, calc)
        self.dose_detail.setText(over or "")
        set_tone(self.dose_detail, "act" if over else None)
        asked = reason_asked(self.controller.protocol, calc)
        if asked is not None:
            self.feedback.input_error(asked)
        self.dose.setText(f"{calc.dose_mg} mg")
        self.draw.setText(f"{calc.drug_volume_ml} mL")
        self.draw_detail.setText(f"of {calc.vial_label}")
        order = pump_order(self.controller.protocol, calc)
        self.bag.setText(f"{calc.final_volume_ml} mL")
        self.bag_detail.setText(f"{order.bag}; {calc.concentration_mg_per_ml} mg/mL")
        self.rate.setText(f"{calc.rate_ml_per_h} mL/h")
        self._vtbi = f"VTBI {order.vtbi_ml} mL"
        self._show_end()
        self.arithmetic.setText("\n".join(calc.arithmetic))
        self.advisories.setText("\n".join(calc.advisories))
        self.advisories.setVisible(bool(calc.advisories))

    def _confirm(self) -> None:
        if self.session_id is None:
            return
        self.controller.confirm_dose(self.feedback, self.session_id, self.vial.value(), self.override.text() or None)


def vial_words(vial: Vial) -> str:
    """A vial by its strength, as the nurse picks it off the shelf; its whole label (and whether it must be
    diluted) is its name and tooltip, and the draw-up card says it in full."""
    return f"{vial.mg_per_ml:g} mg/mL"


CHOICE_PADDING = 12
"""Each side of a vial button's words, in pixels: the compact style's padding and border, and a little air."""


class VialChoice(QFrame):
    """The protocol's vials as large buttons, one always chosen (the protocol's default first): a few
    options in view, one tap, nothing changed by a wheel."""

    changed = Signal()

    def __init__(self, vials: list[Vial], default: str) -> None:
        super().__init__()
        mark(self, "role", "choices")
        self.setAccessibleName("Vial")
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(6)
        self.group = QButtonGroup(self)  # exclusive: a dose is always worked out for one vial
        for vial in vials:
            option = choice(vial_words(vial), f"Vial {vial.label}")
            option.setToolTip(vial.label)
            option.setProperty("vial", vial.id)
            mark(option, "compact", True)  # three beside "Confirm dose" on a 1024-pixel screen
            bold = QFont(option.font())
            bold.setBold(True)  # chosen, its words are bold: they must still fit
            option.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(option.text()) + 2 * CHOICE_PADDING)
            option.setChecked(vial.id == default)
            self.group.addButton(option)
            row.addWidget(option)
        self.group.buttonToggled.connect(lambda _option, on: on and self.changed.emit())

    def value(self) -> str | None:
        chosen = self.group.checkedButton()
        return chosen.property("vial") if chosen is not None else None
