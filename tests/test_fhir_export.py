"""The FHIR R4 export read back as another system would: the demo's records through the R4B models, every
reference resolving inside the Bundle, the vital-signs profile's codes and units (the library checks
structure, not profiles, so these tests check the profile), the corrected-vital rule, de-identification."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fhir.resources.R4B.bundle import Bundle

from cli.demo import DEMO_NOW_AFTER, PEOPLE, fill_demo
from core import passwords, records
from core.clock import ManualClock
from core.fhir import codes, writing
from core.fhir.validate import validated
from core.fhir_export import ExportDone, ExportRequest, export_fhir
from core.persistence.db import Database, open_database, sqlite_url
from core.protocol import Protocol, VitalKind, load_protocol
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import T0
from tests.helpers.databases import copy_database
from tests.helpers.fhir import parse
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import Step, session_at, signed

VITAL_SIGNS = {  # the vital-signs profile's code for each measurement and the UCUM unit it requires
    "8480-6": "mm[Hg]",
    "8462-4": "mm[Hg]",
    "8867-4": "/min",
    "9279-1": "/min",
    "2708-6": "%",
    "59408-5": "%",
    "8310-5": "Cel",
    "29463-7": "kg",
}
BLOOD_PRESSURE = "85354-9"
STATUSES = {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
FAR = date(2000, 1, 1), date(2100, 1, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, template_database: Path) -> Iterator[tuple[Database, ManualClock]]:
    """The demo day and a short made-up history before it, filled once for this module's tests."""
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    folder = tmp_path_factory.mktemp("fhir-demo")
    database = open_database(sqlite_url(copy_database(template_database, folder / "demo.sqlite")))
    filled = fill_demo(database, load_protocol(), T0 - DEMO_NOW_AFTER, history_patients=10)
    passwords.use_hasher(previous)
    yield database, ManualClock(filled.now)
    database.dispose()


def _export(database: Database, clock: ManualClock, protocol: Protocol, folder: Path, **asked: Any) -> ExportDone:
    return export_fhir(database, protocol, clock, "test-ws", ExportRequest(*FAR, **asked))


def _resources(bundle: Path) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in json.loads(bundle.read_text("utf-8"))["entry"]]


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory) -> tuple[Path, Path, ExportDone]:
    database, clock = demo
    folder = tmp_path_factory.mktemp("fhir-out")
    done = _export(database, clock, load_protocol(), folder, out=folder / "bundle.json", ndjson=folder)
    return folder / "bundle.json", folder, done


def test_the_demo_export_round_trips_through_the_r4b_models(exported):
    bundle_path, _, done = exported
    bundle = Bundle.model_validate_json(bundle_path.read_bytes())  # the whole Bundle, every entry in it
    assert bundle.type == "collection" and bundle.entry is not None
    assert len(bundle.entry) == done.resources
    kinds = Counter(entry.resource.get_resource_type() for entry in bundle.entry)
    assert set(kinds) >= {
        "Patient", "Practitioner", "Encounter", "MedicationRequest", "MedicationAdministration", "Observation",
        "QuestionnaireResponse", "Provenance",
    }  # fmt: skip
    for entry in bundle.entry:  # serialise, parse again: nothing lost or changed
        text = entry.resource.model_dump_json(exclude_none=True)
        assert parse(text).model_dump_json(exclude_none=True) == text
    assert dict(kinds) == done.counts


@pytest.mark.parametrize("asked", [{}, {"allow_unverified": True, "deidentify": True}])
def test_what_is_written_is_what_the_model_would_have_dumped_for_every_resource(
    demo, tmp_path, protocol, monkeypatch, asked
):
    """The export writes the dict its model accepted (json.dumps), not the model's slower dump: for every
    resource of the demo's export the two are the same JSON."""
    database, clock = demo
    real = writing.to_json
    differ: list[str] = []
    seen = Counter[str]()

    def compared(resource: dict[str, Any]) -> str:
        text = real(resource)
        dumped = validated(resource).model_dump_json(exclude_none=True)
        if json.loads(text, parse_float=Decimal) != json.loads(dumped, parse_float=Decimal):
            differ.append(f"{text}\n{dumped}")
        seen[resource["resourceType"]] += 1
        return text

    monkeypatch.setattr(writing, "to_json", compared)
    done = _export(database, clock, protocol, tmp_path, ndjson=tmp_path, **asked)
    assert seen == done.counts and done.resources > 1000
    assert differ == []


