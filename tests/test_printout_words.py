"""Every printout of a rich session, read back as text: only words a nurse would write.

A session with everything in it (a double check that did not agree, then one that did; a dose over the
soft limit; an act-now alarm acknowledged with a pause; side effects; a pause still running at the
handoff) is printed as each document Chairside makes, and the text of every page is searched for what
only a program writes: markup and code brackets (``<``, ``{``), field names (``_``), enum names and
values, and table heads broken inside a word.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Table

from core.care import Care
from core.clock import ManualClock
from core.day_log import day_log
from core.dosing import pump_order
from core.event_words import EVENT_WORDS, PHASE_WORDS, VITAL_ABBREVIATIONS
from core.events import EventType
from core.identify import Identified
from core.machine import Outcome, Step
from core.people import Account
from core.protocol import Phase, VitalKind
from core.reports.day_log_pdf import day_log_pdf
from core.reports.downtime import downtime_forms, downtime_story
from core.reports.escort_sheet import escort_pdf
from core.reports.handoff import handoff_pdf
from core.reports.session_summary import Printing, _Summary, session_summary
from core.reports.styles import MARGIN, PAGE_SIZES, Styles
from core.settings import ClinicSettings
from core.signatures import Meaning
from core.views import PatientView
from core.vitals import Tier
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import pump_as_ordered, seen

PRINTING = Printing("Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor")
HIGH = {**NORMAL, VitalKind.SYSTOLIC: "182"}


@dataclass(frozen=True)
class Rich:
    finished: str
    """Chair 2: a failed check then an agreed one, an alarm with a pause, side effects, discharged, signed."""
    paused: str
    """Chair 1: a dose over the soft limit, an alarm acknowledged with a pause that is still running."""
    running: str
    """Chair 3: a check that did not agree, then one that did, a pump reading against the order, then one as
    ordered, and the infusion running (the pump checked after a restart)."""
    overridden: str
    """Chair 4: stopped at once, discharged on the prescriber's override, the vial's rest not accounted for."""
    screened_out: str
    """Chair 5: a screening answer that stopped treatment."""
    abandoned: str
    """Chair 6: ended at the second-nurse check without treatment (IV access failed), its dose not given."""


def _open(care: Care, patient: PatientView, chair: int, by: Account) -> str:
    state = care.open_session(patient.id, chair, by.id, Identified(name=True, mrn=patient.mrn))
    care.screen(state.session_id, SCREEN_OK, by.id)
    return state.session_id


def rich_day(care: Care, nurses: tuple[Account, Account], clock: ManualClock) -> Rich:
    first, _ = nurses
    day = T0.astimezone().date().isoformat()
    maja = care.register_patient("MRN-2001", "Lindqvist", "Maja", "1971-03-14", by=first.id)
    care.record_course(maja.id, PRESCRIBER, day, "5", by=first.id)
    omar = care.register_patient("MRN-2002", "Haddad", "Omar", "1966-08-02", by=first.id)
    care.record_course(omar.id, PRESCRIBER, day, "5", by=first.id)
    cleo = care.register_patient("MRN-2003", "Dumas", "Cleo", "1980-05-20", by=first.id)
    care.record_course(cleo.id, PRESCRIBER, day, "5", by=first.id)
    ines = care.register_patient("MRN-2004", "Moreau", "Ines", "1975-09-09", by=first.id)
    care.record_course(ines.id, PRESCRIBER, day, "5", by=first.id)
    tove = care.register_patient("MRN-2005", "Nilsson", "Tove", "1988-01-30", by=first.id)
    care.record_course(tove.id, PRESCRIBER, day, "5", by=first.id)
    ulla = care.register_patient("MRN-2006", "Berg", "Ulla", "1959-11-11", by=first.id)
    care.record_course(ulla.id, PRESCRIBER, day, "5", by=first.id)

    finished = _open(care, maja, 2, first)
    care.record_weight(finished, "72.4", "kg", first.id)
    care.confirm_dose(finished, first.id, vial_id="ketamine-10")
    care.record_vitals(finished, NORMAL, first.id)
    failed = care.record_check(finished, "ben", BEN_PASSWORD, "72.4", "3.62", "155.4")
    assert failed.step is Step.CHECK
    care.record_check(finished, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(finished, "LOT-K2291", "3.62", first.id)
    pump_as_ordered(care, finished, first.id)
    care.start_infusion(finished, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(finished, HIGH, first.id)
    alert = state.open_alerts[0]
    care.acknowledge_alert(finished, alert.event_id, ["pause", "notify"], no_symptoms(care), first.id)
    clock.advance(minutes=6)
    care.record_vitals(finished, NORMAL, first.id)
    care.resume(finished, first.id)
    clock.advance(minutes=10)
    care.record_vitals(finished, NORMAL, first.id)
    care.record_side_effects(finished, {"nausea": "mild", "dissociation": "none"}, first.id)
    clock.advance(minutes=20)
    care.complete(finished, first.id)
    care.record_vitals(finished, NORMAL, first.id)
    care.record_side_effects(finished, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_vitals(finished, NORMAL, first.id)
    care.record_side_effects(finished, NO_SIDE_EFFECTS, first.id)
    care.discharge(finished, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.sign(finished, first.id, ANA_PASSWORD, seen_seq=seen(care, finished))

    paused = _open(care, omar, 1, first)
    care.record_weight(paused, "130", "kg", first.id)
    care.confirm_dose(paused, first.id, vial_id="ketamine-10", override_reason="Prescriber's order for this patient")
    care.record_vitals(paused, NORMAL, first.id)
    dose = care.state(paused).dose
    assert dose is not None and dose.soft_limit_exceeded
    care.record_check(paused, "ben", BEN_PASSWORD, "130", str(dose.dose_mg), str(dose.rate_ml_per_h))
    care.record_drawn(paused, "LOT-K2291", str(dose.drug_volume_ml), first.id)
    pump_as_ordered(care, paused, first.id)
    care.start_infusion(paused, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(paused, HIGH, first.id)
    care.acknowledge_alert(paused, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), first.id)

    running = _open(care, cleo, 3, first)
    care.record_weight(running, "72.4", "kg", first.id)
    care.confirm_dose(running, first.id, vial_id="ketamine-10")
    care.record_vitals(running, NORMAL, first.id)
    care.record_check(running, "ben", BEN_PASSWORD, "72.4", "36.2", "15.5")
    care.record_check(running, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(running, "LOT-K2291", "3.62", first.id)
    order = pump_order(care.protocol, care.state(running).dose)
    care.record_pump(running, "15.5", str(order.vtbi_ml), first.id)  # a digit dropped: it did not agree
    pump_as_ordered(care, running, first.id)
    care.start_infusion(running, first.id)
    care.record_side_effects(running, {"nausea": "moderate", "dissociation": "mild"}, first.id)

    overridden = _open(care, ines, 4, first)
    care.record_weight(overridden, "72.4", "kg", first.id)
    care.confirm_dose(overridden, first.id, vial_id="ketamine-10")
    care.record_vitals(overridden, NORMAL, first.id)
    care.record_check(overridden, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(overridden, "LOT-K2291", "3.62", first.id)
    care.record_pump(overridden, str(order.rate_ml_per_h), str(order.vtbi_ml), first.id)  # the rest left in the vial
    care.start_infusion(overridden, first.id)
    clock.advance(minutes=1)
    care.stop_early(overridden, "patient asked to stop", first.id)
    care.record_vitals(overridden, NORMAL, first.id)
    care.record_side_effects(overridden, NO_SIDE_EFFECTS, first.id)
    care.discharge(
        overridden, "10", DISCHARGE_OK, first.id, ANA_PASSWORD, "Leaves with her husband, seen well", PRESCRIBER
    )

    screened_out = care.open_session(tove.id, 5, first.id, Identified(name=True, mrn=tove.mrn)).session_id
    care.screen(screened_out, {**SCREEN_OK, "pregnancy": "unknown"}, first.id, confirm_stop=True)

    abandoned = _open(care, ulla, 6, first)
    care.record_weight(abandoned, "74", "kg", first.id)
    care.confirm_dose(abandoned, first.id, vial_id="ketamine-10")
    care.abandon(abandoned, "IV access failed after two attempts.", first.id)
    clock.advance(minutes=16)
    assert care.state(paused).step is Step.PAUSED
    restarted = Care(care.db, care.protocol, clock, workstation="test-ws", app_started_at=clock.now())
    restarted.confirm_pump(paused, True, first.id)  # chair 1's pump looked at after the restart; chair 3's not yet
    return Rich(finished, paused, running, overridden, screened_out, abandoned)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def printouts(care: Care, rich: Rich, clock: ManualClock) -> dict[str, bytes]:
    clinic = ClinicSettings()
    restarted = Care(care.db, care.protocol, clock, workstation="test-ws", app_started_at=clock.now())
    log = day_log(care.db, care.protocol, T0.astimezone().date(), clock.now())
    return {
        "session summary": session_summary(care.session_snapshot(rich.finished), PRINTING),
        "summary of the running chair": session_summary(care.session_snapshot(rich.running), PRINTING),
        "summary of the session ended at the check": session_summary(care.session_snapshot(rich.abandoned), PRINTING),
        "handoff": handoff_pdf(care.open_chairs(), [1, 3, 4], clinic, "Ana Reyes", giver="Ana Reyes"),
        "handoff of the paused chair": handoff_pdf(care.open_chairs(), [1], clinic, "Ana Reyes"),
        "handoff after a restart": handoff_pdf(restarted.open_chairs(), [3], clinic, "Ana Reyes"),
        "day log": day_log_pdf(log, "Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor"),
        "downtime forms": downtime_forms(care.protocol, "Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor"),
        "going-home sheet": escort_pdf(care.session_snapshot(rich.finished), clinic, "Ana Reyes"),
    }


@pytest.fixture
def printed(care: Care, nurses, clock: ManualClock) -> tuple[Rich, dict[str, list[str]]]:
    rich = rich_day(care, nurses, clock)
    made = printouts(care, rich, clock)
    folder = os.environ.get("CHAIRSIDE_PRINTOUTS_TO")  # to render and look at them: pdftoppm -r 60
    for name, pdf in made.items() if folder else ():
        (Path(folder) / f"{name.replace(' ', '-')}.pdf").write_bytes(pdf)
    return rich, {name: pages_of(pdf) for name, pdf in made.items()}


def codes() -> set[str]:
    """Names and values of the enums whose members a careless printout would show as they are stored."""
    found: set[str] = set()
    for enum in (EventType, Phase, VitalKind, Tier, Meaning, Outcome, Step):
        for member in enum:
            found.add(f"{enum.__name__}.{member.name}")
            if "_" in member.name:  # "ACT" or "DONE" in capitals may be a word; "STOPPED_EARLY" is not
                found.add(member.name)
            if not re.fullmatch(r"[a-z ]+", member.value):  # "verified" is a word; "vitals.recorded" is not
                found.add(member.value)
    return {code for code in found if len(code) > 2}


PROGRAM_MARKS = re.compile(r"[<{}_]")


def test_no_printout_shows_a_code_a_bracket_or_a_field_name(printed):
    _, documents = printed
    enum_words = codes()
    for name, pages in documents.items():
        for number, page in enumerate(pages, start=1):
            where = f"{name}, page {number}"
            # A line of underscores is a blank for the pen; anything else with "_" is a field name.
            words = re.sub(r"_{3,}", " ", page)
            assert not PROGRAM_MARKS.search(words), f"{where}: {PROGRAM_MARKS.findall(words)} in {words!r}"
            for code in enum_words:
                assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", words), f"{where}: {code!r}"


def test_no_table_head_repeats_its_unit_nor_shows_a_word_broken_in_two(printed):
    _, documents = printed
    for name, pages in documents.items():
        everything = "\n".join(pages)
        for broken in ("Sedation (RASS) (RASS)", "Systolic blood pr\n", "Diastolic blood pr\n", "pr essure"):
            assert broken not in everything, f"{name}: {broken!r}"


def tables_in(flowables: list) -> list[Table]:
    """Every table of a story, inside kept-together groups too."""
    found: list[Table] = []
    for flowable in flowables:
        if isinstance(flowable, Table):
            found.append(flowable)
        elif isinstance(flowable, KeepTogether):
            found += tables_in(flowable._content)
    return found


def head_words_that_break(story: list) -> list[str]:
    """Words of a table's head row wider than their column: ReportLab would break them mid-word."""
    frame = PAGE_SIZES["A4"][0] - 2 * MARGIN - 12
    broken = []
    for table in tables_in(story):
        table.wrap(frame, 10_000)
        for column, cell in enumerate(table._cellvalues[0]):
            width = table._colWidths[column] - 6  # padding 3 + 3 (styles.grid)
            for paragraph in cell if isinstance(cell, list) else [cell]:
                if not isinstance(paragraph, Paragraph):
                    continue
                style = paragraph.style
                words = re.sub(r"<[^>]+>", " ", paragraph.text).split()
                broken += [w for w in words if stringWidth(w, style.fontName, style.fontSize) > width]
    return broken


