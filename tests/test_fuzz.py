"""Generated input at every door a nurse's typing or an administrator's command comes through.

Each service entry point and command is given text a keyboard, a paste, a scanner or a script could send:
control characters, lone surrogates, superscript and full-width digits, exponents, NaN, ten thousand
characters. It must answer with one of Chairside's own errors (which carry words for the person) or succeed,
and what it stored must be showable and within its field's length. ``bench/fuzz.py`` runs the same checks
with many more examples.
"""

from __future__ import annotations

import getpass
import os
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.commands import main
from core.backups import status
from core.care import Care
from core.clock import ManualClock
from core.errors import ChairsideError
from core.identify import Details, Identified
from core.people import Account
from core.persistence.db import sqlite_url
from core.plain_text import REASON_MAX
from core.protocol import VitalKind
from core.views import PatientView

EXAMPLES = int(os.environ.get("CHAIRSIDE_FUZZ_EXAMPLES", "1000"))
"""Examples per door in CI (13,000 in all); `bench/fuzz.py` runs more."""
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

AWKWARD = st.sampled_from(
    [
        "²",
        "٣",
        "１２０",
        "1e30",
        "1E+999999",
        "9" * 40,
        "NaN",
        "-Infinity",
        "0001-01-01",
        "9999-12-31",
        "\ud800",
        "a\udfffb",
        "\x00",
        "\x1b[31m",
        "\u202eevil",
        "e\u0301",
        " ",
        "",
        "-0",
        "0,5",
        "1.2.3",
        "70 kg",
    ]
)
ANY_TEXT = st.one_of(
    AWKWARD,
    st.text(st.characters(exclude_categories=()), max_size=40),  # every code point, lone surrogates too
    st.text(st.characters(exclude_categories=()), min_size=400, max_size=12_000),
    st.from_regex(r"[+-]?[0-9]{0,14}([.,][0-9]{0,6})?([eE][+-]?[0-9]{1,6})?", fullmatch=True),
)


