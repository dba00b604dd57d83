"""The course view: opened from the chair for the patient in it, or by id for any patient; each day's status
in words and a mark, the outcome chart painting each measure with its baseline and band, and the course
summary printed through the print preview, each copy audited."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QTableWidget

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.identify import Identified
from tests.helpers.courses import two_courses
from tests.helpers.window import Nurse
from tests.ui.test_account_dialogs import answer_modal
from ui.controller import Controller
from ui.dialogs import course_view
from ui.dialogs.course_view import CourseViewDialog
from ui.main_window import MainWindow
from ui.style import TARGET
from ui.widgets.outcome_chart import MeasureChart


def cells(dialog: CourseViewDialog, name: str) -> list[list[str]]:
    (table,) = [t for t in dialog.findChildren(QTableWidget) if t.accessibleName() == name]
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_nurse_opens_the_course_from_the_chair_and_reads_each_day(
    qtbot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    two_courses(care, patient, nurses, clock)
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    nurse.on_duty(nurses[0])
    window.refresh()
    nurse.chair(1)
    seen: dict[str, object] = {}

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, CourseViewDialog)
        seen["title"] = dialog.who.text()
        seen["list"] = [dialog.courses.item(i).text() for i in range(dialog.courses.count())]
        seen["first"] = cells(dialog, "Course 1 days")
        seen["second"] = cells(dialog, "Course 2 days")
        seen["forms"] = cells(dialog, "Course 1 outcome forms")
        seen["current"] = dialog.courses.currentRow()
        seen["heights"] = [dialog.courses.sizeHintForRow(i) for i in range(dialog.courses.count())]
        dialog.reject()

    answered = answer_modal(qtbot, answer)
    nurse.pick("Menu", "Courses of the open chair's patient")
    assert answered
    assert seen["title"] == "LINDQVIST, Maja · born 1971-03-14 · MRN-1001"
    assert seen["list"][1].endswith("119 days after course 1") and seen["list"][-1].startswith("Outcome chart")
    assert seen["current"] == 1  # the latest course first
    assert all(h >= TARGET for h in seen["heights"])  # type: ignore[union-attr]
    statuses = [row[1] for row in seen["first"]]  # type: ignore[index]
    assert statuses == [
        "✓ completed",
        "◐ stopped early: Severe nausea (after 10.0 min)",
        "✗ not treated: Patient felt unwell",
        "⊘ cancelled by the clinic: No second nurse on duty",
        "○ missed by the patient: Did not come: unwell",
    ]
    assert "AE: Nausea (severe), Infusion stopped, antiemetic given" in seen["first"][1][4]  # type: ignore[index]
    assert [row[1] for row in seen["second"]] == ["✓ completed", "? no record", "▶ in progress"]  # type: ignore[index]
    forms = " ".join(row[2] for row in seen["forms"])  # type: ignore[attr-defined]
    assert "Pain Interference T " in forms and "PI_4a" not in forms  # by the measure's name, not the form's code
    # Opening the courses is a view of the patient's record, in the audit trail.
    actions = [e.action for e in audit.entries(care.db, patient_id=patient.id)]
    assert AuditAction.PATIENT_VIEWED in actions


def test_the_chart_paints_each_measure_with_its_baseline_and_band(
    qtbot, controller: Controller, ana, care: Care, patient, nurses, clock
):
    two_courses(care, patient, nurses, clock)
    dialog = CourseViewDialog(controller, patient.id)
    qtbot.addWidget(dialog)
    charts = dialog.findChildren(MeasureChart)
    assert [c.measure.domain for c in charts] == ["Pain Interference", "Physical Function", "Pain intensity"]
    assert [c.measure.better for c in charts] == ["better ↓", "better ↑", "better ↓"]
    assert "course 1 baseline" in charts[0].accessibleDescription()
    notes = [w.text() for w in dialog.chart.findChildren(type(dialog.who))]
    assert any("table to verify" in n for n in notes) and any("Dashed line" in n for n in notes)
    chart = charts[1]  # physical function: the band sits around its baseline
    chart.resize(QSize(480, 230))
    image = QImage(chart.size(), QImage.Format.Format_RGB32)
    chart.render(image)
    base = chart.measure.baselines[0]
    x = int((chart.x_of(base.on) + chart.x_of(base.until)) / 2)
    on_line = image.pixelColor(x, int(chart.y_of(base.value)))
    assert on_line.lightness() < 80  # the dashed baseline (or a dash's gap beside it)
    inside = [image.pixelColor(x + dx, int(chart.y_of(base.value + 2))).lightness() for dx in range(12)]
    assert min(inside) < 200 < max(inside)  # hatched: dark lines on white, not a flat fill
    outside = image.pixelColor(x, int(chart.y_of(base.value + 6)))
    assert outside == QColor("#ffffff")
    plot = chart._plot()  # a marker on the first or last day (6 px about its point) stays inside the plot
    assert chart.x_of(chart.chart.start) - 6 > plot.left() and chart.x_of(chart.chart.end) + 6 < plot.right()


def test_any_patient_s_courses_open_by_id_and_print_through_the_preview(
    qtbot, controller: Controller, ana, care: Care, patient, nurses, clock, monkeypatch
):
    two_courses(care, patient, nurses, clock)
    shown: list[tuple[str, bytes, object]] = []
    monkeypatch.setattr(
        course_view, "show_pdf", lambda parent, ctl, title, pdf, output: shown.append((title, pdf, output))
    )
    dialog = CourseViewDialog(controller, patient.id)
    qtbot.addWidget(dialog)
    dialog.print_button.click()
    ((title, pdf, output),) = shown
    assert title == "Course summary MRN-1001" and pdf.startswith(b"%PDF")
    assert (output.document, output.patient_id) == ("course summary", patient.id)  # type: ignore[attr-defined]


def test_a_patient_without_courses_is_told_so(qtbot, controller: Controller, ana, care: Care, nurses):
    other = care.register_patient("MRN-3003", "Berg", "Bo", "1980-01-01", by=nurses[0].id)
    dialog = CourseViewDialog(controller, other.id)
    qtbot.addWidget(dialog)
    assert "No course order is recorded" in dialog.feedback.text()
    assert dialog.courses.count() == 1  # the chart's entry only
