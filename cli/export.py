"""``main.py export fhir``: the records of a period as FHIR R4 (a Bundle, and/or NDJSON files per resource
type), for the hospital's record, a registry or the clinic's analysts. An export is a disclosure: it is
recorded in the audit trail with the computer account that ran it, the period, how many patients and where
the files went; the files are written whole or not at all, readable by this account only.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from cli.say import say
from core.clock import Clock
from core.dates import parse_day
from core.protocol import load_protocol
from core.startup import open_store


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="write the records in a standard form other systems read (FHIR R4)",
        description="Write the records in a standard form other systems read. Each export is recorded in the "
        "audit trail with your computer account, the period, how many patients and where it went.",
    )
    forms = parser.add_subparsers(dest="export_command", metavar="FORM", required=True)
    fhir = forms.add_parser(
        "fhir",
        help="FHIR R4: a Bundle (--out) and/or NDJSON files per resource type (--ndjson)",
        description="The sessions opened and outcome forms answered from --from to --to (local days) as FHIR "
        "R4 resources: Patient, Practitioner, Encounter per session, MedicationRequest per course order, "
        "MedicationAdministration per infusion, Observation per vital sign, weight and PROMIS T-score, "
        "AdverseEvent, QuestionnaireResponse per PROMIS form (item ids and values only), Provenance per "
        "signature and correction. Every resource is validated against the R4B models before it is written.",
    )
    fhir.add_argument("--from", dest="first_day", required=True, metavar="YYYY-MM-DD", help="the first day")
    fhir.add_argument("--to", dest="last_day", required=True, metavar="YYYY-MM-DD", help="the last day")
    fhir.add_argument("--patient", metavar="MRN", help="only the patient with this record number")
    fhir.add_argument("--out", type=Path, metavar="FILE.json", help="the Bundle file to write")
    fhir.add_argument(
        "--transaction",
        action="store_true",
        help="a transaction Bundle (each entry a PUT, for posting to a FHIR server) instead of a collection",
    )
    fhir.add_argument(
        "--ndjson", type=Path, metavar="FOLDER", help="also (or only) one NDJSON file per resource type in FOLDER"
    )
    fhir.add_argument(
        "--deidentify",
        action="store_true",
        help="for research: no names, record numbers, session ids, signature hashes or typed notes; pseudonymous "
        "ids; each patient's dates shifted by a random number of days kept nowhere",
    )
    fhir.add_argument(
        "--allow-unverified-codes",
        action="store_true",
        help="also write the codes the clinical reference still marks unverified (each resource carrying one is "
        "tagged so in meta)",
    )


def run(args: argparse.Namespace, clock: Clock) -> int:
    # The FHIR models take a tenth of a second to import: only when an export is asked for, not at every start.
    from core.fhir_export import ExportRequest, export_fhir

    request = ExportRequest(
        first=parse_day(args.first_day, "from", "the first day (--from)"),
        last=parse_day(args.last_day, "to", "the last day (--to)"),
        out=args.out,
        ndjson=args.ndjson,
        mrn=args.patient,
        transaction=args.transaction,
        deidentify=args.deidentify,
        allow_unverified=args.allow_unverified_codes,
        os_account=getpass.getuser(),
    )
    database, workstation = open_store(args.database, clock)
    try:
        done = export_fhir(database, load_protocol(), clock, workstation.name, request)
    finally:
        database.dispose()
    if done.base_unset:
        say(
            f"Warning: the clinic has not set its FHIR address, so identifiers and codes are named under {done.base}. "
            "Set it with: main.py [--database URL] settings set fhir_base_url https://YOUR-CLINIC/fhir "
            "--reason WHY --admin USERNAME"
        )
    counts = ", ".join(f"{count:,} {kind}" for kind, count in sorted(done.counts.items()))
    period = f"{request.first.isoformat()} to {request.last.isoformat()}"
    patients = f"{done.patients:,} patient{'' if done.patients == 1 else 's'}"
    say(f"FHIR R4 export of {period}: {patients}, {done.resources:,} resources ({counts}).")
    for path in done.written:
        say(f"Written to {path}")
    return 0