def test_no_head_of_a_vitals_table_is_wider_than_its_column(care: Care, printed):
    rich, _ = printed
    assert head_words_that_break(downtime_story(care.protocol, Styles())) == []
    assert head_words_that_break(_Summary(care.session_snapshot(rich.finished)).story()) == []


def test_a_failed_check_is_shown_and_printed_as_did_not_agree_never_verified(care: Care, printed):
    rich, documents = printed
    summary = " ".join(" ".join(page.split()) for page in documents["session summary"])
    assert "did not agree on the dose" in summary
    assert "dose_mg" not in summary
    state = care.state(rich.finished)
    checks = [e for e in state.events if e.type is EventType.CHECKED]
    failed, agreed = (s for s in state.signatures if s.event_id in {c.id for c in checks})
    assert failed.meaning is Meaning.DID_NOT_AGREE and agreed.meaning is Meaning.VERIFIED
    assert "Ben Okafor did not agree the second-nurse check" in summary
    assert "Ben Okafor verified the second-nurse check" in summary
    assert summary.count("verified the second-nurse check") == 1


def test_the_summary_names_the_identifiers_in_words(printed):
    _, documents = printed
    summary = " ".join(" ".join(page.split()) for page in documents["session summary"])
    assert "Identity confirmed by name and record number" in summary


