"""Ready, infusing or paused: the task due now, the pump's settings, and the infusion's actions.

While ready, the page also shows who checked the dose and takes the drawn-up record (vial lot and
volume) and what became of the rest of the vial, and the "pump programmed and checked" step: the rate and
the volume to be infused as read off the pump, beside "Start infusion". Core compares them with the order;
Start (or Enter in the second figure) records the reading and, when it agrees, starts the infusion. A
reading that disagrees is recorded and the start waits. This is not the pump check after a restart
(ui/widgets/pump_check.py), which asks whether a running pump is still running.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.complete import pump_shape
from core.dosing import pump_order
from core.events import EventType as E
from core.machine import Step
from core.session_state import SessionState
from ui.controller import Controller
from ui.style import mark
from ui.text import clock_time
from ui.widgets.action_bar import ActionBar
from ui.widgets.advance import advance_when_complete
from ui.widgets.care_column import CareColumn, TaskPane, separator
from ui.widgets.drawn import DrawnPanel
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, caption_for, label, line_edit, main_action, password_field, set_tone
from ui.widgets.panes import Panes
from ui.widgets.segmented import Segmented
from ui.widgets.vitals_entry import VitalsEntry
from ui.widgets.waste import WastePanel

OTHER = "other…"
"""Offered after the protocol's reasons: the nurse then says why in her own words."""


