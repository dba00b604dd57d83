"""``export_fhir``: the records of a period (or of one patient in it) as FHIR R4 resources, written whole or not
at all, and recorded in the audit trail as a disclosure.

Read one patient at a time (``core.records``), each patient in a read transaction of its own, so a history of
years streams through and no read stays open for the whole export against a live database (a WAL file that
cannot be checkpointed grows while it does): the patient, each course order with a session in the period,
each session's resources, each outcome sitting in the period, then the Practitioner of each nurse named who
has not been written yet. Which patients, and the staff, are read first, in a short read of their own.

The files are written under temporary names; the audit line (who, when, the period, how many patients,
where) is committed before they are renamed into place, so there is never a disclosure the trail does not
hold, nor a half-written file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from core import records
from core.audit import AuditAction
from core.audit_report import day_bounds
from core.clock import Clock
from core.errors import EnvironmentTrouble, InputError
from core.events import EventType
from core.fhir import codes
from core.fhir.context import Context, Json, flag_unverified
from core.fhir.medication import medication_request
from core.fhir.outcomes import assessment_resources
from core.fhir.people import patient, practitioner
from core.fhir.session import session_resources
from core.fhir.writing import ResourceWriter
from core.paths import expanded
from core.people import Account
from core.persistence.db import Database
from core.private_files import WholeFiles, intended, unwritten
from core.protocol import Protocol
from core.settings import ClinicSettings, clinic_settings
from core.unit_of_work import Tx, UnitOfWork

DEFAULT_BASE: str = ClinicSettings.model_fields["fhir_base_url"].default


@dataclass(frozen=True)
class ExportRequest:
    """What to export and where; at least one of ``out`` (a Bundle) and ``ndjson`` (a folder)."""

    first: date
    last: date
    out: Path | None = None
    ndjson: Path | None = None
    mrn: str | None = None
    transaction: bool = False
    deidentify: bool = False
    allow_unverified: bool = False
    os_account: str | None = None


@dataclass(frozen=True)
class ExportDone:
    patients: int
    counts: dict[str, int]
    written: tuple[Path, ...]
    base: str
    """The FHIR address the export's identifiers, codes and entries are named under."""

    @property
    def base_unset(self) -> bool:
        """The clinic has not set its own FHIR address: the default, on the reserved ``.invalid`` domain."""
        return self.base == DEFAULT_BASE

    @property
    def resources(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Staff:
    """The staff, read once; each written as a Practitioner the first time a resource names them."""

    accounts: dict[str, Account]
    written: set[str] = field(default_factory=set)

    def new(self, acted: set[str]) -> list[Account]:
        fresh = sorted(acted - self.written)
        self.written.update(fresh)
        return [self.accounts[who] for who in fresh if who in self.accounts]


def export_fhir(
    database: Database, protocol: Protocol, clock: Clock, workstation: str, request: ExportRequest
) -> ExportDone:
    out, folder = _places(request)
    if request.last < request.first:
        raise InputError("to", "The last day (--to) is before the first (--from).", "Swap them, or correct one.")
    start, end = day_bounds(request.first)[0], day_bounds(request.last)[1]
    context = Context(
        clinic_settings(database).fhir_base_url,
        allow_unverified=request.allow_unverified,
        deidentify=request.deidentify,
    )
    door = UnitOfWork(database, clock.now, workstation)
    now = clock.now()
    with door.reading() as tx:
        patient_ids, only = _patients(tx, request.mrn, start, end)
        staff = _Staff({account.id: account for account in records.everyone(tx)})
    try:
        with WholeFiles() as files:
            writer = ResourceWriter(
                files,
                context.base,
                bundle=out,
                ndjson=folder,
                transaction=request.transaction,
                meta=_bundle_meta(context),
                bundle_id=str(uuid.uuid4()),
                timestamp=now,
            )
            for resource in _resources(door, context, protocol, staff, patient_ids, start, end, now.date()):
                writer.write(flag_unverified(resource, context))
            writer.finish()
            _audit(door, request, out, folder, len(patient_ids), writer.counts.total(), only)
    except OSError as error:
        raise _trouble(error, [p for p in (out, folder) if p is not None]) from error
    written = tuple(p.resolve() for p in (out, folder) if p is not None)
    return ExportDone(len(patient_ids), dict(writer.counts), written, context.base)


def _places(request: ExportRequest) -> tuple[Path | None, Path | None]:
    """The Bundle file and the NDJSON folder, checked before anything is read."""
    if request.out is None and request.ndjson is None:
        raise InputError("out", "Say where to write the export: --out FILE.json, --ndjson FOLDER, or both.")
    if request.transaction and request.out is None:
        raise InputError(
            "transaction", "A transaction is a Bundle: --transaction needs --out FILE.json.", "Add --out FILE.json."
        )
    out = expanded(request.out, "out") if request.out is not None else None
    if out is not None and not out.parent.is_dir():
        raise InputError("out", f"There is no folder {out.parent}.", "Choose a folder that exists.")
    if out is not None and out.is_dir():
        raise InputError("out", f"{out} is a folder.", "Give the name of the file to write.")
    folder = expanded(request.ndjson, "ndjson") if request.ndjson is not None else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise InputError("ndjson", f"{folder} is a file, not a folder.", "Give the folder to write the files into.")
    if folder is not None and not folder.is_dir():
        raise InputError("ndjson", f"There is no folder {folder}.", "Make it first, or choose one that exists.")
    if folder is not None and any(folder.glob("*.ndjson")):
        raise InputError(
            "ndjson",
            f"{folder} already holds NDJSON files: this export's would mix with them.",
            "Choose an empty folder (or one without .ndjson files) for each export.",
        )
    return out, folder


def _patients(tx: Tx, mrn: str | None, start: datetime, end: datetime) -> tuple[list[str], str | None]:
    ids = records.patients_with_care_between(tx, start, end)
    only = None
    if mrn is not None:
        mrn = mrn.strip()
        found = records.patient_by_mrn(tx, mrn)
        if found is None:
            raise InputError("patient", f"No patient has the record number “{mrn}”.", "Check the number.")
        only = found.id
        ids = [pid for pid in ids if pid == only]
    if not ids:
        raise InputError(
            "from", "No sessions or outcome forms were recorded in that period.", "Check the dates (and the patient)."
        )
    return ids, only


def _bundle_meta(context: Context) -> Json:
    tags = []
    security = []
    if context.deidentify:
        words = (
            "De-identified: names, record numbers, session ids, signature hashes and typed notes left out; ids "
            "pseudonymous; each patient's dates shifted by a random number of days kept nowhere"
        )
        tags.append(context.local_coding(codes.DEIDENTIFIED_TAG, words))
        security += context.codings(codes.PSEUDONYMISED)
    if context.allow_unverified:
        words = "Codes the clinical reference still marks unverified were allowed; each resource carrying one says so"
        tags.append(context.local_coding(codes.UNVERIFIED_TAG, words))
    meta: Json = {}
    if tags:
        meta["tag"] = tags
    if security:
        meta["security"] = security
    return meta or {"source": context.base}


def _resources(
    door: UnitOfWork,
    context: Context,
    protocol: Protocol,
    staff: _Staff,
    patient_ids: list[str],
    start: datetime,
    end: datetime,
    today: date,
) -> Iterator[Json]:
    for patient_id in patient_ids:
        with door.reading() as tx:  # one patient per read: never one read held open for the whole export
            yield from _patient_resources(tx, context, protocol, staff, patient_id, start, end, today)


def _patient_resources(
    tx: Tx,
    context: Context,
    protocol: Protocol,
    staff: _Staff,
    patient_id: str,
    start: datetime,
    end: datetime,
    today: date,
) -> Iterator[Json]:
    context.for_patient()
    acted: set[str] = set()
    record = records.patient(tx, patient_id)
    assert record is not None
    view = records.patient_view(tx, record)
    yield patient(context, record, view.sex)
    sessions = sorted(
        (s for s in records.sessions_of(tx, patient_id) if start <= s.opened_at < end), key=lambda s: s.opened_at
    )
    course_ids = {s.course_id for s in sessions if s.course_id}
    for course in records.courses_of(tx, patient_id):
        if course.id in course_ids:
            acted.add(course.recorded_by)
            yield medication_request(context, protocol, course, today)
    events = records.load_events_of(tx, [s.id for s in sessions])
    for summary in sessions:
        yield from session_resources(context, protocol, summary, events[summary.id], acted)
    for event in records.patient_events(tx, patient_id):
        if event.type is EventType.ASSESSED and start <= event.occurred_at < end:
            acted.add(event.recorded_by)
            yield from assessment_resources(context, event)
    for account in staff.new(acted):
        yield practitioner(context, account)


def _audit(
    door: UnitOfWork,
    request: ExportRequest,
    out: Path | None,
    folder: Path | None,
    patients: int,
    resources: int,
    only: str | None,
) -> None:
    where = [str(p.resolve()) for p in (out, folder) if p is not None]
    form = "transaction Bundle" if request.transaction else "collection Bundle"
    forms = [form] * (out is not None) + ["NDJSON"] * (folder is not None)
    detail = {
        "what": f"FHIR R4 export ({', '.join(forms)})",
        "to": "; ".join(where),
        "from_day": request.first.isoformat(),
        "to_day": request.last.isoformat(),
        "patients": patients,
        "resources": resources,
        "deidentified": request.deidentify,
        "unverified_codes": request.allow_unverified,
    }
    if request.os_account:
        detail["os_account"] = request.os_account
    with door.writing() as work:
        work.audit(AuditAction.EXPORTED, patient_id=only, detail=detail)


def _trouble(error: OSError, places: list[Path]) -> EnvironmentTrouble:
    """The trouble in words, naming the file that failed when the error says which (the NDJSON folder's,
    not the Bundle's), else every place the export was going to."""
    failed = error.filename2 if isinstance(error.filename2, str) else error.filename
    if isinstance(failed, str) and failed:
        where: object = intended(Path(failed))
    else:
        where = " and ".join(str(place) for place in places)
    return unwritten(error, f"the export to {where}", "; nothing was left there")