def test_every_reference_resolves_inside_the_bundle(exported):
    bundle_path, _, _ = exported
    whole = json.loads(bundle_path.read_text("utf-8"))
    places = {entry["fullUrl"] for entry in whole["entry"]}
    base = whole["entry"][0]["fullUrl"].rsplit("/", 2)[0]
    assert len(places) == len(whole["entry"])  # no resource twice
    references = list(_references(whole["entry"]))
    assert references
    unresolved = [ref for ref in references if f"{base}/{ref}" not in places]
    assert unresolved == []


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside ``value``, itself included."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def _references(value: Any) -> Iterator[str]:
    return (o["reference"] for o in _objects(value) if isinstance(o.get("reference"), str))


def test_vital_sign_observations_follow_the_profile(exported):
    bundle_path, _, _ = exported
    vitals = [
        r
        for r in _resources(bundle_path)
        if r["resourceType"] == "Observation"
        and any(c["code"] == "vital-signs" for cat in r.get("category", []) for c in cat["coding"])
    ]
    assert len(vitals) > 100
    for obs in vitals:
        assert obs["status"] in STATUSES
        assert obs["subject"]["reference"].startswith("Patient/")
        assert obs["effectiveDateTime"].endswith("Z")
        (category,) = obs["category"]
        assert {"system": codes.OBSERVATION_CATEGORY, "code": "vital-signs"}.items() <= category["coding"][0].items()
        loinc = [c["code"] for c in obs["code"]["coding"] if c["system"] == codes.LOINC]
        if loinc == [BLOOD_PRESSURE]:
            parts = obs["component"]
            assert "valueQuantity" not in obs
            assert [p["code"]["coding"][0]["code"] for p in parts] == ["8480-6", "8462-4"]  # both, always
            assert all(("valueQuantity" in p) != ("dataAbsentReason" in p) for p in parts)
            measured = [(p["code"]["coding"][0]["code"], p["valueQuantity"]) for p in parts if "valueQuantity" in p]
        else:
            assert loinc and all(code in VITAL_SIGNS for code in loinc)
            assert ("valueQuantity" in obs) != ("dataAbsentReason" in obs)
            measured = [(code, obs["valueQuantity"]) for code in loinc if "valueQuantity" in obs]
        for code, value in measured:
            assert value["system"] == codes.UCUM and value["code"] == VITAL_SIGNS[code]
            assert isinstance(value["value"], int | float)
    oximetry = [o for o in vitals if any(c["code"] == "59408-5" for c in o["code"]["coding"])]
    assert oximetry and all({"2708-6", "59408-5"} <= {c["code"] for c in o["code"]["coding"]} for o in oximetry)


def test_a_blood_pressure_missing_a_reading_holds_both_components_the_missing_one_with_its_reason(
    care, database, patient, nurses, clock, protocol, tmp_path
):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    clock.advance(minutes=10)
    partial = {kind: value for kind, value in NORMAL.items() if kind is not VitalKind.DIASTOLIC}
    care.record_vitals(sid, partial, first.id, partial_reason="equipment problem")
    _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json")
    at = clock.now().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    (panel,) = [
        r
        for r in _resources(tmp_path / "b.json")
        if r["resourceType"] == "Observation"
        and r["effectiveDateTime"] == at
        and r["code"]["coding"][0]["code"] == BLOOD_PRESSURE
    ]
    systolic, diastolic = panel["component"]
    assert systolic["code"]["coding"][0]["code"] == "8480-6" and "valueQuantity" in systolic
    assert diastolic["code"]["coding"][0]["code"] == "8462-4" and "valueQuantity" not in diastolic
    reason = diastolic["dataAbsentReason"]
    assert reason["coding"][0] == {"system": codes.DATA_ABSENT, "code": "error", "display": "Error"}
    assert reason["text"] == "equipment problem"


def test_a_session_still_open_is_typed_without_an_outcome(care, database, patient, nurses, clock, protocol, tmp_path):
    session_at(care, patient, nurses, Step.INFUSING)
    _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json")
    (visit,) = [r for r in _resources(tmp_path / "b.json") if r["resourceType"] == "Encounter"]
    assert visit["status"] == "in-progress" and visit["type"] == [{"text": "Ketamine infusion session"}]


def test_advisory_and_act_now_readings_carry_the_interpretation_recorded_with_them(exported):
    bundle_path, _, _ = exported
    flags = Counter(
        coding["code"]
        for r in _resources(bundle_path)
        if r["resourceType"] == "Observation"
        for place in [r, *r.get("component", [])]
        for concept in place.get("interpretation", [])
        for coding in concept["coding"]
    )
    assert flags["A"] > 0 and flags["AA"] > 0  # the demo has advisory readings and an alarm
    assert set(flags) <= {"A", "AA"}


