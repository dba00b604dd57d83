"""Why a day of the course had no infusion: the patient's reason or the clinic's, one day at a time.

The chair's course note says which earlier days of the course had no infusion. The course's record
and the clinic's adherence figures count the patient's reasons and the clinic's apart, so the nurse
who knows says which it was and why; a day recorded once is not offered again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QWidget

from core.views import DayNotGivenView
from ui.controller import Controller
from ui.dialogs.base import Dialog, add_field
from ui.widgets.forms import button, line_edit
from ui.widgets.segmented import Segmented

PATIENT, CLINIC = "patient", "clinic"


class DayNotGivenDialog(Dialog):
    def __init__(self, controller: Controller, course_id: str, days: tuple[int, ...], parent: QWidget | None) -> None:
        """``days``: the course's days with no infusion and no reason recorded yet, in order (the first is
        chosen, and said with its date, so a nurse knows which day she answers for)."""
        super().__init__(controller, parent, "Record why a day had no infusion", width=720, spacing=10)
        self.course_id = course_id
        self.recorded: list[DayNotGivenView] = []
        self.explain(
            "Say for each day without an infusion whether the patient missed it or the clinic cancelled it, "
            "and why: the course's record counts the two apart.",
            role="hint",
        )
        form = QFormLayout()
        dates = controller.course_dates(course_id)
        self.day = Segmented(
            "Day", [(str(n), f"Day {n} · {dates[n]:%a %d %b}" if n in dates else f"Day {n}") for n in days]
        )
        self.cause = Segmented("Why", [(PATIENT, "Missed by the patient"), (CLINIC, "Cancelled by the clinic")])
        self.reason = line_edit("Reason", "What happened: did not come, unwell, no second nurse…")
        self.reason.returnPressed.connect(self._record)
        add_field(form, "Day", self.day)
        add_field(form, "Because", self.cause)
        add_field(form, "Reason", self.reason)
        self.column.addLayout(form)
        self.column.addWidget(self.message_line("Day message", {"day": self.day, "day_reason": self.reason}))
        self.record = button("Record", role="primary")
        self.add_leave_and_act(button("Close", "Close without recording"), self.record, self._record)
        self.day.set_value(str(days[0]))
        self.cause.setFocus()

    def _record(self) -> None:
        day, cause = self.day.value(), self.cause.value()
        if day is None:
            self.feedback.ask("Choose the day.")
            return
        if cause is None:
            self.feedback.ask("Choose whether the patient missed the day or the clinic cancelled it.")
            return
        saved = self.controller.record_day_not_given(
            self.feedback, self.course_id, int(day), by_clinic=cause == CLINIC, reason=self.reason.text()
        )
        if saved is None:
            return
        self.recorded.append(saved)
        self.day.buttons[day].setEnabled(False)
        self.day.set_value(None)
        self.cause.set_value(None)
        self.reason.clear()
        left = [value for value, option in self.day.buttons.items() if option.isEnabled()]
        if not left:
            self.accept()
            return
        self.feedback.saved(f"Recorded: {saved.words}. Now day {left[0]}, if you know why.")
        self.day.set_value(left[0])

    @classmethod
    def ask(
        cls, controller: Controller, course_id: str, days: tuple[int, ...], parent: QWidget | None
    ) -> list[DayNotGivenView]:
        """The days recorded before the nurse closed it (all of them, or none)."""
        dialog = cls(controller, course_id, days, parent)
        dialog.exec()
        return dialog.recorded
