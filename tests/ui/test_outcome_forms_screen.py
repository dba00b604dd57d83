"""The outcome forms as a nurse enters them: by tapping or by typing digits, a form left incomplete said
before it is saved (and kept not scorable, never pro-rated), nothing changed by the wheel, "saved" said only
once the record holds it; the clinic's licensed wording shown when its file loads; the contact route asked
at registration; and the charge nurse's import of the clinic's file."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from core.care import Care
from core.errors import EnvironmentTrouble
from core.identify import Identified
from core.promis import shipped
from core.settings import change_clinic_setting
from core.views import PatientView
from tests.helpers.clinic import T0
from tests.helpers.window import Nurse
from tests.ui.test_account_dialogs import answer_modal, check_controls, find, opened
from tests.ui.test_wheel import NOTCH, scroll
from ui.controller import Controller
from ui.dialogs.outcome_forms import OutcomeFormsDialog
from ui.dialogs.outcome_import import OutcomeImportDialog
from ui.main_window import MainWindow
from ui.wheel_guard import guard_the_wheel

PI = ("PAININ9", "PAININ22", "PAININ31", "PAININ34")
MADE_UP = {"notice": "Made-up wording for tests © Nobody.", "items": {"PAININ9": "Made-up words of item nine"}}


def forms_dialog(qtbot: QtBot, controller: Controller, patient: PatientView, mode: str | None = "chair"):
    dialog = opened(qtbot, OutcomeFormsDialog(controller, patient, None, mode))
    dialog.resize(1264, 784)
    QApplication.processEvents()
    return dialog


def said(dialog: QDialog, name: str) -> str:
    return find(dialog, QLabel, name).text()


def test_a_form_answered_by_tapping_is_saved_scored_and_placed(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, care: Care
):
    dialog = forms_dialog(qtbot, controller, patient)
    check_controls(dialog)
    for item, value in zip(PI, ("4", "3", "4", "3"), strict=True):
        qtbot.mouseClick(find(dialog, QAbstractButton, f"{item} {value}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(dialog, QAbstractButton, "Pain intensity 7"), Qt.MouseButton.LeftButton)
    assert "Pain Interference · PI_4a_v1.0 — 4 of 4 answered" in [box.title() for box in dialog.forms]
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    # Six forms not asked at all: said, and the nurse saves as it is.
    assert "Not asked, so not recorded: Physical Function" in said(dialog, "Before saving")
    assert not care.assessments(patient.id)
    qtbot.mouseClick(dialog.save_anyway, Qt.MouseButton.LeftButton)
    (taken,) = care.assessments(patient.id)
    t_score = shipped().form("PI_4a_v1.0").table[14][0]
    assert (taken.mode, taken.time_point, taken.pain_intensity, taken.forms[0].t_score) == (
        "chair",
        "baseline",
        7,
        t_score,
    )
    result = said(dialog, "Saved forms")
    assert "counts for the baseline of course 1" in result
    assert f"Pain Interference: T {t_score}" in result and "table still to be verified" in result
    assert "Pain intensity: 7 of 10" in result
    assert all(row.value() is None for row in dialog.rows)  # cleared: a second tap records nothing twice


def test_digits_answer_the_item_in_focus_and_move_to_the_next(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, care: Care
):
    dialog = forms_dialog(qtbot, controller, patient)
    dialog.activateWindow()
    dialog.rows[0].choices.setFocus()
    every = [row for box in dialog.forms for row in box.rows]
    for index, row in enumerate(every):
        focused = QApplication.focusWidget()
        assert focused in row.choices.buttons.values(), row.item
        qtbot.keyClick(focused, str(1 + index % 5))
    assert [row.value() for row in every] == [1 + i % 5 for i in range(len(every))]
    pain = QApplication.focusWidget()
    assert pain in dialog.pain.choices.buttons.values()
    qtbot.keyClick(pain, "1")
    qtbot.keyClick(pain, "0")  # 1 then 0: ten
    assert dialog.pain.value() == 10
    qtbot.keyClick(pain, "9")  # a digit on an item that only takes 1 to 5 is said, not taken
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)  # every form complete: no question asked
    (taken,) = care.assessments(patient.id)
    assert all(form.t_score is not None for form in taken.forms) and taken.pain_intensity == 9
    assert len(taken.forms) == len(controller.protocol.outcomes.forms)


def test_a_digit_an_item_cannot_take_is_said(qtbot: QtBot, controller: Controller, ana, patient: PatientView):
    dialog = forms_dialog(qtbot, controller, patient)
    first = dialog.rows[0].choices.buttons["1"]
    first.setFocus()
    qtbot.keyClick(first, "7")
    assert dialog.rows[0].value() is None
    assert said(dialog, "Forms message") == "PAININ9 takes 1 to 5."


def test_an_item_left_unanswered_is_said_and_the_form_kept_not_scorable_once_confirmed(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, care: Care
):
    dialog = forms_dialog(qtbot, controller, patient, mode=None)
    for box in dialog.forms:
        for row in box.rows:
            row.choices.buttons["2"].click()
    dialog.forms[0].rows[2].choices.buttons["2"].click()  # a tap on the chosen answer un-chooses it
    marked = [row.item for box in dialog.forms for row in box.rows if "not answered" in row.caption.text()]
    assert marked == ["PAININ31"]  # the one item left, said by the item itself
    assert dialog.forms[0].rows[2].choices.accessibleDescription() == "not answered"
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert "Say how the patient answered" in said(dialog, "Forms message")
    qtbot.mouseClick(find(dialog, QAbstractButton, "How the patient answered By phone"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert said(dialog, "Before saving").splitlines()[0] == (
        "Pain Interference: 3 of 4 answered — it will be kept as not scorable."
    )
    assert not dialog.save.isVisible()
    qtbot.mouseClick(dialog.go_back, Qt.MouseButton.LeftButton)  # back to the answers: nothing recorded
    assert care.assessments(patient.id) == [] and dialog.save.isVisible()
    assert QApplication.focusWidget() in dialog.forms[0].rows[2].choices.buttons.values()
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_anyway, Qt.MouseButton.LeftButton)
    (taken,) = care.assessments(patient.id)
    pain = taken.form("Pain Interference")
    assert pain is not None and (pain.t_score, pain.words) == (None, "not scorable (3 of 4 answered)")
    assert "Pain Interference: not scorable (3 of 4 answered)" in said(dialog, "Saved forms")
    assert taken.mode == "phone"


def test_the_wheel_scrolls_the_forms_and_changes_no_answer(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView
):
    guard_the_wheel(QApplication.instance())  # type: ignore[arg-type]
    dialog = forms_dialog(qtbot, controller, patient)
    bar = dialog.scroll.verticalScrollBar()
    assert bar.maximum() > 0, "seven forms do not fit: the forms scroll"
    for row in dialog.rows:  # a push button takes no wheel (Qt passes a real one on to the page)
        scroll(row.choices.buttons["3"], QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    scroll(dialog.scroll.viewport(), QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    assert bar.value() > 0
    assert all(row.value() is None for row in dialog.rows)
    assert dialog.save.isVisible() and dialog.save.visibleRegion().boundingRect().height() == dialog.save.height()


def test_saved_is_said_only_once_the_record_holds_it(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, care: Care, monkeypatch
):
    dialog = forms_dialog(qtbot, controller, patient)
    for item in PI:
        find(dialog, QAbstractButton, f"{item} 2").click()
    seen_while_saving: list[bool] = []
    record = care.record_assessment

    def slow(*args, **kwargs):
        seen_while_saving.append(find_hidden(dialog, "Saved forms").isVisible())
        raise EnvironmentTrouble("The clinic's database cannot be reached.", "Try again in a moment.")

    monkeypatch.setattr(care, "record_assessment", slow)
    dialog._save(confirmed=True)
    assert seen_while_saving == [False]
    assert said(dialog, "Forms message").startswith("Not saved. The clinic's database cannot be reached.")
    assert not find_hidden(dialog, "Saved forms").isVisible()
    assert [row.value() for row in dialog.rows[:4]] == [2, 2, 2, 2]  # what she entered is still there
    monkeypatch.setattr(care, "record_assessment", record)
    dialog._save(confirmed=True)
    assert care.assessments(patient.id) and "Saved:" in said(dialog, "Saved forms")


def test_the_clinic_s_wording_is_shown_when_its_file_loads(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, tmp_path: Path
):
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(MADE_UP), encoding="utf-8")
    change_clinic_setting(
        controller.workplace.database, "promis_wording_file", str(path), None, "licence", T0, workstation="test-ws"
    )
    dialog = forms_dialog(qtbot, controller, patient)
    assert said(dialog, "Wording notice") == MADE_UP["notice"]
    assert "Made-up words of item nine" in said(dialog, "PAININ9 caption")
    assert "PAININ22" in said(dialog, "PAININ22 caption")  # an item the file does not word keeps its id
    path.write_text("{not json", encoding="utf-8")
    broken = forms_dialog(qtbot, controller, patient)
    assert "is not a JSON file" in said(broken, "Wording problem") and "show the item ids" in said(
        broken, "Wording problem"
    )
    assert said(broken, "PAININ9 caption") == "<b>PAININ9</b>"


def test_the_chair_opens_the_forms_for_its_patient_at_the_chair(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses
):
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    nurse.on_duty(nurses[0])
    window.refresh()
    nurse.chair(1)
    opened_for: list[tuple[str, str | None]] = []

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, OutcomeFormsDialog)
        opened_for.append((dialog.patient.id, dialog.mode.value()))
        dialog.reject()

    answer_modal(qtbot, answer)
    nurse.pick("Menu", "Outcome forms of the open chair's patient")
    assert opened_for == [(patient.id, "chair")]


def test_a_contact_route_is_kept_with_the_registration(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)

    def register(mrn: str, phone: str) -> None:
        nurse.type("Medical record number", mrn)
        nurse.type("Date of birth", "1980-01-02")
        nurse.type("Family name", f"Okafor{mrn[-1]}")
        nurse.type("Given name", "Ngozi")
        nurse.click("Female")
        nurse.click("No known allergies")
        nurse.type("Phone", phone)
        nurse.click("Preferred way Text message")
        nurse.click("Register patient")

    register("MRN-5001", "call me")  # not a number: said by the phone field, and nobody registered
    assert "is not a phone number" in nurse.text("Register message")
    assert care.find_patients("MRN-5001") == []
    nurse.find(QLineEdit, "Phone").clear()
    nurse.type("Phone", "+1 216 555 0142")
    nurse.click("Register patient")
    (made,) = care.find_patients("MRN-5001")
    route = care.contact_route(made.id)
    assert route is not None and (route.phone, route.preferred) == ("+1 216 555 0142", "text")
    assert "Contact route kept: +1 216 555 0142" in nurse.text("Register message")


def test_a_registration_whose_contact_route_could_not_be_kept_says_so(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, nurses, monkeypatch
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)

    def gone(*args, **kwargs):
        raise EnvironmentTrouble("The disk is full.", "Free some space.")

    monkeypatch.setattr(care, "record_contact", gone)
    nurse.type("Medical record number", "MRN-5002")
    nurse.type("Date of birth", "1980-01-02")
    nurse.type("Family name", "Mensah")
    nurse.type("Given name", "Kofi")
    nurse.click("Male")
    nurse.click("No known allergies")
    nurse.type("Phone", "0161 496 0000")
    nurse.click("Preferred way Phone call")
    nurse.click("Register patient")
    assert len(care.find_patients("MRN-5002")) == 1
    message = nurse.text("Register message")
    assert "Registered MENSAH, Kofi, but the contact route was not kept" in message and "The disk is full" in message


def test_the_charge_nurse_imports_the_clinic_s_file_and_sees_what_it_did(
    qtbot: QtBot, controller: Controller, ana, patient: PatientView, care: Care, tmp_path: Path
):
    day = T0.astimezone().date().isoformat()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"mrn,taken_on,PAININ9,PAININ22,PAININ31,PAININ34\nMRN-1001,{day},4,3,4,3\n", encoding="utf-8")
    bad.write_text(f"mrn,taken_on,PAININ9\nMRN-1001,{day},9\n", encoding="utf-8")
    dialog = opened(qtbot, OutcomeImportDialog(controller, None, chosen=bad))
    qtbot.mouseClick(find(dialog, QAbstractButton, "Choose the outcome file and import it"), Qt.MouseButton.LeftButton)
    assert said(dialog, "Import summary").startswith("Nothing was imported: 1 problem")
    assert "Line 2: PAININ9: “9” is not a value it takes" in dialog.lines.toPlainText()
    assert care.assessments(patient.id) == []
    dialog.import_file(good)
    assert said(dialog, "Import summary") == "1 sitting recorded."
    assert "Line 2: MRN-1001" in dialog.lines.toPlainText()
    assert len(care.assessments(patient.id)) == 1


def find_hidden(dialog: QDialog, name: str) -> QLabel:
    (found,) = [w for w in dialog.findChildren(QLabel) if w.objectName() == name]
    return found