def test_an_infusion_names_the_nurse_and_the_second_nurse_who_checked(exported):
    bundle_path, _, _ = exported
    given = [r for r in _resources(bundle_path) if r["resourceType"] == "MedicationAdministration"]
    assert given
    for administration in given:
        functions = [p["function"]["coding"][0]["code"] for p in administration["performer"]]
        assert functions[0] == "performer"
        assert administration["context"]["reference"].startswith("Encounter/")
        assert administration["dosage"]["dose"]["code"] == "mg"
        assert administration["dosage"]["rateQuantity"]["code"] == "mL/h"
    assert any([p["function"]["coding"][0]["code"] for p in a["performer"]] == ["performer", "verifier"] for a in given)
    assert any("Paused" in note["text"] for a in given for note in a.get("note", []))


def test_outcome_forms_keep_item_ids_and_values_only(exported):
    bundle_path, _, _ = exported
    resources = _resources(bundle_path)
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert responses
    for response in responses:
        assert response["questionnaire"].startswith("https://chairside.invalid/fhir/Questionnaire/")
        for item in response.get("item", []):
            assert set(item) == {"linkId", "answer"}  # no text
            assert [set(a) for a in item["answer"]] == [{"valueInteger"}]
    scores = [r for r in resources if r["resourceType"] == "Observation" and r.get("derivedFrom")]
    assert scores and all(s["valueQuantity"]["code"] == "{score}" for s in scores)
    ids = {f"QuestionnaireResponse/{r['id']}" for r in responses}
    assert all(s["derivedFrom"][0]["reference"] in ids for s in scores)


def test_unverified_codes_stay_out_unless_asked_for_and_are_flagged_when_they_are(demo, exported, tmp_path, protocol):
    bundle_path, _, _ = exported
    unverified = {(c.system, c.code) for c in codes.all_codes() if not c.verified}
    plain = bundle_path.read_text("utf-8")
    written = {(c["system"], c["code"]) for r in _resources(bundle_path) for c in _codings(r)}
    assert written and not written & unverified  # not one of the table's unverified codes, anywhere
    assert codes.UNVERIFIED_TAG not in plain
    database, clock = demo
    _export(database, clock, protocol, tmp_path, out=tmp_path / "all.json", allow_unverified=True)
    resources = _resources(tmp_path / "all.json")
    carrying = [r for r in resources if any((c.get("system"), c.get("code")) in unverified for c in _codings(r))]
    assert carrying and any(r["resourceType"] == "MedicationAdministration" for r in carrying)
    for resource in resources:
        tagged = any(t["code"] == codes.UNVERIFIED_TAG for t in resource.get("meta", {}).get("tag", []))
        assert tagged == (resource in carrying)


def _codings(value: Any) -> Iterator[dict[str, Any]]:
    return (o for o in _objects(value) if "system" in o and "code" in o)


def test_the_ndjson_files_hold_the_same_resources_one_file_per_type_each_private(exported):
    bundle_path, folder, done = exported
    for kind, count in done.counts.items():
        path = folder / f"{kind}.ndjson"
        lines = path.read_text("utf-8").splitlines()
        assert len(lines) == count
        assert {json.loads(line)["resourceType"] for line in lines} == {kind}
        assert path.stat().st_mode & 0o777 == 0o600
    assert bundle_path.stat().st_mode & 0o777 == 0o600
    assert not list(folder.glob(".*.partial"))


def test_each_patient_is_read_in_a_read_of_its_own(demo, tmp_path, protocol, monkeypatch):
    """A read held open for a 10-year export would keep a live database's WAL from being checkpointed."""
    database, clock = demo
    real = records.patient
    reads: list[tuple[object, str]] = []  # the transactions themselves, kept alive so their ids stay distinct

    def spied(tx, patient_id):
        reads.append((tx, patient_id))
        return real(tx, patient_id)

    monkeypatch.setattr(records, "patient", spied)
    done = _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json")
    assert done.patients > 5 and len(reads) == done.patients
    assert len({id(tx) for tx, _ in reads}) == done.patients


