"""How to reach a patient for follow-up questionnaires: recorded, or changed, for a patient already
registered. A later route replaces the earlier on the follow-up list; the earlier stays in the record."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.outcomes.contact import ContactView
from core.views import PatientView
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.widgets.contact_fields import ContactFields
from ui.widgets.forms import button, label


def route_words(route: ContactView | None) -> str:
    if route is None:
        return "No contact route recorded for follow-ups."
    return f"Follow-ups: {route.words} (recorded by {route.recorded_by}, {route.recorded_at.astimezone():%Y-%m-%d})"


class ContactRouteDialog(Dialog):
    def __init__(self, controller: Controller, patient: PatientView, parent: QWidget | None) -> None:
        super().__init__(controller, parent, "Contact route for follow-ups", width=620, spacing=10)
        self.patient = patient
        self.recorded: ContactView | None = None
        current = controller.contact_route(patient.id)
        self.column.addWidget(label(f"{patient.full_name} · {patient.mrn}", role="heading", name="Contact patient"))
        self.column.addWidget(label(route_words(current), role="hint", name="Contact route now"))
        self.fields = ContactFields()
        self.fields.show_route(current)
        self.column.addWidget(self.fields)
        self.column.addWidget(self.message_line("Contact message"))
        self.fields.bind(self.feedback)
        self.fields.phone.returnPressed.connect(self._record)
        self.add_leave_and_act(
            button("Close", "Close without recording"), button("Record", role="primary"), self._record
        )
        self.fields.phone.setFocus()

    def _record(self) -> None:
        phone, way, note = self.fields.values()
        saved = self.controller.record_contact(self.feedback, self.patient.id, phone, way, note)
        if saved is not None:
            self.recorded = saved
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, patient: PatientView, parent: QWidget | None) -> ContactView | None:
        """The route recorded, or None when the nurse closed it without recording one."""
        dialog = cls(controller, patient, parent)
        dialog.exec()
        return dialog.recorded