def test_the_handoff_shows_the_running_pause_the_override_and_the_protocol_once(printed, clock: ManualClock):
    _, documents = printed
    both = " ".join(" ".join(page.split()) for page in documents["handoff"])
    assert "still paused" in both and "17 min so far" in both
    assert "over the soft limit" in both and "Prescriber's order for this patient" in both
    act_rule = "Pause the infusion and notify the prescriber"
    assert both.count(act_rule) == 1, "the protocol's limits are stated once, not per chair"


def test_the_handoff_keeps_each_chairs_block_together(printed):
    """Each chair on a page of its own with its receiver's box, the protocol's limits said before them."""
    _, documents = printed
    pages = [" ".join(page.split()) for page in documents["handoff"]]
    for chair in ("Chair 1 — HADDAD", "Chair 3 — DUMAS"):
        (page,) = [page for page in pages if chair in page]  # the whole section on one page
        assert "A — Actions" in page and "Received by" in page
    alone = [" ".join(page.split()) for page in documents["handoff of the paused chair"]]
    assert "Contingencies for every chair" in alone[0]
    (page,) = [page for page in alone if "Chair 1 — HADDAD" in page]
    assert "Received by" in page


def test_the_downtime_forms_print_each_phase_in_words(printed):
    _, documents = printed
    forms = " ".join(" ".join(page.split()) for page in documents["downtime forms"])
    assert "Phase." not in forms and "'before'" not in forms
    assert "During the infusion" in forms


