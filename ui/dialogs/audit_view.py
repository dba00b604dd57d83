"""The audit trail on screen, for charge nurses and administrators, and the check that it is whole.

Every look is itself written to the trail by core (with the filters used), so the window reads the
trail only when asked: on opening, and each time the filters are applied.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QTableWidgetItem, QWidget

from core import audit
from core.audit_report import DEFAULT_LIMIT, AuditLine, read_trail
from ui.controller import Controller
from ui.dialogs.base import Dialog, one_line_rows, tab_order
from ui.dialogs.people import named_table
from ui.widgets.forms import button, label, line_edit, set_tone

COLUMNS = ("When and where", "Who", "What", "Patient and session", "Detail")
WHEN_WIDTH, WHO_WIDTH, WHAT_WIDTH, PATIENT_WIDTH = 250, 160, 170, 200
"""Wide enough for most; a longer cell ends in "…", and the detail takes the room left over: at 1024 pixels
wide, fitting the moment and workstation to their text left the detail a few letters."""


def _cells(line: AuditLine) -> tuple[str, ...]:
    """Five columns of one line each, so many entries are in view at once; a cell's whole text is on its
    tooltip, and the detail takes the room left over."""
    patient = " · ".join(part for part in (line.patient, line.session) if part)
    return (f"{line.when} · {line.where}", line.who, line.action, patient, line.detail)


class AuditDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Audit trail", width=940, height=560, spacing=8, remember="audit trail")
        self.explain(
            "Who signed in, opened a record, recorded care, signed, printed or exported, newest first, in "
            "this computer's local time. Reading the trail is recorded in it too.",
            role="hint",
        )
        filters = QGridLayout()
        filters.setHorizontalSpacing(12)
        # Each caption beside its field, on one row: the entries below get the height.
        self.mrn = line_edit("Patient MRN", "Any patient")
        self.username = line_edit("User name", "Anyone")
        self.day = line_edit("Date", "Any day (YYYY-MM-DD)")
        self.show_button = button("Show", "Show entries", role="primary")
        self.show_button.setAutoDefault(False)
        for column, (caption, field) in enumerate(
            (("Patient MRN", self.mrn), ("User name", self.username), ("Date", self.day))
        ):
            words = label(caption, wrap=False)
            words.setBuddy(field)
            filters.addWidget(words, 0, 2 * column)
            filters.addWidget(field, 0, 2 * column + 1)
            field.returnPressed.connect(self.load)
        filters.addWidget(self.show_button, 0, 6)
        self.column.addLayout(filters)
        self.column.addWidget(
            self.message_line("Audit message", {"mrn": self.mrn, "username": self.username, "date": self.day})
        )
        self.count = label("", name="Entries shown")
        set_tone(self.count, "quiet")
        self.column.addWidget(self.count)
        self.table = named_table("Audit entries", COLUMNS)
        one_line_rows(self.table, {0: WHEN_WIDTH, 1: WHO_WIDTH, 2: WHAT_WIDTH, 3: PATIENT_WIDTH}, 4)
        self.column.addWidget(self.table, 1)
        self.verdict = label("", name="Trail check result")
        self.verdict.hide()
        self.column.addWidget(self.verdict)
        close = button("Close", "Close audit trail")
        verify = button("Verify the trail", "Verify the trail")
        close.clicked.connect(self.accept)
        verify.clicked.connect(self.verify)
        self.add_buttons([close], [verify])
        tab_order(self.mrn, self.username, self.day, self.show_button, self.table, verify, close)
        self.show_button.clicked.connect(self.load)
        self.load()
        self.mrn.setFocus()

    def load(self) -> None:
        """Read the trail with the filters as typed; core checks them and records that it was read."""
        reader = self.signed_in("Sign in as a charge nurse or administrator to read the audit trail.")
        if reader is None:
            return
        workplace = self.controller.workplace
        mrn, username, day = self.mrn.text(), self.username.text(), self.day.text()
        found = self.controller.run(
            self.feedback,
            lambda: read_trail(
                workplace.database,
                self.controller.care.clock,
                workplace.workstation.name,
                reader,
                mrn=mrn,
                username=username,
                day=day,
            ),
            writes=False,
        )
        if found is None:
            # What is on screen no longer matches the filters as typed: show nothing rather than mislead.
            self.table.setRowCount(0)
            self.count.setText("")
            return
        self.table.setRowCount(len(found))
        for row, line in enumerate(found):
            for column, text in enumerate(_cells(line)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        if len(found) >= DEFAULT_LIMIT:
            self.count.setText(f"The newest {len(found)} entries: narrow the filters to see older ones.")
        else:
            self.count.setText("No entries match these filters." if not found else f"{len(found)} entries.")

    def verify(self) -> None:
        """Check every link of the chain and say plainly whether it is whole."""
        database = self.controller.workplace.database
        check = self.controller.run(self.feedback, lambda: audit.verify(database), writes=False)
        if check is None:
            return
        if check.ok:
            self.verdict.setText(f"The trail is whole: {check.entries} entries checked, none changed or removed.")
            set_tone(self.verdict, "saved")
        else:
            where = f"at entry {check.first_broken}" if check.first_broken is not None else "at its end"
            self.verdict.setText(
                f"The trail is broken {where}: {check.problem} Tell the clinic's IT and keep the database as it is."
            )
            set_tone(self.verdict, "error")
        self.verdict.show()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> None:
        cls(controller, parent).exec()
