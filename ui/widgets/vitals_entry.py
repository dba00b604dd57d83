"""Entering a set of vital signs: Tab moves field to field, Enter records; findings come back from core.

A chair has one entry, owned by its panel and moved into the slot of whichever page shows vitals, so
readings typed half-way survive the step changing under them (the dose confirmed, the infusion over).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.attention import reading_words, vitals_need
from core.events import EventType as E
from core.protocol import VitalKind
from core.session_state import PointStatus, SessionState
from core.vitals import Finding, Tier
from ui.controller import Controller
from ui.style import PRIORITY_TONE
from ui.text import clock_time
from ui.widgets.advance import advance_when_complete
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, caption_for, combo, label, set_tone

THREE_A_ROW = 580
"""The entry's width in pixels from which three readings fit a row (caption over field and unit): above
what three a row need at their narrowest, so a narrower pane can bring it back to two."""
NOTHING_MISSING = "Nothing missing"
"""The reason list's first line: a chosen reason can be taken back."""


def narrow(choice: QComboBox) -> None:
    """Let a choice list be narrower than its longest line, so the row beside it fits a small screen."""
    choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    choice.setMinimumContentsLength(10)


class VitalsEntry(QGroupBox):
    def __init__(self, controller: Controller, title: str = "Vital signs") -> None:
        super().__init__(title)
        self.controller = controller
        self.session_id: str | None = None
        protocol = controller.protocol
        layout = QVBoxLayout(self)

        self.due = label(role=None, name="Vital signs due")
        layout.addWidget(self.due)

        # Readings side by side, each caption over its field, three a row where the page is wide and two
        # where it is not: the whole set fits beside the step's other panels at 1280×800 without scrolling,
        # with fields still 48 px for gloved fingers.
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.fields: dict[VitalKind, QLineEdit] = {}
        self._cells: list[tuple[QLabel, QLineEdit, QLabel]] = []
        self._columns = 0
        self.feedback = Feedback("Vital signs message")
        scale = protocol.sedation_scale
        levels = ", ".join(f"{level.score:+d} {level.term}" for level in scale.levels)
        for kind in VitalKind:
            limits = protocol.vitals[kind]
            caption = QLabel(f"{limits.label} (if taken)" if limits.optional else limits.label)
            caption.setWordWrap(True)
            field = QLineEdit()
            field.setAccessibleName(limits.label)
            field.setMinimumHeight(48)
            field.setFixedWidth(84)
            field.returnPressed.connect(self._record)
            advance_when_complete(field, controller.vital_complete(kind))
            caption.setBuddy(field)
            unit = label(limits.unit, role="hint", name=f"{limits.label} unit", wrap=False)
            self._cells.append((caption, field, unit))
            self.fields[kind] = field
            self.feedback.bind(kind.value, field)
        self.scale = label(f"{scale.id}: {levels}", role="hint", name="Sedation scale")
        reasons = [(reason, reason) for reason in protocol.vitals_schedule.partial_reasons]
        self.partial = combo("Reason the set is partial", [(NOTHING_MISSING, None), *reasons])
        self.feedback.bind("partial_reason", self.partial)
        narrow(self.partial)
        self.feedback.bind("vitals", self.fields[VitalKind.SYSTOLIC])
        self.why = caption_for("Not taken, why:", self.partial)
        self.record = button("Record vital signs", role="primary")
        self.record.clicked.connect(self._record)
        self._flow(2)
        layout.addLayout(self.grid)
        layout.addWidget(self.feedback)
        self.findings = label(name="Vital signs findings")
        self.findings.hide()
        layout.addWidget(self.findings)
        self.advisories = label(name="Vital signs advisory findings")  # quieter, in a box of their own
        self.advisories.hide()
        layout.addWidget(self.advisories)

        fields = list(self.fields.values())
        for first, second in pairwise(fields):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(fields[-1], self.partial)
        QWidget.setTabOrder(self.partial, self.record)

    def _flow(self, columns: int) -> None:
        """Place the readings ``columns`` to a row, in the protocol's order (the Tab order stays)."""
        if columns == self._columns:
            return
        self._columns = columns
        for widget in (*(w for cell in self._cells for w in cell), self.scale, self.why, self.partial, self.record):
            self.grid.removeWidget(widget)
        for index, (caption, field, unit) in enumerate(self._cells):
            self._place(index, caption, field, unit)
        free = len(self._cells)
        if columns == 3:
            # The reason a reading is missing and the button share the optional temperature's row; the
            # sedation scale runs under them all.
            self._place(free, self.why, self.partial)
            self._place(free + 1, None, self.record)
            self.grid.addWidget(self.scale, 2 * ((free + 1) // columns) + 2, 0, 1, 2 * columns)
        else:
            # Two a row: the sedation scale beside the optional temperature, the reason and the button under.
            row, column = 2 * (free // columns), 2 * (free % columns)
            self.grid.addWidget(self.scale, row, column, 2, 2 * columns - column)
            self._place(free + 1, self.why, self.partial)
            self._place(free + 2, None, self.record)
        for column in range(6):
            self.grid.setColumnStretch(column, 1 if column % 2 and column < 2 * columns else 0)

    def _place(self, index: int, caption: QWidget | None, field: QWidget, unit: QWidget | None = None) -> None:
        """A cell of the grid: its caption over its field, the unit beside the field (or the field over both)."""
        row, column = 2 * (index // self._columns), 2 * (index % self._columns)
        if caption is not None:
            self.grid.addWidget(caption, row, column, 1, 2)
        if unit is None:
            self.grid.addWidget(field, row + 1, column, 1, 2)
            return
        self.grid.addWidget(field, row + 1, column)
        self.grid.addWidget(unit, row + 1, column + 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self._flow(3 if event.size().width() >= THREE_A_ROW else 2)
        super().resizeEvent(event)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.record.setEnabled(E.VITALS in state.allowed)
        attention = state.vitals_attention
        need = vitals_need(state)
        if need is not None:  # the tile's and the banner's words and priority for this set
            self.due.setText(need.text)
            set_tone(self.due, PRIORITY_TONE[need.priority])
        elif attention is not None:  # the baseline, the step's own task: due, not yet an alarm
            entry = next(e for e in state.vitals if e.status is attention)
            word = "Overdue" if attention is PointStatus.OVERDUE else "Due now"
            when = f" (due {clock_time(entry.due_at)})" if entry.due_at else ""
            self.due.setText(f"{word}: {entry.point.label}{when}")
            set_tone(self.due, "advise" if attention is PointStatus.OVERDUE else "notice")
        elif state.next_vitals is not None:
            upcoming = state.next_vitals
            when = f" at {clock_time(upcoming.due_at)}" if upcoming.due_at else ""
            self.due.setText(f"Next set: {upcoming.point.label}{when}")
            set_tone(self.due, "quiet")
        else:
            self.due.setText("No set of vital signs is outstanding.")
            set_tone(self.due, "quiet")

    def _record(self) -> None:
        if self.session_id is None:
            return
        typed = {kind: field.text() for kind, field in self.fields.items()}
        reason = self.partial.currentData()
        result = self.controller.record_vitals(self.feedback, self.session_id, typed, reason)
        if result is None:
            return
        state, findings = result
        self._clear_typed()
        self.feedback.saved(f"Saved at {clock_time(state.events[-1].recorded_at)}.")
        self._show_findings(findings)
        self.fields[VitalKind.SYSTOLIC].setFocus()

    def _clear_typed(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.partial.setCurrentIndex(0)

    def start_over(self) -> None:
        """A new session on the chair: nothing typed or said for the last patient stays."""
        self._clear_typed()
        self.feedback.clear()
        self.findings.hide()
        self.advisories.hide()
        self.session_id = None

    def _show_findings(self, findings: list[Finding]) -> None:
        protocol = self.controller.protocol
        act = [f for f in findings if f.tier is Tier.ACT]
        advise = [f for f in findings if f.tier is Tier.ADVISE]

        def line(f: Finding) -> str:
            limits = protocol.vitals[f.kind]
            return f"{limits.label} {f.value} {limits.unit}: {f.why}"

        # Act-now readings in the red box; the same set's advisory ones in a quieter box of their own.
        act_words = reading_words([line(f) for f in act], [])
        advisory_words = reading_words([], [line(f) for f in advise])
        if act:
            self.findings.setText("\n".join(act_words))
            set_tone(self.findings, "act")
        elif not advise:
            self.findings.setText("All readings inside the protocol's limits.")
            set_tone(self.findings, "quiet")
        self.findings.setVisible(bool(act) or not advise)
        self.advisories.setText("\n".join(advisory_words))
        set_tone(self.advisories, "advise" if advise else None)
        self.advisories.setVisible(bool(advise))


class VitalsSlot(QWidget):
    """The place on a page where the chair's vitals entry is shown while that page is (see ChairPanel)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, entry: VitalsEntry) -> None:
        """Move the entry here with everything typed in it, out of the page that showed it before."""
        before = entry.parentWidget()
        if before is self:
            return
        entry.setTitle(self.title)
        if before is not None and before.layout() is not None:
            before.layout().removeWidget(entry)
        self.layout().addWidget(entry)
        entry.show()  # a widget given a new parent is hidden until shown again
        self._take_tab_place(entry)

    def _take_tab_place(self, entry: VitalsEntry) -> None:
        """Put the entry's fields where the slot stands in the page's Tab order: a new parent keeps
        them where they were first made, far from where they are shown."""
        before = self.previousInFocusChain()
        while before is not self and (before.focusPolicy() == Qt.FocusPolicy.NoFocus or entry.isAncestorOf(before)):
            before = before.previousInFocusChain()
        if before is self:
            return
        for control in (*entry.fields.values(), entry.partial, entry.record):
            QWidget.setTabOrder(before, control)
            before = control