class InfusePage(QWidget):
    """The task due now on the left, the pump and what is coming on the right, the step's actions below.

    The countdown is in the chair's banner, pinned above this page.
    """

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._waste_open = False
        self._wasting = False
        """The waste form is open on the ready page: it stands in place of the drawn-up and pump panels."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(6)
        self.pump_note = label(name="Pump note")
        set_tone(self.pump_note, "act")
        self.pump_note.hide()
        outer.addWidget(self.pump_note)

        # Ready with nothing due: the baseline already taken is one line, and the drawn-up record and the
        # pump have the page (the vital signs entry is one tap away, and comes back by itself when a set is due).
        # The records already done (baseline, the dose check) share this one line with the taps that open them.
        self._tasks_open = False
        self.records = QWidget()
        done = QHBoxLayout(self.records)
        done.setContentsMargins(0, 0, 0, 0)
        lines = QVBoxLayout()
        lines.setSpacing(0)
        self.baseline_line = label(name="Baseline vital signs recorded")
        set_tone(self.baseline_line, "quiet")
        self.checked = label(name="Dose checked by")
        set_tone(self.checked, "quiet")
        self.checked.hide()
        lines.addWidget(self.baseline_line)
        lines.addWidget(self.checked)
        self.open_tasks = button("Vital signs…", "Show the vital signs entry")
        self.open_tasks.clicked.connect(self._show_tasks)
        self.waste_toggle = button("Controlled substance…", "Show controlled substance")
        self.waste_toggle.clicked.connect(self._open_waste)
        done.addLayout(lines, 1)
        done.addWidget(self.open_tasks)
        done.addWidget(self.waste_toggle)
        outer.addWidget(self.records)

        self.panes = Panes()  # the task beside the pump and the trend, or above them on a narrow screen
        panes = self.panes.box
        self.tasks = TaskPane(controller)
        panes.addWidget(self.tasks, 5)
        right = QVBoxLayout()
        self.drawn = DrawnPanel(controller)
        right.addWidget(self.drawn)
        self.pump = QGroupBox("The pump should show")
        pump = QVBoxLayout(self.pump)
        self.pump_settings = label(name="Pump settings")
        pump.addWidget(self.pump_settings)
        pump.addWidget(self._pump_reading(controller))
        right.addWidget(self.pump)
        self.column = CareColumn(controller)
        right.addLayout(self.column)
        self.waste = WastePanel(controller, vials=False)  # the rest of the vial is in the drawn-up panel
        self.drawn.vials.waste_rest.connect(self._waste_rest)
        self.drawn.recorded.connect(self._after_drawn)
        self.drawn.vials.returned.connect(self._to_pump)
        self.waste.form_shown.connect(self._wasting_shown)
        right.addWidget(self.waste)
        right.addStretch(1)
        panes.addLayout(right, 3)
        outer.addWidget(self.panes, 1)

        self.feedback = Feedback("Infusion message")
        for field, widget in (
            ("pump_rate", self.pump_rate),
            ("pump_vtbi", self.pump_vtbi),
            ("second_username", self.second_user),
            ("second_password", self.second_password),
            ("second_pump_rate", self.second_rate),
            ("second_pump_vtbi", self.second_vtbi),
        ):
            self.feedback.bind(field, widget)
        reasons = controller.protocol.reasons
        self.pausing = Reasons("Pause reason", "Why pause?", reasons.pause, button("Pause"))
        self.pausing.act.clicked.connect(self._pause)
        self.stopping = Reasons(
            "Stop early reason", "Why stop early?", reasons.stop_early, button("Stop early", role="danger")
        )
        self.stopping.act.clicked.connect(self._stop)
        self.pause, self.stop = self.pausing.act, self.stopping.act
        self.actions = ActionBar(self.pausing, self.stopping, self.feedback)  # pinned under the page by the chair panel
        self.actions.row.addLayout(self._actions(controller))

    def _pump_reading(self, controller: Controller) -> QWidget:
        """Pump programmed and checked: the two figures the pump shows, typed by the nurse, and optionally a
        second nurse's own reading of them with her user name and password (her signature)."""
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setColumnStretch(2, 1)
        self.pump_rate = line_edit("Rate on the pump (mL/h)")
        self.pump_vtbi = line_edit("VTBI on the pump (mL)")
        self.second_user = line_edit("Second nurse user name (pump)")
        self.second_password = password_field("Second nurse password (pump)")
        self.second_rate = line_edit("Second nurse rate on the pump (mL/h)")
        self.second_vtbi = line_edit("Second nurse VTBI on the pump (mL)")
        # The nurse's own reading sits in the action bar, beside "Start infusion" (see _actions).
        self.pump_line = QHBoxLayout()
        self.pump_hint = label("The pump shows:", role="hint", name="Pump reading hint", wrap=False)
        self.pump_line.addWidget(self.pump_hint)
        self._pump_captions: list[QWidget] = [self.pump_hint]
        for text, field, figure in (
            ("Rate (mL/h)", self.pump_rate, "rate_ml_per_h"),
            ("VTBI (mL)", self.pump_vtbi, "vtbi_ml"),
        ):
            caption = label(text, wrap=False)
            self._pump_captions.append(caption)
            caption.setBuddy(field)
            field.setMaximumWidth(120)
            advance_when_complete(field, pump_shape(controller.protocol, figure).complete)
            field.returnPressed.connect(self._start)
            self.pump_line.addWidget(caption)
            self.pump_line.addWidget(field)
        self.pump_line.addStretch(1)
        self.second_toggle = button("Second nurse reads it too…", "Second nurse reads the pump")
        self.second_toggle.clicked.connect(self._open_second)
        grid.addWidget(self.second_toggle, 3, 0, 1, 3, Qt.AlignmentFlag.AlignLeft)
        self.second = QWidget()
        second = QGridLayout(self.second)
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(
            label("Second nurse: read the pump yourself; your password signs your reading.", role="hint"), 0, 0, 1, 2
        )
        for row, (text, field) in enumerate(
            (
                ("Your user name", self.second_user),
                ("Your password", self.second_password),
                ("Rate (mL/h)", self.second_rate),
                ("VTBI (mL)", self.second_vtbi),
            ),
            start=1,
        ):
            caption = label(text, wrap=False)
            caption.setBuddy(field)
            field.setMaximumWidth(220)
            field.returnPressed.connect(self._start)
            second.addWidget(caption, row, 0)
            second.addWidget(field, row, 1)
        self.second.hide()
        grid.addWidget(self.second, 4, 0, 1, 3)
        self.pump_read = label(name="Pump reading")
        self.pump_read.hide()
        grid.addWidget(self.pump_read, 5, 0, 1, 3)
        self.reading = box
        return box

    def _open_second(self) -> None:
        self.second.show()
        self.second_toggle.hide()
        self.second_user.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_drawn(self) -> None:
        """Drawn up: the rest of the vial next, then the pump."""
        target = self.drawn.vials.first_button()
        if target is not None and target.isVisible():
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._to_pump()

    def _to_pump(self) -> None:
        if self.pump_rate.isVisible() and not self.pump_rate.text():
            self.pump_rate.setFocus(Qt.FocusReason.OtherFocusReason)

    def _wasting_shown(self, on: bool) -> None:
        """The waste form in place of the drawn-up and pump panels while it is open (so it fits unscrolled)."""
        self._wasting = on
        if not on:
            self._waste_open = False  # recorded or cancelled: the record folds back to its one tap
        state = getattr(self, "_state", None)
        if state is not None:
            self._show_waste(state)
            self._show_side(state)

    def _show_tasks(self) -> None:
        self._tasks_open = True
        self.baseline_line.hide()
        self.open_tasks.hide()
        self.tasks.show()
        control = self.tasks.first_control()
        if control is not None:
            control.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fold_tasks(self, state: SessionState) -> None:
        """Ready, with the baseline taken and nothing due: the vital signs entry folds to one line."""
        if state.session_id != self.session_id or state.step is not Step.READY:
            self._tasks_open = False
        taken = [event for event in state.events if event.type is E.VITALS]
        due = state.vitals_attention is not None or state.side_effects_attention is not None
        entry = self.tasks.findChild(VitalsEntry)
        typed = entry is not None and any(field.text() for field in entry.fields.values())  # never hidden
        folded = state.step is Step.READY and bool(taken) and not due and not typed and not self._tasks_open
        if taken:
            self.baseline_line.setText(f"Baseline vital signs recorded at {clock_time(taken[-1].occurred_at)}.")
        self.baseline_line.setVisible(folded)
        self.open_tasks.setVisible(folded)
        self.tasks.setVisible(not folded)

    def _show_side(self, state: SessionState) -> None:
        ready = state.step is Step.READY
        self.drawn.setVisible(self.drawn.isVisibleTo(self) and ready and not self._wasting)
        self.pump.setVisible(not (ready and self._wasting))

    def _waste_rest(self, drawn_event_id: str, words: str) -> None:
        self._open_waste()
        self.waste.waste_rest(drawn_event_id, words)

    def _actions(self, controller: Controller) -> QHBoxLayout:
        """The step's actions in one row: Pause… and Stop early… on the left, set apart from each other,
        and the step's main action, largest, on the right. Each of the two opens its reasons above the row
        as large buttons: a tap chooses the reason, then Pause (or Stop early) records it."""
        row = QHBoxLayout()
        choices = QGridLayout()
        choices.setColumnStretch(0, 1)
        self.start_hint = label(role="hint", name="Start hint")
        choices.addWidget(self.start_hint, 0, 0, 1, 3)
        self.go_ahead_caption = label("Prescriber's go-ahead (who and why):")
        self.go_ahead = line_edit("Prescriber's go-ahead")
        self.go_ahead_caption.setBuddy(self.go_ahead)
        self.go_ahead_caption.hide()
        self.go_ahead.hide()
        self.feedback.bind("go_ahead", self.go_ahead, self.go_ahead_caption)
        choices.addWidget(self.go_ahead_caption, 1, 0, 1, 3)
        choices.addWidget(self.go_ahead, 2, 0, 1, 3)

        self.open_pause = button("Pause…")
        self.open_pause.clicked.connect(lambda: self._open_reasons(self.pausing))
        self.open_stop = button("Stop early…", role="danger")
        self.open_stop.clicked.connect(lambda: self._open_reasons(self.stopping))
        self.between = separator()  # stopping for good is set apart from pausing
        line = QHBoxLayout()
        for widget in (self.open_pause, self.between, self.open_stop):
            line.addWidget(widget)
        line.addStretch(1)
        choices.addLayout(line, 3, 0, 1, 3)
        choices.addLayout(self.pump_line, 4, 0, 1, 3)
        row.addLayout(choices, 3)
        row.addSpacing(24)

        self.start = main_action(button("Start infusion", role="primary"))
        self.start.clicked.connect(self._start)
        self.resume = main_action(button("Resume", role="primary"))
        self.resume.clicked.connect(self._resume)
        self.complete = main_action(button("Infusion complete", role="primary"))
        self.complete.clicked.connect(self._complete)
        for action in (self.start, self.resume, self.complete):
            row.addWidget(action, 2, Qt.AlignmentFlag.AlignBottom)
        return row

    def _open_reasons(self, panel: Reasons) -> None:
        """One list of reasons open at a time, the keyboard on its first reason."""
        for other in (self.pausing, self.stopping):
            other.setVisible(other is panel and not panel.isVisible())
        if panel.isVisible():
            panel.choice.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_focus(self, state: SessionState) -> QWidget | None:
        """An act-now alarm's first choice before anything. Ready: the drawn-up record, then any set of
        vitals owed, then Start. Infusing: the task in view. Paused: Resume."""
        if state.open_alerts and (choice := self.column.first_control()) is not None:
            return choice  # an act-now alarm comes before anything else on the page
        if state.step is Step.PAUSED:
            return self.resume
        if state.step is Step.READY:
            if self.drawn.form.isVisible():
                return self.drawn.ml
            if state.vitals_attention:
                return self.tasks.first_control()
            return self.pump_rate if state.pump_to_read else self.start
        return self.tasks.first_control()

    def show_state(self, state: SessionState) -> None:
        self._fold_tasks(state)
        self.session_id = state.session_id
        step, allowed = state.step, state.allowed
        start_held = state.held_back.get(E.STARTED)
        wrong = self._pump_disagreements(state)
        if start_held is not None and wrong:
            start_held = f"{start_held} ({'; '.join(wrong)})"  # said once, here, beside the reading it asks for
        self.start_hint.setText(start_held or "")
        set_tone(self.start_hint, "act" if wrong else None)
        mark(self.start_hint, "role", None if wrong else "hint")
        self.start_hint.setVisible(step is Step.READY and start_held is not None)
        self.start.setVisible(step is Step.READY)
        self.start.setEnabled(E.STARTED in allowed or state.start_waits_for_pump)
        self._state = state
        self.open_pause.setVisible(step is Step.INFUSING)
        self.pausing.setVisible(self.pausing.isVisibleTo(self.actions) and step is Step.INFUSING)
        self.pause.setEnabled(E.PAUSED in allowed)
        self.between.setVisible(step is Step.INFUSING)
        self.resume.setVisible(step is Step.PAUSED)
        self.resume.setEnabled(E.RESUMED in allowed)
        self.complete.setVisible(step is Step.INFUSING)
        self.complete.setEnabled(E.COMPLETED in allowed)
        running = step in {Step.INFUSING, Step.PAUSED}
        self.open_stop.setVisible(running)
        self.stopping.setVisible(self.stopping.isVisibleTo(self.actions) and running)
        self.stop.setEnabled(E.STOPPED_EARLY in allowed)
        self._show_pump_note(state)
        self._show_pump(state)
        self._show_check(state)
        self.drawn.show_state(state)
        self.tasks.show_state(state)
        self.column.show_state(state)
        self.column.trend.setVisible(step is not Step.READY)  # one baseline set is not a trend yet
        self._show_waste(state)
        self._show_side(state)
        records = (self.baseline_line, self.checked, self.waste_toggle)
        self.records.setVisible(any(w.isVisibleTo(self.records) for w in records))

    def _show_pump(self, state: SessionState) -> None:
        """What the nurse reads against the pump's screen, in the pump's own terms; while ready, the reading."""
        dose = state.dose
        ready = state.step is Step.READY
        paused = state.step is Step.PAUSED
        title = "Pump programmed and checked" if ready else "The pump should show"
        self.pump.setTitle("The pump should be on hold" if paused else title)
        if dose is None:
            self.pump_settings.setText("")
            self.reading.hide()
            return
        order = pump_order(self.controller.protocol, dose)
        # While paused the pump runs at nothing: what it resumes with, for the time left, never the whole order.
        settings = order.resuming(state.infusion.remaining) if paused else order.settings
        self.pump_settings.setText(f"{order.contents}\n{settings}")
        self.reading.setVisible(ready)
        waits = state.pump_to_read
        for widget in (self.pump_rate, self.pump_vtbi, *self._pump_captions):
            widget.setVisible(waits)
        self.second_toggle.setVisible(waits and not self.second.isVisible())
        self.second.setVisible(waits and self.second.isVisible())
        check = state.pump_check
        agrees = check is not None and not self._pump_disagreements(state)
        if check is not None and agrees:
            name = self.controller.staff_name
            second = f" and {name(check.second_by)}" if check.second_by else ""
            self.pump_read.setText(f"Read as ordered by {name(check.by)}{second} at {clock_time(check.at)}.")
            set_tone(self.pump_read, "quiet")
        self.pump_read.setVisible(agrees)  # a reading that disagrees is said once, in the action bar

    def _pump_disagreements(self, state: SessionState) -> list[str]:
        """Where the last pump reading differs from the order, in core's words (empty when it agrees)."""
        check = state.pump_check
        if check is None:
            return []
        name = self.controller.staff_name
        return check.disagreements(name(check.by), name(check.second_by) if check.second_by else "")

    def _show_waste(self, state: SessionState) -> None:
        """The controlled-substance record is one tap away, and opens by itself when core finds a problem."""
        if state.session_id != self.session_id:
            self._waste_open = False
        self.waste.show_state(state)
        record = state.controlled
        exists = bool(record.drawn) or bool(record.wasted)
        shown = exists and (self._waste_open or record.problem is not None)
        self.waste.setVisible(shown)
        # During the infusion nothing is left to waste yet: the record is on the ready and later pages.
        self.waste_toggle.setVisible(exists and not shown and state.step is Step.READY)

    def _open_waste(self) -> None:
        self._waste_open = True
        self.waste.show()
        self.waste_toggle.hide()

    def _show_check(self, state: SessionState) -> None:
        checks = {event.id for event in state.events if event.type is E.CHECKED}
        signed = [s for s in state.signatures if s.event_id in checks and s.signer_id == state.checked_by]
        if signed:
            last = signed[-1]
            name = self.controller.staff_name(last.signer_id)
            self.checked.setText(f"Dose checked by {name} at {clock_time(last.signed_at)} — {last.meaning.value}")
        self.checked.setVisible(bool(signed) and state.step is Step.READY)

    def _show_pump_note(self, state: SessionState) -> None:
        stopped_at = state.pump_found_stopped_at
        if stopped_at is not None:
            self.pump_note.setText(
                f"The pump was found stopped ({clock_time(stopped_at)}). Pause with a reason, or stop early."
            )
        self.pump_note.setVisible(stopped_at is not None)

    def _start(self) -> None:
        if self.session_id is None:
            return
        state = getattr(self, "_state", None)
        typed = bool(self.pump_rate.text() or self.pump_vtbi.text())
        if state is not None and state.pump_to_read and (typed or state.start_waits_for_pump) and not self._read_pump():
            return
        if self.controller.start(self.feedback, self.session_id, self.go_ahead.text() or None) is not None:
            self.go_ahead.clear()
            self.go_ahead.hide()
            self.go_ahead_caption.hide()

    def _read_pump(self) -> bool:
        """Record what the pump shows (and the second nurse's reading, if she gave one); True when core found
        it agrees with the order, so the start may follow."""
        assert self.session_id is not None
        second_fields = (self.second_user, self.second_password, self.second_rate, self.second_vtbi)
        second = tuple(field.text() for field in second_fields) if self.second.isVisible() else None
        self.second_password.clear()  # never kept, whether the reading is recorded or refused
        state = self.controller.record_pump(
            self.feedback,
            self.session_id,
            (self.pump_rate.text(), self.pump_vtbi.text()),
            second,  # type: ignore[arg-type]
        )
        if state is None:
            return False
        for field in (self.pump_rate, self.pump_vtbi, self.second_rate, self.second_vtbi):
            field.clear()
        check = state.pump_check
        if check is None or not check.agrees:
            self.feedback.clear()  # the start hint says what is wrong, once
            self.pump_rate.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        self.second_user.clear()
        self.second.hide()
        return True

    def _pause(self) -> None:
        if self.session_id is None:
            return
        reason = self._reason(self.pausing)
        if self.controller.pause(self.feedback, self.session_id, reason) is not None:
            self.pausing.start_over()

    def _reason(self, panel: Reasons) -> str:
        """The reason chosen, or the nurse's words for "other"; the field core may point at is bound."""
        chosen = panel.choice.value()
        if chosen == OTHER:
            self.feedback.bind("reason", panel.other)
            return panel.other.text()
        self.feedback.bind("reason", panel.choice)
        return chosen or ""

    def _resume(self) -> None:
        if self.session_id is not None:
            self.controller.resume(self.feedback, self.session_id)

    def _complete(self) -> None:
        if self.session_id is not None:
            self.controller.complete(self.feedback, self.session_id)

    def _stop(self) -> None:
        if self.session_id is None:
            return
        reason = self._reason(self.stopping)
        if self.controller.stop_early(self.feedback, self.session_id, reason) is not None:
            self.stopping.start_over()


