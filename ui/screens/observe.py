"""Observation after the infusion: the task due (vitals, side effects) and the discharge decision.

The discharge is signed: the nurse types her password, and her signature means she verified the
criteria (or recorded the prescriber's override). The controlled-substance totals are shown here too,
since the amount given is known from now on and any drug left over is wasted with a witness.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.controlled import tally
from core.discharge import contradictions, missed_words
from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.style import TARGET, mark
from ui.widgets.action_bar import ActionBar
from ui.widgets.care_column import CareColumn, TaskPane
from ui.widgets.feedback import Feedback
from ui.widgets.forms import WrappingCheck, button, label, line_edit, main_action, password_field, set_tone
from ui.widgets.panes import Panes
from ui.widgets.scrolling import KeepInView, scroll_area_of, show_whole
from ui.widgets.waste import WastePanel

DISCHARGE, TREND, DRUG = "discharge", "trend", "drug"


class ObservePage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        rules = controller.protocol.discharge
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(6)
        self.panes = Panes()  # the task beside the discharge, or above it on a narrow screen
        panes = self.panes.box
        self.tasks = TaskPane(controller)
        panes.addWidget(self.tasks, 5)
        right = QVBoxLayout()

        box = QGroupBox("Discharge")
        form = QGridLayout(box)
        form.setColumnStretch(1, 1)
        self.feedback = Feedback("Discharge message")
        caption = label(f"{rules.score_name} ({rules.score_min}–{rules.score_max})")
        self.score = line_edit(rules.score_name)
        self.score.setMaximumWidth(120)
        caption.setBuddy(self.score)
        self.feedback.bind("score", self.score)
        form.addWidget(caption, 0, 0, 1, 2)
        form.addWidget(self.score, 1, 0)
        self.criteria: dict[str, WrappingCheck] = {}
        # Under each criterion, what in the record contradicts it (core.discharge): it cannot be ticked then.
        self.denied: dict[str, QLabel] = {}
        row = 2
        for criterion in rules.criteria:
            tick = WrappingCheck(criterion.text)
            form.addWidget(tick, row, 0, 1, 2)
            self.criteria[criterion.id] = tick
            self.denied[criterion.id] = label(name=f"{criterion.text}: what the record shows")
            self.denied[criterion.id].hide()
            form.addWidget(self.denied[criterion.id], row + 1, 0, 1, 2)
            row += 2
        after = row
        self.override_caption = label("Criteria not met: the prescriber's override and its reason:")
        self.override = line_edit("Discharge override reason")
        self.override_caption.setBuddy(self.override)
        self.feedback.bind("override_reason", self.override, self.override_caption)
        self.prescriber_caption = label("The prescriber's name:")
        self.prescriber = line_edit("Prescriber's name (discharge override)")
        self.prescriber_caption.setBuddy(self.prescriber)
        self.feedback.bind("prescriber", self.prescriber, self.prescriber_caption)
        self.keep_override = KeepInView(self, self._bring_override_into_view)
        for widget in (self.override_caption, self.override, self.prescriber_caption, self.prescriber):
            widget.hide()
        form.addWidget(self.override_caption, after, 0, 1, 2)
        form.addWidget(self.override, after + 1, 0, 1, 2)
        form.addWidget(self.prescriber_caption, after + 2, 0)
        form.addWidget(self.prescriber, after + 2, 1)
        password_caption = label("Your password, to sign the discharge as verified")
        self.password = password_field("Your password (discharge)")
        password_caption.setBuddy(self.password)
        self.feedback.bind("password", self.password)
        form.addWidget(password_caption, after + 3, 0, 1, 2)
        form.addWidget(self.password, after + 4, 0, 1, 2)
        for field in (self.score, self.override, self.prescriber, self.password):
            field.returnPressed.connect(self._discharge)
        self.column = CareColumn(controller)  # an act-now alert above the discharge, never behind a tab
        # The discharge, or the trend: one at a time, so the discharge's question
        # and its password fit 1280×800 beside the task without a scroll.
        self.views: dict[str, QPushButton] = {}
        # The drug record has its own view, so the discharge fits unscrolled; drug left to account for is
        # never only behind it: its tab is marked and core's words stand in the pinned action bar.
        self.sides: dict[str, QWidget] = {DISCHARGE: QWidget(), TREND: QWidget(), DRUG: QWidget()}
        discharge = QVBoxLayout(self.sides[DISCHARGE])
        discharge.setContentsMargins(0, 0, 0, 0)
        # Sets missed on the way cannot be taken now: said over the discharge they are part of, not hidden.
        self.missed = label(name="Vital signs missed")
        set_tone(self.missed, "advise")
        self.missed.hide()
        discharge.addWidget(self.missed)
        discharge.addWidget(box)
        drug = QVBoxLayout(self.sides[DRUG])
        drug.setContentsMargins(0, 0, 0, 0)
        self.waste = WastePanel(controller)
        drug.addWidget(self.waste)
        self.waste.form_shown.connect(lambda on: self.tasks.setVisible(not on))  # the form has the page's width
        trend = QVBoxLayout(self.sides[TREND])
        trend.setContentsMargins(0, 0, 0, 0)
        self.column.removeWidget(self.column.trend)
        trend.addWidget(self.column.trend)
        tabs = QHBoxLayout()
        # Short words on the tabs, so the discharge keeps its width beside the task; the names say all of it.
        for key, text, name in (
            (DISCHARGE, "Discharge", "Show discharge"),
            (TREND, "Trend", "Show vital signs trend"),
            (DRUG, "Drug record", "Show controlled substance"),
        ):
            tab = button(text, name, role="task")
            # Three side by side in the narrow column, words whole; as tall as any target (less padding and border).
            tab.setStyleSheet(f"padding: 2px 4px; min-height: {TARGET - 6}px;")
            tab.setCheckable(True)
            tab.clicked.connect(lambda _c=False, k=key: self.show_side(k))
            tabs.addWidget(tab)
            self.views[key] = tab
        right.addLayout(self.column)
        right.addLayout(tabs)
        for side in self.sides.values():
            right.addWidget(side)
        right.addStretch(1)
        panes.addLayout(right, 3)
        outer.addWidget(self.panes, 1)

        self.actions = ActionBar()  # pinned under the page by the chair panel
        actions = self.actions.row
        below = QVBoxLayout()
        self.discharge_hint = label(role="hint", name="Discharge hint")
        self.discharge_hint.hide()
        below.addWidget(self.discharge_hint)
        self._drug_owed = False
        self.drug_left = label(name="Controlled substance to account for")
        set_tone(self.drug_left, "advise")
        self.drug_left.hide()
        below.addWidget(self.drug_left)
        below.addWidget(self.feedback)
        actions.addLayout(below, 3)
        self.record = main_action(button("Record discharge", role="primary"))
        self.record.clicked.connect(self._discharge)
        actions.addWidget(self.record, 2, Qt.AlignmentFlag.AlignBottom)
        self.show_side(DISCHARGE)

    def show_side(self, key: str) -> None:
        for side_key, side in self.sides.items():
            side.setVisible(side_key == key)
            self.views[side_key].setChecked(side_key == key)
        self.drug_left.setVisible(self._drug_owed and key != DRUG)

    def first_focus(self, state: SessionState) -> QWidget | None:
        """An act-now alarm's first choice, then the task due (the end-of-infusion set comes first), else the
        discharge score."""
        if state.open_alerts and (choice := self.column.first_control()) is not None:
            return choice
        if state.vitals_attention or state.side_effects_attention:
            return self.tasks.first_control()
        return self.score

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.record.setEnabled(E.DISCHARGED in state.allowed)
        held = state.held_back.get(E.DISCHARGED)
        self.discharge_hint.setText(held or "")
        self.discharge_hint.setVisible(held is not None)
        self.missed.setText(missed_words(state))
        self.missed.setVisible(bool(self.missed.text()))
        self.waste.show_state(state)
        record = state.controlled
        owed = bool(record.problem or record.vial_problem)
        left = next(row.amount for row in tally(record) if row.what == "Left to account for")
        self.drug_left.setText(
            f"Controlled substance left to account for: {left} (see the drug record)." if owed else ""
        )
        self._drug_owed = owed
        self.drug_left.setVisible(owed and not self.sides[DRUG].isVisibleTo(self))  # said once: here or there
        mark(self.views[DRUG], "due", "advise" if owed else None)
        self.views[DRUG].setVisible(bool(record.drawn) or bool(record.wasted))
        self.tasks.show_state(state)
        self.column.show_state(state)
        self._show_contradictions(state)
        # On a narrow screen, where the panes stand one under the other, an act-now alarm comes first, and
        # the discharge once the observation's time is done and no set of vitals or check is owed; until
        # then the next set is what comes next.
        owed = state.vitals_attention or state.side_effects_attention
        done = state.observation_left <= timedelta()
        self.panes.lead_with_second(bool(state.open_alerts) or (done and not owed))

    def _show_contradictions(self, state: SessionState) -> None:
        """A criterion the record contradicts is unticked, cannot be ticked, and says why in the alarm
        colour; the prescriber's override (reason and name) is asked for at once."""
        denied = {c.criterion_id: c for c in contradictions(self.controller.protocol, state)}
        for key, tick in self.criteria.items():
            found = denied.get(key)
            if found is not None:
                tick.box.setChecked(False)
            tick.setEnabled(found is None)
            mark(tick.text, "contradicted", found is not None)
            words = self.denied[key]
            words.setText(f"The record shows {'; '.join(found.findings)}: not resolved." if found else "")
            set_tone(words, "act" if found else None)
            words.setVisible(found is not None)
        if denied:
            self._ask_override()

    def _ask_override(self) -> None:
        for widget in (self.override_caption, self.override, self.prescriber_caption, self.prescriber):
            widget.show()

    def _bring_override_into_view(self) -> None:
        """A refusal that asks for the prescriber's override scrolls its fields into view (at 1024×768 they
        sit below the fold), the reason's caption to the prescriber's name, and keeps them there while they
        are asked for."""
        scroll = scroll_area_of(self)
        asked = any(field.property("invalid") for field in (self.override, self.prescriber))
        if scroll is not None and asked and not self.override.isHidden():
            show_whole(scroll, self.prescriber, 8)
            show_whole(scroll, self.override_caption, 8)
            self.keep_override.watch(scroll)

    def _discharge(self) -> None:
        if self.session_id is None:
            return
        ticked = {key: box.isChecked() for key, box in self.criteria.items()}
        password = self.password.text()
        self.password.clear()  # never kept, whether the discharge is recorded or refused
        recorded = self.controller.discharge(
            self.feedback,
            self.session_id,
            self.score.text(),
            ticked,
            password,
            self.override.text() or None,
            self.prescriber.text() or None,
        )
        if not self.override.isHidden():
            self._ask_override()  # the reason and the prescriber's name go together
        asked = [field for field in (self.override, self.prescriber) if field.property("invalid")]
        if recorded is None and asked:
            asked[0].setFocus()
            QTimer.singleShot(0, self, self._bring_override_into_view)  # once the fields just shown are laid out
        if recorded is None and not any(
            field.property("invalid") for field in (self.score, self.override, self.prescriber)
        ):
            self.password.setFocus()
