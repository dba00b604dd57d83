"""One chair on the right of the window: who is in it, warnings, and the page for the current step.

Each chair keeps its own pages, so what a nurse was typing for chair 2 is still there when she comes
back from chair 3. A new session on the chair starts from fresh pages. The vital signs entry is the
chair's, not a page's: the panel moves it into the page that shows vitals (dose, infusion,
observation), so readings typed half-way are still there after the step has moved on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.event_words import recorded_words
from core.events import EventType as E
from core.machine import Step
from core.session_state import SessionState
from core.views import ChairView, DayNotGivenView, missed_days_note
from ui.controller import Controller
from ui.dialogs.course_day import DayNotGivenDialog
from ui.dialogs.course_view import CourseViewDialog
from ui.dialogs.outcome_forms import OutcomeFormsDialog
from ui.screens.check import CheckPage
from ui.screens.dose import DosePage
from ui.screens.identify import IdentifyPage
from ui.screens.infuse import InfusePage
from ui.screens.observe import ObservePage
from ui.screens.screen import ScreenPage
from ui.screens.sign import SignPage
from ui.screens.weigh import WeighPage
from ui.text import clock_time
from ui.widgets.action_bar import ActionBar
from ui.widgets.adverse_event import AdverseEventBanner
from ui.widgets.elided import Elided
from ui.widgets.forms import button, label, set_tone
from ui.widgets.patient_banner import PatientBanner
from ui.widgets.pump_check import PumpCheck
from ui.widgets.vitals_entry import VitalsEntry, VitalsSlot

PAGE_FOR_STEP = {
    Step.SCREEN: "screen",
    Step.WEIGH: "weigh",
    Step.DOSE: "dose",
    Step.CHECK: "check",
    Step.READY: "infuse",
    Step.INFUSING: "infuse",
    Step.PAUSED: "infuse",
    Step.OBSERVE: "observe",
    Step.SIGN: "sign",
    Step.DONE: "identify",
}
FORMS_WAIT = frozenset({Step.INFUSING, Step.PAUSED})
"""Steps at which the chair does not offer the outcome forms: the infusion is running."""
CLOCK_BEHIND = (
    "This computer's clock is behind the last recorded entry for this chair, so the time left and what is "
    "due stand still until it catches up. Look at the pump for the time it shows, and have the computer's "
    "clock put right."
)


class ChairPanel(QWidget):
    def __init__(self, controller: Controller, chair: int) -> None:
        super().__init__()
        self.controller = controller
        self.chair = chair
        self.session_id: str | None = None
        self.pages: dict[str, QWidget] = {}
        self._scrolls: dict[str, QScrollArea] = {}
        self._slots: dict[str, VitalsSlot | None] = {}
        self._weigh_again_at: str | None = None
        self._view: ChairView | None = None
        self._last_event: str | None = None
        self._focus: QWidget | None = None
        self._shown: tuple[str, Step | None] | None = None
        """The page and step on screen: when either changes, the new page is shown from its top."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 4, 0)
        layout.setSpacing(4)

        self.banner = PatientBanner(chair)
        layout.addWidget(self.banner.widget)
        self.saved = Elided("hint", "Last saved")  # one line: the banner's height holds, the words stay whole
        self.saved.hide()
        self.banner.add_line(self.saved)  # in the banner: the page below keeps the height

        self.pump = PumpCheck(controller)
        layout.addWidget(self.pump.widget)
        self.adverse = AdverseEventBanner(controller)
        layout.addWidget(self.adverse.widget)
        self.clock_warning = label(CLOCK_BEHIND, name="Clock warning")
        set_tone(self.clock_warning, "act")  # the countdown has stopped while the pump has not
        self.clock_warning.hide()
        layout.addWidget(self.clock_warning)
        self.here_note = label(name="Kept on this computer")
        set_tone(self.here_note, "advise")  # an entry not in the record yet must not read as saved in it
        self.here_note.hide()
        layout.addWidget(self.here_note)
        self.course_row = QWidget()
        course = QHBoxLayout(self.course_row)
        course.setContentsMargins(0, 0, 0, 0)
        self.course_note = label(name="Course note")
        set_tone(self.course_note, "advise")
        course.addWidget(self.course_note, 1)
        self.course_why = button("Record why…", "Record why a day had no infusion")
        self.course_why.setAutoDefault(False)
        self.course_why.clicked.connect(self._record_days)
        course.addWidget(self.course_why)
        self.course_row.hide()
        layout.addWidget(self.course_row)
        self._days_read: tuple[str, dict[int, DayNotGivenView]] | None = None
        """The session whose course's days not given were last read, and those days: read when a session
        comes to the chair and when the nurse records one, not on every tick of the board."""

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.vitals = VitalsEntry(controller)
        self._park_vitals()

    # ---- pages ----------------------------------------------------------------------------------

    def _make(self, key: str) -> QWidget:
        makers: dict[str, Callable[[], QWidget]] = {
            "identify": lambda: IdentifyPage(self.controller, self.chair),
            "screen": lambda: ScreenPage(self.controller),
            "weigh": lambda: WeighPage(self.controller),
            "dose": lambda: DosePage(self.controller),
            "check": lambda: CheckPage(self.controller),
            "infuse": lambda: InfusePage(self.controller),
            "observe": lambda: ObservePage(self.controller),
            "sign": lambda: SignPage(self.controller),
        }
        page = makers[key]()
        if isinstance(page, DosePage | CheckPage):
            page.weigh_again.connect(self._weigh_again)
        if isinstance(page, WeighPage):
            page.cancelled.connect(self._weigh_cancelled)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own (it has nothing to say to a screen reader): it still scrolls to
        # whichever of its controls has the focus.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(page)
        frame = QWidget()  # the page scrolls; its actions, under it, do not
        column = QVBoxLayout(frame)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(scroll, 1)
        actions = getattr(page, "actions", None)
        if isinstance(actions, ActionBar):
            column.addWidget(actions)
        self.stack.addWidget(frame)
        if isinstance(actions, ActionBar):
            follow_in_tab_order(page, actions)
        self.pages[key] = page
        self._scrolls[key] = scroll
        self._slots[key] = page.findChild(VitalsSlot)
        return page

    def page(self, key: str) -> QWidget:
        return self.pages.get(key) or self._make(key)

    def _park_vitals(self) -> None:
        """Keep the entry out of sight on the panel itself, so it outlives the pages it was shown on."""
        holder = self.vitals.parentWidget()
        if holder is not self:
            if holder is not None and holder.layout() is not None:
                holder.layout().removeWidget(self.vitals)
            self.vitals.setParent(self)
        self.vitals.hide()

    def _forget_session_pages(self) -> None:
        if self.vitals.session_id is not None:  # what was typed belonged to the session that left
            self._park_vitals()
            self.vitals.start_over()
        for key in [k for k in self.pages if k != "identify"]:
            frame = self._scrolls.pop(key).parentWidget()
            self._slots.pop(key)
            self.pages.pop(key)
            self.stack.removeWidget(frame)
            frame.deleteLater()
        self._weigh_again_at = None

    def _weigh_again(self) -> None:
        self._weigh_again_at = self._last_event
        self.show_view(self._view)

    def _weigh_cancelled(self) -> None:
        self._weigh_again_at = None
        self.show_view(self._view)

    def take_focus(self) -> None:
        """Put the keyboard where the nurse was on this chair, or on the first field of its page."""
        if self._focus is not None and self.isAncestorOf(self._focus) and self._focus.isVisible():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        scroll = self.scroll_area()
        if scroll is None:
            return
        state = self._view.state if self._view else None
        first = landing(scroll.widget(), state) or first_control(self.stack.currentWidget())
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            # Once the page is laid out: a question pinned above it (the pump after a restart) takes its
            # room only then, and the field, with its caption, must be in view after that.
            QTimer.singleShot(0, first, lambda: scroll.ensureWidgetVisible(first))

    def scroll_area(self) -> QScrollArea | None:
        """The scroll area of the page on screen (its action bar is pinned under it)."""
        return next((s for s in self._scrolls.values() if s.parentWidget() is self.stack.currentWidget()), None)

    def keep_focus(self, widget: QWidget | None) -> None:
        """Remember the field the nurse leaves this chair from (she comes back to it)."""
        self._focus = widget if widget is not None and self.isAncestorOf(widget) else None

    # ---- drawing --------------------------------------------------------------------------------

    def show_view(self, view: ChairView | None) -> None:
        self._view = view
        state = view.state if view else None
        if state is None or state.session_id != self.session_id:
            self._forget_session_pages()
        self.session_id = state.session_id if state else None
        self.pump.show_state(state)
        self.adverse.show_state(state)
        if view is None or state is None:
            if self._last_event is not None:  # the session just left the board: it was signed
                self.saved.setText(
                    f"Session signed and closed at {clock_time(self.controller.now())}. The chair is free."
                )
                self.saved.show()
            self._last_event = None
            self.banner.show_view(None, self.controller.now())
            self.clock_warning.hide()
            self.here_note.hide()
            self.course_row.hide()
            self._switch("identify")
            return
        self._last_event = state.events[-1].id
        self.banner.show_view(view, self.controller.now())
        self.clock_warning.setVisible(state.clock_behind)
        self._show_course_note(state)
        here = self.controller.waiting_for(state.session_id)
        if here:
            entries = "entry is" if here == 1 else "entries are"
            self.here_note.setText(
                f"⚠ {here} {entries} on this computer only, not yet in {view.patient.full_name}'s record: sent when "
                "the clinic's record can be reached."
            )
        self.here_note.setVisible(bool(here))
        last = state.events[-1]
        by = self.controller.staff_name(last.recorded_by)
        here = self.controller.workplace.workstation.name
        self.saved.setText(recorded_words(last, by, here, saved_here=self.controller.saved_here(last.id)))
        self.saved.show()
        self._switch(self._page_key(state), state)

    def _show_course_note(self, state: SessionState) -> None:
        """A row noting earlier days of the course without an infusion, when there are any."""
        if state.course_id is None or not state.missed_days:
            self.course_row.hide()
            return
        self.course_row.show()
        if self._days_read is None or self._days_read[0] != state.session_id:
            days = self.controller.days_not_given(state.course_id)
            self._days_read = (state.session_id, {view.day: view for view in days})
        recorded = self._days_read[1]
        self.course_note.setText(missed_days_note(state.missed_days, recorded))
        self.course_note.show()
        self.course_why.setVisible(any(day not in recorded for day in state.missed_days))

    @property
    def forms_offered(self) -> bool:
        """The patient's outcome forms are asked before the first infusion and at the end of the course: not
        while the infusion runs, when the chair's page is the readings' and the alarms'."""
        return self._view is not None and self._view.state.step not in FORMS_WAIT

    def open_courses(self) -> None:
        """The patient's courses, day by day, and the outcome chart (read only)."""
        if self._view is not None:
            CourseViewDialog.show_for(self.controller, self._view.patient.id, self.window())

    def _record_days(self) -> None:
        state = self._view.state if self._view is not None else None
        if state is None or state.course_id is None or self._days_read is None:
            return
        recorded = self._days_read[1]
        unexplained = tuple(day for day in state.missed_days if day not in recorded)
        for view in DayNotGivenDialog.ask(self.controller, state.course_id, unexplained, self.window()):
            recorded[view.day] = view
        self._show_course_note(state)

    def record_forms(self) -> None:
        if self.forms_offered and self._view is not None:
            OutcomeFormsDialog.ask(self.controller, self._view.patient, self.window(), mode="chair")

    def _page_key(self, state: SessionState) -> str:
        weighing_again = self._weigh_again_at == state.events[-1].id and E.WEIGHED in state.allowed
        return "weigh" if weighing_again else PAGE_FOR_STEP[state.step]

    def _switch(self, key: str, state: SessionState | None = None) -> None:
        before = QApplication.focusWidget()
        was_on_page = before is not None and self.stack.isAncestorOf(before)
        shown = (key, state.step if state else None)
        moved = shown != self._shown
        self._shown = shown
        page = self.page(key)
        if state is not None:
            slot = self._slots[key]
            if slot is not None:
                slot.hold(self.vitals)
                self.vitals.show_state(state)
            page.show_state(state)  # type: ignore[attr-defined]
            if isinstance(page, WeighPage):
                page.cancel.setVisible(state.step is not Step.WEIGH)
        scroll = self._scrolls[key]
        self.stack.setCurrentWidget(scroll.parentWidget())
        if not moved:
            return
        # A new step starts at the top of its page, whatever the last page was scrolled to.
        scroll.verticalScrollBar().setValue(0)
        scroll.horizontalScrollBar().setValue(0)
        typing = isinstance(before, QLineEdit) and bool(before.text()) and before.isVisible()
        if was_on_page and not (typing and scroll.isAncestorOf(before)):
            # The step moved on under the nurse's keyboard: the keyboard goes to what she does first on
            # the new page, never to whatever Qt finds next (a screening "Yes", a reason to pause).
            first = landing(page, state) or first_control(scroll.parentWidget())
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
                # Once the new page is laid out (its geometry is stale until then): on a short screen the
                # field the keyboard is in must be in view, or the nurse types into a field she cannot see.
                QTimer.singleShot(0, first, lambda: scroll.ensureWidgetVisible(first))