class Reasons(QFrame):
    """The protocol's reasons as large buttons, "other…" with the nurse's words, and the button that records."""

    def __init__(self, name: str, question: str, reasons: list[str], act: QPushButton) -> None:
        super().__init__()
        mark(self, "role", "card")
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 6)
        self.choice = Segmented(name, [(reason, reason) for reason in reasons] + [(OTHER, OTHER)])
        self.choice.changed.connect(self._chosen)
        heading = caption_for(question, self.choice)
        mark(heading, "role", "heading")
        column.addWidget(heading)
        column.addWidget(self.choice)
        self.other = line_edit(f"{name} details", "Say why")
        self.other.hide()
        self.act = act
        self.cancel = button("Cancel", f"Cancel {question[4:].rstrip('?')}")
        self.cancel.clicked.connect(self.start_over)
        row = QHBoxLayout()
        row.addWidget(self.other, 1)
        row.addStretch(0)
        row.addWidget(self.cancel)
        row.addWidget(self.act)
        column.addLayout(row)
        self.hide()

    def _chosen(self) -> None:
        self.other.setVisible(self.choice.value() == OTHER)
        if self.other.isVisible():
            self.other.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_over(self) -> None:
        """Closed with nothing chosen: the next pause is asked afresh."""
        self.choice.set_value(None)
        self.other.clear()
        self.other.hide()
        self.hide()
