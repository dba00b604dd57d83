"""The main window: who is on duty, the chairs on the left, the chosen chair on the right.

One 1-second timer calls ``refresh()``, which re-reads every open session from core and redraws.
It counts nothing itself: each time left is computed by core from recorded events and the clock.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.machine import Step
from core.services import STEP_WORDS, ChairView
from core.startup import Workplace
from ui.chair_list import ChairList
from ui.chair_panel import ChairPanel
from ui.controller import Controller
from ui.dialogs.add_staff import AddStaffDialog
from ui.text import countdown
from ui.widgets.forms import button, card, combo, label

TICK_MS = 1000


def unfinished_line(view: ChairView) -> str:
    state = view.state
    text = f"chair {view.chair} — {view.patient.full_name} — {STEP_WORDS[state.step].lower()}"
    if state.step in {Step.INFUSING, Step.PAUSED}:
        text += f", {countdown(state.infusion.remaining)} left"
    return text


def banner(role: str, name: str, dismiss_name: str) -> tuple[QFrame, QLabel]:
    """A hidden strip across the window with a message and a Dismiss button."""
    frame = card(role)
    row = QHBoxLayout(frame)
    text = label(name=name)
    row.addWidget(text, 1)
    dismiss = button("Dismiss", dismiss_name)
    dismiss.clicked.connect(frame.hide)
    row.addWidget(dismiss)
    frame.hide()
    return frame, text


class MainWindow(QMainWindow):
    def __init__(self, workplace: Workplace) -> None:
        super().__init__()
        self.workplace = workplace
        self.controller = Controller(workplace)
        self.setWindowTitle(f"Chairside — {workplace.clinic.clinic_name}")
        self.resize(1280, 800)
        self.panels: dict[int, ChairPanel] = {}

        central = QWidget()
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)

        top = QHBoxLayout()
        top.addWidget(label("Nurse on duty", role="heading"))
        self.nurse = combo("Nurse on duty", [], "Choose who you are")
        self.nurse.setMinimumWidth(280)
        self.nurse.currentIndexChanged.connect(self._nurse_chosen)
        top.addWidget(self.nurse)
        add = button("Add staff member…")
        add.clicked.connect(self._add_staff)
        top.addWidget(add)
        top.addStretch(1)
        top.addWidget(label(workplace.clinic.clinic_name, role="hint", name="Clinic", wrap=False))
        layout.addLayout(top)

        self.trouble, self.trouble_text = banner("banner-act", "Trouble", "Dismiss trouble")
        layout.addWidget(self.trouble)
        self.notice, self.notice_text = banner("banner-advise", "Unfinished sessions", "Dismiss notice")
        layout.addWidget(self.notice)

        split = QSplitter()
        self.chair_list = ChairList(workplace.chairs)
        self.chair_list.chair_chosen.connect(self._chair_chosen)
        self.right = QStackedWidget()
        split.addWidget(self.chair_list)
        split.addWidget(self.right)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)

        self.controller.changed.connect(self.refresh)
        self.controller.trouble.connect(self._show_trouble)
        self.controller.trouble_over.connect(self.trouble.hide)
        self.controller.staff_changed.connect(self._fill_staff)
        self._fill_staff()

        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.refresh)
        self._offer_unfinished()
        self.tick.start()

    # ---- chairs ---------------------------------------------------------------------------------

    def panel(self, chair: int) -> ChairPanel:
        if chair not in self.panels:
            self.panels[chair] = ChairPanel(self.controller, chair)
            self.right.addWidget(self.panels[chair])
        return self.panels[chair]

    def _chair_chosen(self, chair: int) -> None:
        self.right.setCurrentWidget(self.panel(chair))
        self.refresh()

    def refresh(self) -> None:
        """Re-read every open session from core and redraw; the timer calls this once a second."""
        views = self.controller.chairs()
        if views is None:
            return  # the banner says why; what is on screen stays
        by_chair = {view.chair: view for view in views}
        self.chair_list.show_chairs(by_chair)
        chair = self.chair_list.current_chair()
        if chair is not None:
            self.panel(chair).show_view(by_chair.get(chair))

    def _offer_unfinished(self) -> None:
        views = self.controller.chairs() or []
        shown = [view for view in views if view.chair in self.workplace.chairs]
        first = next((v for v in shown if v.state.needs_pump_check), shown[0] if shown else None)
        if views:
            lines = "\n".join(unfinished_line(view) for view in views)
            self.notice_text.setText(f"Unfinished sessions from before:\n{lines}")
            self.notice.show()
        if first is not None:
            self.chair_list.choose(first.chair)
        elif self.workplace.chairs:
            self.chair_list.choose(self.workplace.chairs[0])

    # ---- people and trouble ---------------------------------------------------------------------

    def _fill_staff(self) -> None:
        chosen = self.controller.nurse_id
        self.nurse.blockSignals(True)
        self.nurse.clear()
        for person in self.controller.staff():
            self.nurse.addItem(person.name, person.id)
        self.nurse.setCurrentIndex(self.nurse.findData(chosen) if chosen else -1)
        self.nurse.blockSignals(False)

    def _nurse_chosen(self) -> None:
        self.controller.nurse_id = self.nurse.currentData()

    def _add_staff(self) -> None:
        added = AddStaffDialog.ask(self.controller, self)
        if added is not None and self.controller.nurse_id is None:
            self.nurse.setCurrentIndex(self.nurse.findData(added.id))

    def _show_trouble(self, text: str) -> None:
        self.trouble_text.setText(f"Could not save or read just now. Everything already saved is safe.\n{text}")
        self.trouble.show()

    def shutdown(self) -> None:
        self.tick.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)
