"""Every printout the app offers goes through the same preview: one method or one call each.

Core builds a document once, from what is recorded, as its PDF and the audit line(s) each copy will
need; ``Printouts.show`` opens it in the preview, which prints, saves and audits each copy. A new
document is one method here and one entry where it is offered. ReportLab is imported by the first
printout, not at start-up: most shifts print little.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from core.dates import local_stamp
from core.reports.output import Output, Printout
from core.views import ChairView
from ui.controller import Controller


@contextmanager
def waiting() -> Iterator[None]:
    """A PDF takes a moment to build (a day log about a third of a second): the cursor says so."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class Printouts:
    """Knows the controller and the window the previews open over."""

    def __init__(self, controller: Controller, parent: QWidget | None) -> None:
        self.controller = controller
        self.parent = parent

    def show(self, title: str, pdf: bytes, output: Output | Sequence[Output]) -> None:
        from ui.dialogs.print_preview import show_pdf  # with Qt's printing, at the first printout: not at start

        show_pdf(self.parent, self.controller, title, pdf, output)

    def _printed_by(self) -> str | None:
        """Who prints: a printout always names its printer, so nobody signed in prints nothing."""
        user = self.controller.user
        return user.name if user is not None and self.controller.nurse_id is not None else None

    def _build(self, title: str, build: Callable[[str], Printout]) -> None:
        """Build once (trouble shown by the controller's banner), then preview it with its audit lines."""
        who = self._printed_by()
        if who is None:
            return
        with waiting():
            printout = self.controller.run(None, lambda: build(who), writes=False)
        if printout is not None:
            self.show(title, printout.pdf, printout.outputs)

    def downtime_printout(self) -> tuple[str, bytes, Output] | None:
        """Blank forms from the protocol in force, on the clinic's paper, footed with who printed them and
        when; None while nobody is signed in."""
        from core.reports.downtime import downtime_forms

        who = self._printed_by()
        if who is None:
            return None
        clinic, protocol = self.controller.clinic(), self.controller.protocol
        with waiting():
            pdf = downtime_forms(
                protocol, clinic.clinic_name, clinic.page_size, local_stamp(self.controller.now()), who
            )
        return "Downtime forms", pdf, Output(f"downtime forms ({protocol.id} {protocol.version})", "")

    def downtime_forms(self) -> None:
        built = self.downtime_printout()
        if built is not None:
            self.show(*built)

    def session_summary(self, session_id: str) -> None:
        """The chart's summary of one session, signed or not (an unsigned one prints as a draft)."""
        from core.reports.session_summary import Printing, summary_printout

        care, clinic, now = self.controller.care, self.controller.clinic(), self.controller.now()

        def build(who: str) -> Printout:
            printing = Printing(clinic.clinic_name, clinic.page_size, local_stamp(now), who)
            return summary_printout(care.session_snapshot(session_id), printing)

        self._build("Session summary", build)

    def handoff(self, chairs: list[int]) -> None:
        """The I-PASS sheet drafted from these chairs' sessions as they stand now; each patient on it gets
        an audit line for every copy."""
        from core.reports.handoff import handoff_printout

        if not chairs:
            return
        care, clinic = self.controller.care, self.controller.clinic()
        words = f"chair {chairs[0]}" if len(chairs) == 1 else "chairs " + ", ".join(map(str, chairs))
        self._build(
            f"Handoff sheet, {words}", lambda who: handoff_printout(care.open_chairs(), chairs, clinic, who, who)
        )

    def escort_sheet(self, session_id: str) -> None:
        """The going-home sheet for the patient and escort."""
        from core.reports.escort_sheet import escort_printout

        care, clinic = self.controller.care, self.controller.clinic()
        self._build("Going-home sheet", lambda who: escort_printout(care.session_snapshot(session_id), clinic, who))


def my_chairs(views: Sequence[ChairView], nurse_id: str | None) -> list[int]:
    """The chairs a nurse hands over (those whose open session she opened or recorded last), from the
    sessions the board already read this second."""
    from core.handoff import nurse_chairs  # the handoff's machinery: with the first menu or sheet, not at start

    return nurse_chairs(views, nurse_id) if nurse_id else []