def test_the_vitals_tables_use_short_heads_with_a_key(printed):
    _, documents = printed
    for name in ("session summary", "downtime forms"):
        text = " ".join(" ".join(page.split()) for page in documents[name])
        assert "SBP systolic blood pressure (mmHg)" in text, name
        assert "RASS sedation (RASS)" in text, name
        assert "SpO2 (%)" in text and "spO2" not in text, name


def test_every_kind_of_entry_and_every_phase_has_its_words():
    """A new kind of entry without words would be shown as "Entry": the vocabulary grows with the code."""
    assert set(EVENT_WORDS) == set(EventType)
    assert set(PHASE_WORDS) == set(Phase)
    assert set(VITAL_ABBREVIATIONS) == set(VitalKind)


def flat(pages: list[str]) -> str:
    return " ".join(" ".join(page.split()) for page in pages)


def test_the_day_log_prints_each_new_exception_and_the_vials_rests_in_its_totals(printed):
    _, documents = printed
    log = flat(documents["day log"])
    for words in (
        "Second-nurse check did not agree",
        "Ben Okafor did not agree on the dose: dose 3.62 mg against 36.2 mg calculated",
        "Pump reading did not agree with the order",
        "Ana Reyes: rate 15.5 mL/h on the pump, 155.4 mL/h ordered",
        "Vial's rest not accounted for",
        "163.8 mg is left in the vial of lot LOT-K2291",
        "Discharge with an override",
        "minimum observation of 30 min not over. Reason: Leaves with her husband, seen well; "
        "prescriber: Dr Amara Patel",
        "Stopped at screening",
        "Not treated: Is the patient pregnant",
        "Technical alarms: Pump checked after a restart at",
    ):
        assert words in log, words
    assert "Vials' rests wasted Vials' rests returned Vials' rests to account for" in log
    assert "0.0 mg 462.6 mg 163.8 mg" in log  # 163.8 + 163.8 + 135.0 returned; chair 4's rest still to account


