"""What the clinic's reports over a period have in common on screen: the period typed and checked by its
fields, the count run away from the screen's thread (a report over years takes seconds, and the board's
countdowns and alarms go on meanwhile), nothing shown stale while it runs, the window closed at once even
then, a page of words that may run long, and the printout shown in the print preview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QScrollArea, QStackedWidget, QWidget

from core.dates import parse_day
from core.reports.output import Output
from ui.background import Background
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.dialogs.print_preview import show_pdf
from ui.widgets.forms import label

POLL_MS = 50
"""How often the window looks whether the count has finished."""


class CountedReport(Dialog):
    """A report's dialog: ``first``, ``last``, ``show_button``, ``counts`` and ``parts`` are made by the
    dialog itself; it shows what a count returns (``show``) and builds its printout (``printout``)."""

    first: QLineEdit
    last: QLineEdit
    show_button: QPushButton
    counts: QLabel
    parts: QStackedWidget

    def start_counting(self) -> None:
        """Called once in ``__init__``, before anything may count."""
        self.report: Any = None
        self._job: Background[Any] | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._counted)

    def period(self) -> tuple[date, date] | None:
        """The period typed, each day checked by its field (said there, and nothing shown stale)."""

        def days() -> tuple[date, date]:
            return (
                parse_day(self.first.text(), "first_day", "the first day"),
                parse_day(self.last.text(), "last_day", "the last day"),
            )

        found = self.controller.run(self.feedback, days, writes=False)
        if found is None:
            self.show_report(None)
        return found

    def count(self, call: Callable[[], Any], name: str, first: date, last: date) -> None:
        """Run ``call`` away from the screen's thread; the last period's figures go meanwhile, so none is read
        under the new period's heading."""
        self._job = Background(call, name)
        self.show_report(None)
        self.show_button.setEnabled(False)
        self.counts.setText(f"Counting {first.isoformat()} to {last.isoformat()}…")
        self._poll.start()

    @property
    def counting(self) -> bool:
        return self._job is not None

    def _counted(self) -> None:
        if self._job is None or not self._job.done():
            return
        self._poll.stop()
        job, self._job = self._job, None
        self.show_button.setEnabled(True)
        self.show_report(self.controller.run(self.feedback, job.result, writes=False))

    def done(self, result: int) -> None:
        """The window closes at once, even while a count runs (waiting for it would hold the board's
        countdowns and alarms): the count records nothing (at most it keeps what it counted for the next
        report), and its figures go unused."""
        self._poll.stop()
        self._job = None
        super().done(result)

    def words_page(self, name: str) -> QLabel:
        """A page of words that may run long: it scrolls, and the figures keep the dialog's height."""
        words = label(name=name)
        words.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(words)
        self.parts.addWidget(scroll)
        return words

    def show_report(self, report: Any) -> None:
        raise NotImplementedError

    def printout(self) -> tuple[str, bytes, tuple[Output, ...]] | None:
        raise NotImplementedError

    def print_(self) -> None:
        built = self.printout()
        if built is not None:
            show_pdf(self, self.controller, *built)

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> None:
        dialog = cls(controller, parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
