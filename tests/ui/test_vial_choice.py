"""The vial is a row of large buttons, one always chosen (the protocol's default first): one tap changes the
dose's draw-up to that vial, the confirmed dose is drawn from it, and each button's words stay whole."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication

from core.care import Care
from core.identify import Identified
from core.people import Account
from core.views import PatientView
from tests.helpers.answers import NORMAL, SCREEN_OK
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def test_one_tap_chooses_the_vial_the_dose_is_drawn_from(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first = nurses[0]
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.record_vitals(sid, NORMAL, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    vials = {v.id: v for v in care.protocol.vials}
    chosen = [b for b in window.panel(1).findChildren(QAbstractButton) if b.property("vial") and b.isChecked()]
    assert [b.property("vial") for b in chosen] == [care.protocol.preparation.default_vial]
    assert "3.62 mL" in nurse.text("Volume to draw")

    strong = vials["ketamine-50"]
    nurse.click(f"Vial {strong.label}")
    assert "0.72 mL" in nurse.text("Volume to draw")  # 36.2 mg of 50 mg/mL
    assert strong.label in nurse.text("Volume to draw detail")
    nurse.click(f"Vial {strong.label}")  # a second tap keeps it chosen: a dose is always for one vial
    assert nurse.find(QAbstractButton, f"Vial {strong.label}").isChecked()
    for size in ((1280, 800), (1024, 768)):
        window.resize(*size)
        QApplication.processEvents()
        for vial in vials.values():
            option = nurse.find(QAbstractButton, f"Vial {vial.label}")
            bold = option.font()
            bold.setBold(True)  # the chosen one's words are bold
            assert QFontMetrics(bold).horizontalAdvance(option.text()) < option.width(), (size, vial.id)
    nurse.click("Confirm dose")
    dose = care.state(sid).dose
    assert dose is not None and dose.vial_label == strong.label
