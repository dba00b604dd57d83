"""The independent double check: the second nurse signs in there and then and types her own figures.

She proves who she is with her own user name and password, so the record says truthfully who checked
(core refuses the nurse who calculated the dose, and any account that cannot sign). The first nurse's
figures are never shown before hers are entered; only after a mismatch are both sets shown side by
side, and then the check starts again from blank fields. An alert raised by the baseline set stays in
view here until it is acknowledged.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.widgets.alerts import AlertsPanel
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, label, line_edit, password_field, set_tone

FIGURES = (
    ("weight_kg", "check_weight", "Weight (kg)"),
    ("dose_mg", "check_dose", "Dose (mg)"),
    ("rate_ml_per_h", "check_rate", "Pump rate (mL/h)"),
)


class CheckPage(QWidget):
    weigh_again = Signal()
    """The first nurse wants to record the weight again after a disagreement."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._dismissed: str | None = None
        self._checked_event: str | None = None
        layout = QVBoxLayout(self)
        self.alerts = AlertsPanel(controller)
        layout.addWidget(self.alerts)
        box = QGroupBox("Second-nurse check")
        form = QGridLayout(box)
        form.addWidget(
            label(
                "Second nurse: weigh or read the scale yourself and work out the dose and pump rate from the "
                "protocol. Type your own figures; the first nurse's are not shown here. Your user name and "
                "password sign the check as yours."
            ),
            0,
            0,
            1,
            3,
        )
        self.feedback = Feedback("Check message")
        self.username = line_edit("Second nurse user name", "e.g. ben.okafor")
        self.password = password_field("Second nurse password")
        self.fields: dict[str, QLineEdit] = {}
        rows: list[tuple[str, QLineEdit]] = [("Your user name", self.username), ("Your password", self.password)]
        for key, _field, text in FIGURES:
            self.fields[key] = line_edit(f"Check {text[0].lower()}{text[1:]}")
            rows.append((text, self.fields[key]))
        for row, (text, field) in enumerate(rows, start=1):
            caption = label(text)
            caption.setBuddy(field)
            field.returnPressed.connect(self._record)
            field.setMaximumWidth(320)
            form.addWidget(caption, row, 0)
            form.addWidget(field, row, 1)
        self.feedback.bind("username", self.username)
        self.feedback.bind("password", self.password)
        for key, field_name, _text in FIGURES:
            self.feedback.bind(field_name, self.fields[key])
        form.setColumnStretch(2, 1)
        self.record = button("Record check", role="primary")
        self.record.clicked.connect(self._record)
        form.addWidget(self.record, len(rows) + 1, 1)
        form.addWidget(self.feedback, len(rows) + 2, 0, 1, 3)
        layout.addWidget(box)

        self.comparison = card("banner-act")
        grid = QGridLayout(self.comparison)
        grid.addWidget(label("The figures do not agree", role="heading", name="Check mismatch"), 0, 0, 1, 3)
        for column, text in enumerate(("", "First nurse", "Second nurse"), start=0):
            grid.addWidget(label(text, role="heading"), 1, column)
        self.cells: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        for row, (key, _field, text) in enumerate(FIGURES, start=2):
            cells = (label(text), label(name=f"First nurse {text}"), label(name=f"Second nurse {text}"))
            for column, cell in enumerate(cells):
                grid.addWidget(cell, row, column)
            self.cells[key] = cells
        grid.addWidget(
            label("Find the difference together (weight, unit, vial, arithmetic), then the second nurse checks again."),
            5,
            0,
            1,
            3,
        )
        again = button("Check again", role="primary")
        again.clicked.connect(self._again)
        weigh = button("Weigh again")
        weigh.clicked.connect(self.weigh_again.emit)
        grid.addWidget(again, 6, 1)
        grid.addWidget(weigh, 6, 2)
        self.comparison.hide()
        layout.addWidget(self.comparison)
        layout.addStretch(1)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.alerts.show_state(state)
        last = next((e for e in reversed(state.events) if e.type is E.CHECKED), None)
        self._checked_event = last.id if last else None
        showing = bool(state.last_check_mismatches) and last is not None and last.id != self._dismissed
        if showing and state.dose is not None and last is not None:
            first = {"weight_kg": state.dose.weight_kg, "dose_mg": state.dose.dose_mg}
            first["rate_ml_per_h"] = state.dose.rate_ml_per_h
            for key, (caption, mine, theirs) in self.cells.items():
                mine.setText(str(first[key]))
                theirs.setText(str(last.payload["figures"].get(key, "")))
                tone = "act" if key in state.last_check_mismatches else None
                for cell in (caption, mine, theirs):
                    set_tone(cell, tone)
        if showing and self.comparison.isHidden():
            for field in self.fields.values():
                field.clear()
        self.comparison.setVisible(showing)
        for field in (self.username, self.password, *self.fields.values()):
            field.setEnabled(not showing)
        self.record.setEnabled(not showing and E.CHECKED in state.allowed)

    def _again(self) -> None:
        self._dismissed = self._checked_event
        self.comparison.hide()
        for field in (self.username, self.password, *self.fields.values()):
            field.setEnabled(True)
        self.record.setEnabled(True)
        self.username.setFocus()

    def _record(self) -> None:
        if self.session_id is None:
            return
        figures = tuple(field.text() for field in self.fields.values())
        password = self.password.text()
        self.password.clear()  # never kept, whether the check is recorded or refused
        weight, dose, rate = figures
        recorded = self.controller.record_check(
            self.feedback, self.session_id, self.username.text(), password, (weight, dose, rate)
        )
        if recorded is not None:
            # The second nurse walks away: her user name must not wait here for the next check.
            self.username.clear()
        elif not any(field.property("invalid") for field in (self.username, *self.fields.values())):
            self.password.setFocus()  # refused as a whole (wrong password, same nurse): type it again