def test_a_transaction_bundle_puts_each_resource_at_its_own_place(demo, tmp_path, protocol):
    database, clock = demo
    _export(database, clock, protocol, tmp_path, out=tmp_path / "t.json", transaction=True)
    whole = json.loads((tmp_path / "t.json").read_text("utf-8"))
    assert whole["type"] == "transaction"
    for entry in whole["entry"]:
        resource = entry["resource"]
        assert entry["request"] == {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"}
    Bundle.model_validate(whole)


# ---- a corrected vital, and de-identification, on a session of the test's own -----------------------------


def test_a_corrected_vitals_set_is_exported_once_as_amended_with_the_correction_linked(
    care, database, patient, nurses, clock, protocol, tmp_path
):
    first, _ = nurses
    sid = signed(care, patient, nurses, clock)
    state = care.state(sid)
    wrong = next(e for e in state.events if e.type.value == "vitals.recorded" and e.seq > 10)
    # After signing, a correction is an addendum naming the set (before it, ``Care.correct``: the same rule).
    care.add_addendum(sid, "Heart rate was 72, typed from the wrong monitor", first.id, ANA_PASSWORD, wrong.id)
    _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json")
    resources = _resources(tmp_path / "b.json")
    at = wrong.occurred_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    of_the_set = [r for r in resources if r["resourceType"] == "Observation" and r.get("effectiveDateTime") == at]
    assert of_the_set
    recorded = len([k for k in NORMAL if k is not VitalKind.DIASTOLIC])  # blood pressure is one panel
    assert len(of_the_set) == recorded  # each reading once: never a second current value beside it
    assert {r["status"] for r in of_the_set} == {"amended"}
    assert all("wrong monitor" in r["note"][0]["text"] for r in of_the_set)
    for amended in of_the_set:  # the known-wrong number is nowhere: no value, no flag, "error" instead
        for place in [amended, *amended.get("component", [])]:
            assert not {"valueQuantity", "valueInteger", "interpretation"} & set(place)
        places = amended.get("component", [amended])
        assert all(p["dataAbsentReason"]["coding"][0]["code"] == "error" for p in places)
    others = [r for r in resources if r["resourceType"] == "Observation" and r not in of_the_set]
    assert {r["status"] for r in others} == {"final"}
    targets = {f"Observation/{r['id']}" for r in of_the_set}
    linked = [
        p for p in resources if p["resourceType"] == "Provenance" and {t["reference"] for t in p["target"]} == targets
    ]
    assert any(_amends(p) for p in linked)  # the correction
    assert any(p["activity"]["text"].startswith("signed") for p in linked)  # and the addendum's signature


def _amends(provenance: dict[str, Any]) -> bool:
    activity = provenance["activity"]
    return activity["text"] == "amended" and activity["coding"][0]["code"] == codes.AMENDED.code


@pytest.mark.parametrize("deidentify", [False, True])
def test_an_addendum_correcting_the_dose_amends_the_administration(
    care, database, patient, nurses, clock, protocol, tmp_path, deidentify
):
    first, _ = nurses
    sid = signed(care, patient, nurses, clock)
    dose = next(e for e in care.state(sid).events if e.type.value == "dose.calculated")
    care.add_addendum(sid, "Weight was 71 kg, not 17: dose recalculated on paper", first.id, ANA_PASSWORD, dose.id)
    _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json", deidentify=deidentify)
    resources = _resources(tmp_path / "b.json")
    (given,) = [r for r in resources if r["resourceType"] == "MedicationAdministration"]
    said = [n["text"] for n in given.get("note", []) if n["text"].startswith("Corrected")]
    words = "corrected in the clinic's record" if deidentify else "dose recalculated on paper"
    assert len(said) == 1 and words in said[0]
    linked = [
        p
        for p in resources
        if p["resourceType"] == "Provenance"
        and [t["reference"] for t in p["target"]] == [f"MedicationAdministration/{given['id']}"]
    ]
    assert any(_amends(p) for p in linked)


def test_deidentified_export_keeps_no_name_record_number_or_date_of_the_original(
    care, database, patient, nurses, clock, protocol, tmp_path
):
    sid = signed(care, patient, nurses, clock)
    _export(database, clock, protocol, tmp_path, out=tmp_path / "d.json", ndjson=tmp_path, deidentify=True)
    text = (tmp_path / "d.json").read_text("utf-8")
    whole = json.loads(text)
    for secret in ("Lindqvist", "Maja", "MRN-1001", sid, patient.id, "Ana", "1971-03-14", *[n.id for n in nurses]):
        assert secret not in text
        for path in tmp_path.glob("*.ndjson"):
            assert secret not in path.read_text("utf-8")
    assert any(t["code"] == codes.DEIDENTIFIED_TAG for t in whole["meta"]["tag"])
    assert whole["meta"]["security"][0]["code"] == "PSEUDED"
    originals = {e.occurred_at.astimezone(UTC).date() for e in care.state(sid).events}
    moments = [datetime.fromisoformat(m.replace("Z", "+00:00")) for m in _moments(whole["entry"])]
    assert moments
    assert not {m.date() for m in moments} & originals
    (born,) = [e["resource"]["birthDate"] for e in whole["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert born != "1971-03-14"
    assert '"data"' not in text  # no signature hash: it would lead back to the record


def test_a_deidentified_patient_keeps_one_backward_offset_across_all_their_resources(demo, tmp_path, protocol):
    """The same export, identified and de-identified, resource by resource (the order is the same): every date
    of a patient's resources moved by the same whole number of days, 1 to 365 back, none into the future."""
    database, clock = demo
    _export(database, clock, protocol, tmp_path, out=tmp_path / "i.json")
    _export(database, clock, protocol, tmp_path, out=tmp_path / "d.json", deidentify=True)
    identified, hidden = _resources(tmp_path / "i.json"), _resources(tmp_path / "d.json")
    assert len(identified) == len(hidden)
    offsets: dict[str, set[timedelta]] = {}
    patient = None
    for plain, moved in zip(identified, hidden, strict=True):
        if plain["resourceType"] == "Patient":
            patient = plain["id"]
        for was, now in _dates(plain, moved):
            if "T" in was:
                shift = datetime.fromisoformat(now) - datetime.fromisoformat(was)
            else:
                shift = date.fromisoformat(now) - date.fromisoformat(was)
            assert patient is not None
            offsets.setdefault(patient, set()).add(shift)
            assert now <= clock.now().astimezone(UTC).isoformat()  # never into the future
    assert len(offsets) > 5
    for shifts in offsets.values():
        (shift,) = shifts  # one offset per patient, across all their resources
        assert timedelta(days=-365) <= shift <= timedelta(days=-1) and shift.seconds == 0


def _dates(plain: Any, moved: Any) -> Iterator[tuple[str, str]]:
    """The date and dateTime values at the same place in both (the de-identified one may leave some out)."""
    if isinstance(moved, dict) and isinstance(plain, dict):
        for key, inner in moved.items():
            if key in plain and key not in {"id", "reference", "fullUrl"}:
                yield from _dates(plain[key], inner)
    elif isinstance(moved, list) and isinstance(plain, list) and len(moved) == len(plain):
        for a, b in zip(plain, moved, strict=True):
            yield from _dates(a, b)
    elif isinstance(moved, str) and isinstance(plain, str) and _DATE.match(plain) and _DATE.match(moved):
        yield plain, moved


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")


def _moments(value: Any) -> Iterator[str]:
    keys = {"effectiveDateTime", "issued", "recorded", "when", "start", "end", "authored", "date", "recordedDate"}
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys and isinstance(inner, str) and "T" in inner:
                yield inner
            else:
                yield from _moments(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _moments(inner)


def test_deidentified_demo_names_nobody(demo, tmp_path, protocol):
    database, clock = demo
    _export(database, clock, protocol, tmp_path, out=tmp_path / "d.json", deidentify=True)
    text = (tmp_path / "d.json").read_text("utf-8")
    assert "DEMO-" not in text
    for person in PEOPLE:
        assert person.family not in text
    assert "Siobhán" not in text and "Dr Demo Prescriber" not in text
    # Each patient's birth date moved: one may land on another's by chance (with ids pseudonymous, which is
    # whose cannot be told), never most of them.
    born = [r["birthDate"] for r in _resources(tmp_path / "d.json") if r["resourceType"] == "Patient"]
    assert len(born) > len(PEOPLE) and sum(day in {p.born for p in PEOPLE} for day in born) < len(PEOPLE) / 2


def test_a_response_is_authored_at_the_moment_answered_then_else_on_the_day_only(
    care, database, patient, nurses, clock, protocol, tmp_path
):
    first, _ = nurses
    pain = {"PAININ9": 4, "PAININ22": 3, "PAININ31": 4, "PAININ34": 3}
    earlier = (clock.now().astimezone() - timedelta(days=2)).date().isoformat()
    care.record_assessment(patient.id, {"PI_4a_v1.0": pain}, mode="phone", by=first.id, taken_on=earlier)
    clock.advance(minutes=5)
    care.record_assessment(patient.id, {"PI_4a_v1.0": pain}, mode="chair", by=first.id)
    _export(database, clock, protocol, tmp_path, out=tmp_path / "b.json")
    authored = sorted(
        r["authored"] for r in _resources(tmp_path / "b.json") if r["resourceType"] == "QuestionnaireResponse"
    )
    now = clock.now().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    assert authored == [earlier, now]