def landing(page: QWidget, state: SessionState | None) -> QWidget | None:
    """The control a page says the nurse starts with at this step, if it says and it can be used."""
    choose = getattr(page, "first_focus", None)
    target = choose(state) if choose is not None and state is not None else None
    return target if target is not None and target.isVisible() and target.isEnabled() else None


def follow_in_tab_order(page: QWidget, bar: QWidget) -> None:
    """The bar's controls come after the page's in Tab order, as they sit under it on screen: a bar built
    apart from its page would otherwise keep the place in the chain where it was made."""
    last: QWidget | None = None
    widget = page.nextInFocusChain()
    while widget is not page and page.isAncestorOf(widget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            last = widget
        widget = widget.nextInFocusChain()
    # Every control that can take the focus, not only today's Tab stops: a row of choices moves its
    # one Tab stop to the button last chosen.
    # Not a dropdown's list or a menu: they are windows of their own, outside the page's chain.
    controls = (w for w in bar.findChildren(QWidget) if not w.isWindow() and w.window() is bar.window())
    for control in (w for w in controls if w.focusPolicy() != Qt.FocusPolicy.NoFocus):
        if last is not None:
            QWidget.setTabOrder(last, control)
        last = control


def first_control(area: QWidget) -> QWidget | None:
    """The first control inside the area that Tab would reach, in the window's Tab order."""
    widget = area.nextInFocusChain()
    while widget is not area:
        usable = widget.isVisible() and widget.isEnabled()
        if usable and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and area.isAncestorOf(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None