def test_the_handoff_prints_the_pump_as_checked_each_vials_rest_and_a_discharge_override(printed):
    _, documents = printed
    sheet = flat(documents["handoff"])
    assert "Pump as checked: rate 155.4 mL/h, VTBI 103.6 mL read off the pump, as ordered (by Ana Reyes at" in sheet
    assert "1 earlier reading did not agree with the order" in sheet
    assert "Vials' rests: Lot LOT-K2291: 163.8 mg left in the vial returned to stock by Ana Reyes" in sheet
    assert "Vials' rests: 163.8 mg is left in the vial of lot LOT-K2291" in sheet  # chair 4: still to account for
    assert "discharged on Dr Amara Patel's override (minimum observation of 30 min not over)" in sheet
    assert "Leaves with her husband, seen well" in sheet
    assert "Technical" not in sheet  # no restart since these chairs' infusions started


def test_the_handoff_after_a_restart_says_the_pump_check_is_technical_apart_from_the_patient(printed):
    _, documents = printed
    sheet = flat(documents["handoff after a restart"])
    severity = sheet[sheet.index("I — Illness severity") : sheet.index("Technical alarms (equipment and software")]
    assert "pump" not in severity.lower()  # the patient's severity does not count the equipment
    heading = "Technical alarms (equipment and software, not the patient)"
    assert f"{heading} ◆ TECHNICAL ◆ Technical — Check the pump" in sheet
    assert "Now ◆ Technical — Check the pump after the restart: is it running?" in sheet


def test_the_words_added_for_issue_11_are_among_those_searched(printed):
    """Missed sets, the pump's readings, the dose not given and the new exceptions are in the printouts the
    searches above read, so a code or a bracket in them would be caught."""
    _, documents = printed

    def flat(name: str) -> str:
        return " ".join(" ".join(page.split()) for page in documents[name])

    assert ": Missed (due" in flat("session summary") and "scheduled sets of vital signs missed" in flat(
        "session summary"
    )
    running = flat("summary of the running chair")
    assert "Pump programmed and checked at" in running and "did not agree with the order" in running
    log = flat("day log")
    for words in ("Paused, or an alarm open now", "Act-now alarm", "Ended without treatment", "(not given)"):
        assert words in log, words
    assert "IV access failed after two attempts" in log
    forms = flat("downtime forms")
    assert "Read off the pump by the nurse" in forms and "Rest of the vial" in forms and "Prescriber's name" in forms
