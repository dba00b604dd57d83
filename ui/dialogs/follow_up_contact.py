"""How to reach a patient for a follow-up form, recorded from the follow-up list: the telephone number,
the way the patient prefers to be asked, and a note (best times, who else may answer).

Opened on a row of the list, it shows the route in force, if any, ready to correct: a new route replaces
it on the list, and the earlier one stays in the record. Core checks the number and the way
(``core.outcomes.contact``); what it refuses is said by the field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QWidget

from core.outcomes.contact import WAYS, ContactView
from ui.controller import Controller
from ui.dialogs.base import Dialog, add_field
from ui.widgets.forms import button, label, line_edit
from ui.widgets.segmented import Segmented

ASK_NURSE = "Sign in to record how to reach the patient."


class FollowUpContactDialog(Dialog):
    def __init__(self, controller: Controller, patient_id: str, who: str, parent: QWidget | None = None) -> None:
        """``who``: the patient as the list names them (name, record number, date of birth)."""
        super().__init__(controller, parent, "Record how to reach the patient", width=720, spacing=10)
        self.patient_id = patient_id
        self.recorded: ContactView | None = None
        self.column.addWidget(label(who, role="heading", name="Patient"))
        current = controller.run(None, lambda: controller.care.contact_route(patient_id), writes=False)
        self.explain(
            f"In force now: {current.words} (recorded by {current.recorded_by or 'someone no longer listed'})."
            if current is not None
            else "No contact route is recorded yet: ask the patient, or find it in the referral.",
            role="hint",
        )
        form = QFormLayout()
        self.phone = line_edit("Phone number", "e.g. +1 216 555 0142")
        self.way = Segmented("Preferred way", list(WAYS.items()))
        self.note = line_edit("Contact note", "Best times, who else may answer… (optional)")
        add_field(form, "Phone", self.phone)
        add_field(form, "Prefers", self.way)
        add_field(form, "Note", self.note)
        self.column.addLayout(form)
        self.column.addWidget(
            self.message_line(
                "Contact message", {"phone": self.phone, "preferred": self.way, "contact_note": self.note}
            )
        )
        for field in (self.phone, self.note):
            field.returnPressed.connect(self._record)
        self.record_button = button("Record", "Record the contact route", role="primary")
        self.add_leave_and_act(button("Close", "Close without recording"), self.record_button, self._record)
        if current is not None:
            self.phone.setText(current.phone)
            self.way.set_value(current.preferred)
            self.note.setText(current.note or "")
        self.phone.setFocus()

    def _record(self) -> None:
        user = self.signed_in(ASK_NURSE)
        if user is None:
            return
        way = self.way.value()
        if way is None:
            self.feedback.ask("Choose how the patient prefers to be asked.")
            return
        by, phone, note = user.id, self.phone.text(), self.note.text()
        care = self.controller.care
        saved = self.controller.run(
            self.feedback, lambda: care.record_contact(self.patient_id, phone, way, by, note=note), writes=True
        )
        if saved is not None:
            self.recorded = saved
            self.accept()

    @classmethod
    def ask(
        cls, controller: Controller, patient_id: str, who: str, parent: QWidget | None = None
    ) -> ContactView | None:
        """The route recorded, or None if the nurse closed it without recording one."""
        dialog = cls(controller, patient_id, who, parent)
        dialog.exec()
        return dialog.recorded
