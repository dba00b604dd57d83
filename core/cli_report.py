"""The ``report`` commands: printouts made from the command line, written as PDF files.

Each one is audited like a print from the app, naming the computer account that ran it, and says in
its footer who printed it and when.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from core.clock import Clock
from core.protocol import load_protocol
from core.reports.downtime import downtime_forms
from core.reports.output import Output, local_stamp, record_output, write_file
from core.reports.session_summary import Printing
from core.reports.session_summary import session_summary as build_session_summary
from core.services import Care
from core.settings import clinic_settings
from core.startup import open_store


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help="write a printout as a PDF file",
        description="Write a printout as a PDF file, on the clinic's paper size. Each one is recorded in the "
        "audit trail with your computer account.",
    )
    documents = parser.add_subparsers(dest="report_command", metavar="DOCUMENT", required=True)
    downtime = documents.add_parser(
        "downtime",
        help="blank paper forms from the protocol, for when the computer is down",
        description="Blank session forms generated from the protocol in force: screening, dose arithmetic, "
        "double check, vitals schedule and thresholds, side effects and discharge. Print some in advance.",
    )
    downtime.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")
    session = documents.add_parser(
        "session",
        help="the summary of one session, for the chart",
        description="The session summary: identifiers, protocol, course day, dose arithmetic, controlled "
        "substance, double check, timeline, vitals with tiers and trend, side effects, discharge, "
        "signatures and addenda. An unsigned session prints as a draft.",
    )
    session.add_argument("session_id", metavar="ID", help="the session's id (shown by 'audit show')")
    session.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")


def _say(line: str) -> None:
    print(line, flush=True)


def _printer() -> str:
    return f"{getpass.getuser()} (computer account)"


def downtime(args: argparse.Namespace, clock: Clock) -> int:
    database, workstation = open_store(args.database, clock)
    try:
        clinic = clinic_settings(database)
        protocol = load_protocol()
        pdf = downtime_forms(protocol, clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        written = write_file(args.out, pdf)
        output = Output(f"downtime forms ({protocol.id} {protocol.version})", str(written))
        record_output(database, clock.now(), workstation.name, output, os_account=getpass.getuser())
    finally:
        database.dispose()
    _say(f"Downtime forms written to {written}")
    return 0


def session_summary(args: argparse.Namespace, clock: Clock) -> int:
    database, workstation = open_store(args.database, clock)
    try:
        clinic = clinic_settings(database)
        care = Care(database, load_protocol(), clock, workstation.name)
        patient_id = care.state(args.session_id).events[0].payload["patient_id"]
        printing = Printing(clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        written = write_file(args.out, build_session_summary(care, args.session_id, printing))
        output = Output("session summary", str(written), patient_id, args.session_id)
        record_output(database, clock.now(), workstation.name, output, os_account=getpass.getuser())
    finally:
        database.dispose()
    _say(f"Session summary written to {written}")
    return 0


def run(args: argparse.Namespace, clock: Clock) -> int:
    if args.report_command == "session":
        return session_summary(args, clock)
    return downtime(args, clock)
