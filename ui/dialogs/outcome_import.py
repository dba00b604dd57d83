"""The charge nurse imports the clinic's file of outcome forms (CSV; the format is in
``core.outcomes.importing``): chosen with the system's file chooser, checked whole, and either every sitting
recorded (those already in the record skipped and said) or nothing, with each problem by its line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPlainTextEdit, QWidget

from core.care.outcome_import import ImportResult
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.widgets.forms import button, label, set_tone

FORMAT = (
    "A CSV file in UTF-8, one sitting a row: mrn, taken_on (YYYY-MM-DD), an optional mode, one column per "
    "PROMIS item headed by its item id (an empty cell: not answered), and pain_intensity (0-10). Every row is "
    "checked first: one bad row and nothing is recorded."
)


class OutcomeImportDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None, chosen: Path | None = None) -> None:
        super().__init__(controller, parent, "Import outcome forms", width=760, height=480, spacing=10)
        self.result: ImportResult | None = None
        self.explain(FORMAT, role="hint")
        self.file = label("No file chosen.", name="Outcome file")
        self.column.addWidget(self.file)
        self.summary = label(name="Import summary")
        self.summary.hide()
        self.column.addWidget(self.summary)
        self.lines = QPlainTextEdit()
        self.lines.setAccessibleName("Import lines")
        self.lines.setReadOnly(True)
        self.lines.hide()
        self.column.addWidget(self.lines, 1)
        self.column.addWidget(self.message_line("Import message"))
        choose = button("Choose a file and import…", "Choose the outcome file and import it", role="primary")
        self.add_leave_and_act(button("Close", "Close the import"), choose, self._choose)
        self._chosen = chosen
        """A file given beforehand (tests), in place of asking the system's chooser."""

    def _choose(self) -> None:
        path = self._chosen
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, "The clinic's outcome file", "", "CSV files (*.csv);;All files (*)"
            )
            if not name:
                return
            path = Path(name)
        self.import_file(path)

    def import_file(self, path: Path) -> None:
        self.file.setText(f"File: {path}")
        try:
            data = path.read_bytes()
        except OSError as error:
            self.feedback.ask(f"The file {path} cannot be read ({error.strerror}). Check it, then try again.")
            return
        result = self.controller.import_assessments(self.feedback, data)
        if result is None:
            return
        self.result = result
        self.summary.setText(result.words)
        set_tone(self.summary, "saved" if result.imported else "error")
        self.summary.show()
        lines = [p.words for p in result.problems] + [p.words for p in result.skipped]
        for done in result.recorded:
            view = done.assessment
            point = view.time_point or "no time point"
            forms = "; ".join(f"{form.domain} {form.words}" for form in view.forms)
            lines.append(f"Line {done.line}: {done.mrn} {view.taken_on.isoformat()} ({point}): {forms}")
        self.lines.setPlainText("\n".join(lines))
        self.lines.setVisible(bool(lines))

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> ImportResult | None:
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.result