def showable(value: Any) -> Iterator[str]:
    """Every string inside a stored value (a payload, a view), to be checked."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from showable(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from showable(item)


def assert_showable(value: Any) -> None:
    for text in showable(value):
        bad = [c for c in text if unicodedata.category(c) in {"Cc", "Cs"} and c != "\n"]
        assert not bad, f"stored text holds unshowable characters: {text!r}"
        assert text == unicodedata.normalize("NFC", text), f"stored text not in composed form: {text!r}"


@contextmanager
def only_our_errors() -> Iterator[None]:
    """A refusal in words (any of Chairside's errors) is an answer; anything else is a crash."""
    try:
        yield
    except ChairsideError as error:
        assert error.message and "Traceback" not in error.message


def stored_after(care: Care, session_id: str, call: Callable[[], object]) -> None:
    """Call; if it recorded something, what it recorded is showable and within its lengths."""
    before = len(care.state(session_id).events)
    with only_our_errors():
        call()
    for event in care.state(session_id).events[before:]:
        assert_showable(event.payload)
        assert all(len(text) <= 2_000 for text in showable(event.payload))


@pytest.fixture
def world(care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    return care, patient, first, sid, clock


@FUZZ
@given(mrn=ANY_TEXT, family=ANY_TEXT, given_name=ANY_TEXT, born=ANY_TEXT, allergies=ANY_TEXT)
def test_registering_a_patient(world, mrn: str, family: str, given_name: str, born: str, allergies: str) -> None:
    care, _patient, first, _sid, _clock = world
    with only_our_errors():
        made = care.register_patient(
            mrn, family, given_name, born, first.id, confirm_new=True, details=Details("female", allergies)
        )
        assert_showable([made.mrn, made.family_name, made.given_name, made.allergies])
        assert len(made.mrn) <= 40 and len(made.family_name) <= 120 and len(made.allergies or "") <= 500


@FUZZ
@given(query=ANY_TEXT)
def test_searching(world, query: str) -> None:
    care, *_ = world
    with only_our_errors():
        care.find_patients(query)


@FUZZ
@given(prescriber=ANY_TEXT, first_day=ANY_TEXT, days=ANY_TEXT, reason=ANY_TEXT)
def test_recording_a_course(world, prescriber: str, first_day: str, days: str, reason: str) -> None:
    care, patient, first, _sid, _clock = world
    with only_our_errors():
        made = care.record_course(
            patient.id, prescriber, first_day, days, first.id, replace_running=True, replace_reason=reason
        )
        assert_showable([made.prescriber])


@FUZZ
@given(weight=ANY_TEXT, unit=st.one_of(st.sampled_from(["kg", "lb", None]), ANY_TEXT))
def test_weighing(world, weight: str, unit: str | None) -> None:
    care, _patient, first, sid, _clock = world
    stored_after(care, sid, lambda: care.record_weight(sid, weight, unit, first.id, confirm_change=True))


@FUZZ
@given(values=st.lists(ANY_TEXT, min_size=len(VitalKind), max_size=len(VitalKind)), reason=ANY_TEXT)
def test_recording_vital_signs(world, values: list[str], reason: str) -> None:
    care, _patient, first, sid, _clock = world
    typed = dict(zip(VitalKind, values, strict=True))
    stored_after(care, sid, lambda: care.record_vitals(sid, typed, first.id, partial_reason=reason))


@FUZZ
@given(reason=ANY_TEXT, note=ANY_TEXT, which=st.integers(min_value=0, max_value=3))
def test_reasons_notes_and_corrections(world, reason: str, note: str, which: int) -> None:
    care, _patient, first, sid, _clock = world
    event_id = care.state(sid).events[0].id
    calls: list[Callable[[], object]] = [
        lambda: care.pause(sid, reason, first.id),
        lambda: care.stop_early(sid, reason, first.id),
        lambda: care.correct(sid, event_id, reason, note, first.id),
        lambda: care.confirm_pump(sid, True, first.id, note),
    ]
    stored_after(care, sid, calls[which])


@FUZZ
@given(override=ANY_TEXT, chair=st.integers(min_value=-5, max_value=60), mrn=ANY_TEXT)
def test_seating_a_patient(world, override: str, chair: int, mrn: str) -> None:
    care, patient, first, _sid, _clock = world
    with only_our_errors():
        care.open_session(patient.id, chair, first.id, Identified(name=True, mrn=mrn), same_day_override=override)


@FUZZ
@given(lot=ANY_TEXT, ml=ANY_TEXT, rate=ANY_TEXT, vtbi=ANY_TEXT, check=st.lists(ANY_TEXT, min_size=3, max_size=3))
def test_drug_figures(world, lot: str, ml: str, rate: str, vtbi: str, check: list[str]) -> None:
    care, _patient, first, sid, _clock = world
    stored_after(care, sid, lambda: care.record_drawn(sid, lot, ml, first.id))
    stored_after(care, sid, lambda: care.record_pump(sid, rate, vtbi, first.id))
    stored_after(care, sid, lambda: care.record_check(sid, "ben", "wrong", *check))


@FUZZ
@given(
    value=ANY_TEXT,
    reason=ANY_TEXT,
    key=st.sampled_from(["clinic_name", "chairs", "page_size", "lock_minutes", "backup_folder", "anchor_folder"]),
)
def test_clinic_settings(world, value: str, reason: str, key: str) -> None:
    from core.settings import change_clinic_setting, clinic_settings

    care, _patient, first, _sid, clock = world
    with only_our_errors():
        change_clinic_setting(care.db, key, value, first.id, reason, clock.now(), workstation="fuzz")
        now = clinic_settings(care.db)
        assert_showable(now.model_dump())
        status(care.db, now, clock.now(), clock.now()).words(clock.now())  # the top bar reads the folder


PI_ITEMS = ("PAININ9", "PAININ22", "PAININ31", "PAININ34")


@FUZZ
@given(
    form=st.one_of(st.sampled_from(["PI_4a_v1.0", "PF_4a_v2.0"]), ANY_TEXT),
    items=st.lists(st.one_of(st.sampled_from(PI_ITEMS), ANY_TEXT), min_size=0, max_size=6),
    values=st.lists(st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70)), min_size=6, max_size=6),
    mode=st.one_of(st.sampled_from(["chair", "phone", "visit"]), ANY_TEXT),
    taken_on=st.one_of(st.none(), ANY_TEXT),
    pain=st.one_of(st.none(), ANY_TEXT),
)
def test_recording_outcome_forms(
    world, form: str, items: list[str], values: list[int | None], mode: str, taken_on: str | None, pain: str | None
) -> None:
    care, patient, first, _sid, _clock = world
    answers = {form: dict(zip(items, values, strict=False))}
    with only_our_errors():
        taken = care.record_assessment(
            patient.id, answers, mode=mode, by=first.id, taken_on=taken_on, pain_intensity=pain
        )
        assert_showable([taken.mode, [form.words for form in taken.forms]])


@FUZZ
@given(day=st.integers(min_value=-3, max_value=9), by_clinic=st.booleans(), reason=ANY_TEXT)
def test_recording_a_day_not_given(world, day: int, by_clinic: bool, reason: str) -> None:
    care, patient, first, _sid, _clock = world
    course = care.current_course(patient.id)
    assert course is not None
    with only_our_errors():
        made = care.record_day_not_given(course.id, day, by_clinic=by_clinic, reason=reason, by=first.id)
        assert_showable([made.reason])


@FUZZ
@given(phone=ANY_TEXT, preferred=ANY_TEXT, note=st.one_of(st.none(), ANY_TEXT))
def test_recording_a_contact_route(world, phone: str, preferred: str, note: str | None) -> None:
    care, patient, first, _sid, _clock = world
    with only_our_errors():
        made = care.record_contact(patient.id, phone, preferred, first.id, note)
        assert_showable([made.phone, made.preferred, made.note, made.words])
        assert len(made.phone) <= 30 and len(made.note or "") <= REASON_MAX


