"""What the infusion and observation pages share: the task pane (vitals or side effects) and the panels beside it.

The task pane shows one task at a time, vital signs or the side-effect check, with a tab for each that
says when it is due. When one falls due it becomes the task in view by itself, so the nurse never hunts
for it below the fold; it waits (its tab turns amber or red) while she is typing in the other one.

An open act-now alarm comes before both: the care column's alarm panel is shown above the task pane and
what sits beside it, across the page's whole width at its top, so the alarm, its choices and its
Acknowledge are in view without scrolling at 1280×800, and brought into view on a shorter screen the moment
the alarm opens.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.attention import side_effects_need, vitals_need
from core.session_state import PointStatus, SessionState
from ui.controller import Controller
from ui.style import PRIORITY_TONE, mark
from ui.widgets.alerts import AlertsPanel
from ui.widgets.forms import button
from ui.widgets.scrolling import scroll_area_of
from ui.widgets.side_effects import SideEffectsPanel
from ui.widgets.trend import VitalsTrend
from ui.widgets.vitals_entry import VitalsEntry, VitalsSlot

VITALS, SIDE_EFFECTS = "vitals", "side_effects"
TONES = {PointStatus.DUE: "advise", PointStatus.OVERDUE: "act"}


class TaskPane(QWidget):
    """Vital signs and the side-effect check, one in view at a time; whichever falls due comes forward."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        tabs = QHBoxLayout()
        self.vitals = VitalsSlot("")  # the chair panel moves its vitals entry in; the tab names it
        self.side_effects = SideEffectsPanel(controller)
        self.tabs: dict[str, QPushButton] = {}
        # Not a QStackedWidget: its height-for-width is the tallest page's, hidden or not.
        self.stack = QWidget()
        panes = QVBoxLayout(self.stack)
        panes.setContentsMargins(0, 0, 0, 0)
        tasks = ((VITALS, "Vital signs", self.vitals), (SIDE_EFFECTS, "Side effects", self.side_effects))
        for key, text, pane in tasks:
            tab = button(text, f"Show {text.lower()}", role="task")
            tab.setCheckable(True)
            tab.clicked.connect(lambda _c=False, k=key: self.show_task(k, focus=True))
            tabs.addWidget(tab)
            self.tabs[key] = tab
            panes.addWidget(pane)
        layout.addLayout(tabs)
        layout.addWidget(self.stack, 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
        self._due: str | None = None
        self.show_task(VITALS)

    @property
    def task(self) -> str:
        return VITALS if not self.vitals.isHidden() else SIDE_EFFECTS

    @property
    def current(self) -> QWidget:
        return self.vitals if self.task == VITALS else self.side_effects

    def show_task(self, key: str, *, focus: bool = False) -> None:
        """Bring one task forward; the pane is as tall as that task, not as the taller of the two."""
        self.vitals.setVisible(key == VITALS)
        self.side_effects.setVisible(key == SIDE_EFFECTS)
        for tab_key, tab in self.tabs.items():
            tab.setChecked(tab_key == key)
        if focus:
            first = self.first_control()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_control(self) -> QWidget | None:
        """Where the nurse starts on the task in view: the first reading, or the side-effect tab itself.

        Never the checklist's "No side effects": one key there records a whole check, so a check that
        comes forward by itself must not leave the keyboard on it. Tab goes on to it from the tab."""
        entry = self.vitals.findChild(VitalsEntry)
        if self.task == VITALS:
            return next(iter(entry.fields.values())) if entry is not None else None
        return self.tabs[SIDE_EFFECTS]

    def show_state(self, state: SessionState) -> None:
        self.side_effects.show_state(state)
        for key, attention, need in (
            (VITALS, state.vitals_attention, vitals_need(state)),
            (SIDE_EFFECTS, state.side_effects_attention, side_effects_need(state)),
        ):
            # The tab wears the need's own priority, as the tile and the banner say it (the baseline, the
            # step's own task, is due but not yet a need).
            tone = PRIORITY_TONE[need.priority] if need else TONES.get(attention) if attention else None
            mark(self.tabs[key], "due", tone)
        due = VITALS if state.vitals_attention else SIDE_EFFECTS if state.side_effects_attention else None
        if due is None or due == self._due:
            self._due = due
            return
        alarm = bool(state.open_alerts)  # an act-now alarm is what she does first: it keeps the view and the keys
        if due != self.task:
            if self._busy():
                return  # it comes forward once what she typed is recorded or cleared
            focus = QApplication.focusWidget()
            self.show_task(due, focus=not alarm and focus is not None and self.stack.isAncestorOf(focus))
        self._due = due
        if not alarm:
            self._bring_into_view()

    def _busy(self) -> bool:
        """The nurse is part-way through the task in view: readings typed, or words being typed in the checklist."""
        if self.task == VITALS:
            entry = self.vitals.findChild(VitalsEntry)
            return entry is not None and any(field.text() for field in entry.fields.values())
        focus = QApplication.focusWidget()
        return isinstance(focus, QLineEdit) and self.side_effects.isAncestorOf(focus)

    def _bring_into_view(self) -> None:
        """Scroll the page (at 1024×768 it may scroll) so the task pane is on screen."""
        parent = scroll_area_of(self)
        if parent is None:
            return
        parent.ensureWidgetVisible(self.tabs[self.task], 0, 0)
        parent.ensureWidgetVisible(self.current, 0, 0)
        # Qt centres a task taller than the room left (a restart's pump question above it): its top, the
        # first readings' captions, is what the nurse reads first, so it is the part kept in view.
        top = self.current.mapTo(parent.widget(), QPoint(0, 0)).y()
        bar = parent.verticalScrollBar()
        if top < bar.value():
            bar.setValue(top)


class CareColumn(QVBoxLayout):
    """Beside the task: an act-now alert to acknowledge, and the trend of the session's vitals."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        self.alerts = AlertsPanel(controller)
        self.trend = VitalsTrend(controller)
        self.addWidget(self.alerts)
        self.addWidget(self.trend)
        self._placed = False

    def show_state(self, state: SessionState) -> None:
        self._alerts_first()
        opened = not self.alerts.isVisibleTo(self.alerts.parentWidget()) if self.alerts.parentWidget() else True
        self.alerts.show_state(state)
        self.trend.show_state(state)
        if opened and state.open_alerts:
            QTimer.singleShot(0, self.alerts, self._bring_alerts_into_view)  # once the page is laid out

    def _alerts_first(self) -> None:
        """The alarm panel goes above the page's task pane and what sits beside it (the page's column of
        parts, where the nurse looks first), the page's whole width; a page without a task pane keeps it here."""
        if self._placed:
            return
        page = self.alerts.parentWidget()
        pane = page.findChild(TaskPane) if page is not None else None
        if pane is None:
            return
        part: QWidget = pane
        while part.parentWidget() is not None and not isinstance(part.parentWidget().layout(), QVBoxLayout):
            part = part.parentWidget()
        column = part.parentWidget().layout() if part.parentWidget() is not None else None
        if not isinstance(column, QVBoxLayout) or column.indexOf(part) < 0:
            return
        self.removeWidget(self.alerts)
        column.insertWidget(column.indexOf(part), self.alerts)
        self._placed = True

    def first_control(self) -> QWidget | None:
        """With an act-now alarm open, its first choice: what the nurse does first, above any task due."""
        if not self.alerts.forms or not self.alerts.isVisibleTo(self.alerts.window()):
            return None
        return next(iter(self.alerts.forms[0].actions.values()), None)

    def _bring_alerts_into_view(self) -> None:
        """On a short screen the page scrolls so the alarm's top and its Acknowledge are both on screen."""
        scroll = scroll_area_of(self.alerts)
        if scroll is None or not self.alerts.isVisible():
            return
        last = self.alerts.forms[-1].acknowledge if self.alerts.forms else self.alerts
        scroll.ensureWidgetVisible(last, 0, 0)
        scroll.ensureWidgetVisible(self.alerts.heading, 0, 0)


def separator() -> QFrame:
    """A visible gap between choices that mean different things (pause, and stopping for good)."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFixedWidth(24)
    return line
