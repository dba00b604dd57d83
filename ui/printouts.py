"""Every printout the app offers goes through the same preview: one method or one call each.

Core builds a document as bytes from what is recorded; ``Printouts.show`` opens it in the preview with
its title and what the audit trail will call it, and the preview prints, saves and audits each copy.
A new document is one line where it is offered, e.g. ``printouts.show("Day log", pdf, output)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from core.handoff import nurse_chairs
from core.reports.downtime import downtime_forms
from core.reports.escort_sheet import escort_output, escort_pdf
from core.reports.handoff import handoff_outputs, handoff_pdf
from core.reports.output import Output, local_stamp
from core.reports.session_summary import Printing, session_summary
from ui.controller import Controller
from ui.dialogs.print_preview import show_pdf


class Printouts:
    """Knows the controller and the window the previews open over."""

    def __init__(self, controller: Controller, parent: QWidget | None) -> None:
        self.controller = controller
        self.parent = parent

    def show(self, title: str, pdf: bytes, output: Output | Sequence[Output]) -> None:
        show_pdf(self.parent, self.controller, title, pdf, output)

    def downtime_printout(self) -> tuple[str, bytes, Output] | None:
        """Blank forms from the protocol in force, on the clinic's paper, footed with who printed them and
        when; None while nobody is signed in (a printout always names who printed it)."""
        user = self.controller.user
        if user is None or self.controller.nurse_id is None:
            return None
        clinic, protocol = self.controller.clinic(), self.controller.protocol
        printed_at = local_stamp(self.controller.now())
        pdf = downtime_forms(protocol, clinic.clinic_name, clinic.page_size, printed_at, user.name)
        return "Downtime forms", pdf, Output(f"downtime forms ({protocol.id} {protocol.version})", "")

    def downtime_forms(self) -> None:
        built = self.downtime_printout()
        if built is not None:
            self.show(*built)

    def _printing(self) -> Printing | None:
        """The clinic's paper and who prints now; None while nobody is signed in."""
        user = self.controller.user
        if user is None or self.controller.nurse_id is None:
            return None
        clinic = self.controller.clinic()
        return Printing(clinic.clinic_name, clinic.page_size, local_stamp(self.controller.now()), user.name)

    def session_summary(self, session_id: str) -> None:
        """The chart's summary of one session, signed or not (an unsigned one prints as a draft)."""
        printing = self._printing()
        if printing is None:
            return
        care = self.controller.care
        built = self.controller.run(None, lambda: session_summary(care, session_id, printing), writes=False)
        state = self.controller.state(session_id)
        if built is not None and state is not None:
            patient_id = state.events[0].payload["patient_id"]
            self.show("Session summary", built, Output("session summary", "", patient_id, session_id))

    def handoff(self, chairs: list[int]) -> None:
        """The I-PASS sheet drafted from these chairs' sessions as they stand now; each patient on it gets
        an audit line for every copy."""
        user = self.controller.user
        if user is None or self.controller.nurse_id is None or not chairs:
            return
        care, clinic = self.controller.care, self.controller.clinic()
        built = self.controller.run(None, lambda: handoff_pdf(care, chairs, clinic, user.name, user.name), writes=False)
        outputs = self.controller.run(None, lambda: handoff_outputs(care, chairs), writes=False)
        if built is not None and outputs:
            words = f"chair {chairs[0]}" if len(chairs) == 1 else "chairs " + ", ".join(map(str, chairs))
            self.show(f"Handoff sheet, {words}", built, outputs)

    def my_chairs(self) -> list[int]:
        """The chairs the signed-in nurse hands over: those whose open session she opened or recorded last."""
        views = self.controller.chairs() or []
        return nurse_chairs(views, self.controller.nurse_id) if self.controller.nurse_id else []

    def escort_sheet(self, session_id: str) -> None:
        """The going-home sheet for the patient and escort."""
        user = self.controller.user
        if user is None or self.controller.nurse_id is None:
            return
        care, clinic = self.controller.care, self.controller.clinic()
        built = self.controller.run(None, lambda: escort_pdf(care, session_id, clinic, user.name), writes=False)
        output = self.controller.run(None, lambda: escort_output(care, session_id), writes=False)
        if built is not None and output is not None:
            self.show("Going-home sheet", built, output)