COMMANDS: list[Callable[[str, Path], list[str]]] = [
    lambda x, d: ["report", "day", "--date", x, "--csv", str(d / "day.csv")],
    lambda x, d: ["report", "session", x, "--out", str(d / "s.pdf")],
    lambda x, d: ["audit", "show", "--patient", x],
    lambda x, d: ["settings", "set", "clinic_name", x, "--reason", x, "--admin", "admin"],
    lambda x, d: ["users", "add", x, "--username", x, "--role", "nurse", "--admin", "admin"],
    lambda x, d: ["db", "backup", str(d / f"b-{abs(hash(x))}.sqlite")],
    lambda x, d: ["db", "restore", x],
    lambda x, d: ["audit", "verify", "--anchor", x],
    lambda x, d: ["report", "quality", "--from", x, "--to", "2026-11-25", "--csv", str(d / "q.csv")],
    lambda x, d: ["report", "quality", *PERIOD, "--chair", x, "--csv", str(d / "q.csv")],
    lambda x, d: ["report", "quality", *PERIOD, "--protocol-version", x, "--csv", str(d / "q.csv")],
    lambda x, d: ["report", "quality", *PERIOD, "--opened-by", x, "--out", str(d / "q.pdf")],
    lambda x, d: ["report", "quality", *PERIOD, "--protocol", x, "--csv", str(d / "q.csv")],
    lambda x, d: ["report", "outcomes", "--from", "2026-01-01", "--to", x, "--csv", str(d / "o.csv")],
    lambda x, d: ["report", "outcomes", *PERIOD, "--protocol", x, "--csv", str(d / "o.csv")],
    lambda x, d: ["report", "follow-ups", "--on", x, "--out", str(d / "f.pdf")],
    lambda x, d: ["report", "follow-ups", "--ahead-days", x, "--look-back-days", x, "--out", str(d / "f.pdf")],
    lambda x, d: ["report", "course", x, "--out", str(d / "c.pdf")],
    lambda x, d: ["report", "handoff", "--nurse", x, "--out", str(d / "h.pdf")],
    lambda x, d: ["export", "fhir", "--from", x, "--to", "2026-11-25", "--out", str(d / "b.json")],
    lambda x, d: ["export", "fhir", *PERIOD, "--patient", x, "--out", str(d / "b.json")],
    lambda x, d: ["outcomes", "import", "--as", "admin", written(d / "forms.csv", x)],
    lambda x, d: ["outcomes", "import", "--as", x, written(d / "forms.csv", "mrn,taken_on\nMRN-1,2026-11-20\n")],
]
PERIOD = ("--from", "2026-11-01", "--to", "2026-11-25")


def written(path: Path, text: str) -> str:
    """A clinic's file holding ``text`` as its bytes stand (a lone surrogate makes it a file that is not
    UTF-8, as a corrupt or mis-saved file is): its path, for the command."""
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return str(path)


@FUZZ
@given(text=ANY_TEXT, which=st.integers(min_value=0, max_value=len(COMMANDS) - 1), typed=ANY_TEXT)
def test_commands(
    world, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, text: str, which: int, typed: str
) -> None:
    """In-process, as `python main.py …` would run them: an answer in words and an exit code, never the
    catch-all's "unexpected problem" (70), which would mean a bug was met."""
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": typed)
    argv = ["--database", sqlite_url(db_path), *COMMANDS[which](text, tmp_path)]
    try:
        code = main(never_open, argv)
    except SystemExit as stop:  # argparse's own words for an argument it cannot read
        code = stop.code
    said = capsys.readouterr()
    assert code in {0, 1, 2}, said.err
    assert "Traceback" not in said.err


def never_open(url: str | None) -> int:
    raise AssertionError("a command must not open windows")


def test_the_database_address_itself(world, tmp_path: Path, capsys) -> None:
    """Addresses a typo, a missing driver or an over-long name makes."""
    for address in (
        "sqlite://",
        "not a url",
        "postgresql://nurse@127.0.0.1:1/chairside",
        "mysql://x/y",
        f"sqlite:///{tmp_path}/{'x' * 300}.sqlite",
        f"sqlite:///{tmp_path}/\ud800.sqlite",
        "sqlite:////dev/null",
    ):
        code = main(never_open, ["--database", address, "db", "check"])
        said = capsys.readouterr()
        assert code in {1, 2}, (address, said.err)
        assert "Traceback" not in said.err and said.err.strip(), address


def test_a_reason_of_ten_thousand_characters_is_refused_not_kept(world) -> None:
    care, _patient, first, sid, _clock = world
    with pytest.raises(ChairsideError, match=f"at most {REASON_MAX}"):
        care.pause(sid, "r" * 10_000, first.id)
