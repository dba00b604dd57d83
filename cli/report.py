"""The ``report`` commands: printouts made from the command line, written as PDF files.

Each one is audited like a print from the app, naming the computer account that ran it, and says in
its footer who printed it and when. Each command imports its page maker (and with it reportlab) when it
runs, not every command line at its start (the demo's fill, the audit check): a tenth of a second each time.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cli.say import say
from core.care import Care
from core.clock import Clock
from core.dates import local_stamp, parse_day
from core.day_log import day_log, export_csv
from core.errors import InputError
from core.handoff import nurse_chairs
from core.outcomes.due import DEFAULT_AHEAD_DAYS, DEFAULT_LOOK_BACK_DAYS
from core.persistence.db import Database
from core.protocol import Protocol, load_protocol
from core.reports.output import Output, Printout, record_output, write_file
from core.settings import ClinicSettings, WorkstationSettings, clinic_settings
from core.startup import open_store

GIVE_EACH = "Give each its own file: --out FILE.pdf for the PDF, --csv FILE.csv for the CSV. Nothing was written."
"""What to do when a report's PDF and CSV are not asked for in files of their own."""
NO_RESTART = datetime(1, 1, 1, tzinfo=UTC)
"""A command has no running app whose restart would leave a pump to check: none is owed from here."""


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
    handoff = documents.add_parser(
        "handoff",
        help="the I-PASS handoff sheet for chairs, or for all of a nurse's chairs",
        description="The handoff sheet drafted from the chairs' open sessions as they stand now: severity, "
        "patient summary, actions with times, the protocol's contingencies, and a box for the receiver. A "
        "nurse's chairs are those whose open session she opened or recorded the latest entry of.",
    )
    chosen = handoff.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--chair", type=int, action="append", metavar="N", help="a chair (repeat for several)")
    chosen.add_argument("--nurse", metavar="USERNAME", help="every chair of this nurse's (see above)")
    handoff.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")
    escort = documents.add_parser(
        "escort",
        help="the going-home sheet for the patient and escort",
        description="The patient's and escort's discharge instructions for a session whose infusion has ended.",
    )
    escort.add_argument("session_id", metavar="SESSION_ID", help="the session's id")
    escort.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")
    day = documents.add_parser(
        "day",
        help="the day log of one date: every session on every chair, exceptions first, totals",
        description="The charge nurse's day log for one local date: every session on every chair and "
        "workstation, exceptions first (unsigned, a vial's rest not accounted for, a missing check or one that "
        "did not agree, a pump reading that did not agree, overdue vitals, soft-limit and discharge overrides, "
        "stopped early or at screening, late entries), then the totals. As a PDF, a CSV file (one row per "
        "session), or both.",
    )
    day.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day, in this computer's time zone")
    day.add_argument("--out", type=Path, metavar="FILE.pdf", help="the PDF file to write")
    day.add_argument("--csv", type=Path, metavar="FILE.csv", help="the CSV file to write")
    course = documents.add_parser(
        "course",
        help="the course summary of one patient: every course, day by day, and the outcome chart",
        description="The patient's courses in order with the gap between them: the order, each day (completed, "
        "stopped early, not treated, missed, cancelled, to come, no record) with its reason, weight, dose, vital "
        "signs and side-effect peaks, adverse events, the outcome forms, and the outcome chart.",
    )
    course.add_argument("mrn", metavar="MRN", help="the patient's medical record number")
    course.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")
    outcomes = documents.add_parser(
        "outcomes",
        help="the clinic's outcome report for a period: completion, adherence, repeat courses, PROMIS change",
        description="The clinic's outcome report of the courses whose first infusion began in the period, as the "
        "records stood at the end of its last day: treatment completion (the study's definition), course and "
        "on-protocol completion, session adherence, repeat-course return and time to return, outcome forms "
        "completed, change from baseline per PROMIS domain and time point, adverse events. Every figure with "
        "its definition and denominator. As a PDF, a CSV file (one row per figure), or both.",
    )
    _period_and_files(outcomes)
    outcomes.add_argument(
        "--protocol",
        metavar="SHA256",
        help="make it under this kept protocol (and its MCIDs), as a past report names it; today's if not given",
    )
    quality = documents.add_parser(
        "quality",
        help="the clinic's quality report for a period: alarms, overrides and near misses, checks, silences",
        description="The clinic's quality report of a period beside the three before it: alarms per threshold "
        "(per 100 sessions, time to acknowledge, actions, what they led to; by chair, nurse and protocol "
        "version), what each clinic-policy threshold would have done at its neighbouring values, overrides and "
        "their reasons, refusals (near misses), second-nurse and pump mismatches, on-time and late checks, "
        "silenced alarms, the controlled substance, late entries and corrections. Every figure with its "
        "definition and denominator; patients named only in the outlier listings (as the clinic's setting "
        "quality_outliers_as says). As a PDF, a CSV file (one row per figure and period), or both.",
    )
    _period_and_files(quality)
    quality.add_argument(
        "--protocol",
        metavar="SHA256",
        help="replay the thresholds of this kept protocol; today's if not given",
    )
    quality.add_argument("--chair", type=int, metavar="N", help="count the sessions of this chair alone")
    quality.add_argument(
        "--protocol-version", metavar="VERSION", help="count the sessions recorded under this protocol version alone"
    )
    quality.add_argument(
        "--opened-by", metavar="USERNAME", help="count the sessions this nurse opened alone (her user name)"
    )
    follow = documents.add_parser(
        "follow-ups",
        help="the follow-up forms upcoming, due, overdue, missed and done, with each patient's contact route",
        description="The charge nurse's list of follow-up forms after each course's last infusion (end of "
        "course, 3 and 6 months as the protocol has them), most urgent first: upcoming in the next days, due, "
        "overdue, and missed or done in windows closed lately; with each patient's contact route. The rules "
        "are printed at its foot.",
    )
    follow.add_argument("--on", metavar="YYYY-MM-DD", help="the day of the list (today when left out)")
    follow.add_argument(
        "--ahead-days",
        type=int,
        default=DEFAULT_AHEAD_DAYS,
        metavar="N",
        help="upcoming: windows opening within N days",
    )
    follow.add_argument(
        "--look-back-days",
        type=int,
        default=DEFAULT_LOOK_BACK_DAYS,
        metavar="N",
        help="missed and done: windows closed within the last N days",
    )
    follow.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")


def _period_and_files(report: argparse.ArgumentParser) -> None:
    """A clinic report's period (days that have ended) and the files it is written to."""
    report.add_argument("--from", dest="first_day", required=True, metavar="YYYY-MM-DD", help="the first day")
    report.add_argument(
        "--to", dest="last_day", required=True, metavar="YYYY-MM-DD", help="the last day (yesterday or earlier)"
    )
    report.add_argument("--out", type=Path, metavar="FILE.pdf", help="the PDF file to write")
    report.add_argument("--csv", type=Path, metavar="FILE.csv", help="the CSV file to write")


@contextmanager
def _store(args: argparse.Namespace, clock: Clock) -> Iterator[tuple[Database, WorkstationSettings]]:
    """The chosen database, opened and migrated, and released whatever happens."""
    database, workstation = open_store(args.database, clock)
    try:
        yield database, workstation
    finally:
        database.dispose()


def _record(database: Database, clock: Clock, workstation: str, printout: Printout, written: Path) -> None:
    """The audit lines of a file written from the command line, one per patient on it."""
    for output in printout.outputs:
        copy = replace(output, destination=str(written))
        record_output(database, clock.now(), workstation, copy, os_account=getpass.getuser())


def _printer() -> str:
    return f"{getpass.getuser()} (computer account)"


def downtime(args: argparse.Namespace, clock: Clock) -> int:
    from core.reports.downtime import downtime_forms

    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        protocol = load_protocol()
        pdf = downtime_forms(protocol, clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        written = write_file(args.out, pdf)
        output = Output(f"downtime forms ({protocol.id} {protocol.version})", str(written))
        record_output(database, clock.now(), workstation.name, output, os_account=getpass.getuser())
    say(f"Downtime forms written to {written}")
    return 0


def session_summary(args: argparse.Namespace, clock: Clock) -> int:
    from core.reports.session_summary import Printing, summary_printout

    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = Care(database, load_protocol(), clock, workstation.name)
        printing = Printing(clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        printout = summary_printout(care.session_snapshot(args.session_id), printing)
        written = write_file(args.out, printout.pdf)
        _record(database, clock, workstation.name, printout, written)
    say(f"Session summary written to {written}")
    return 0


def day(args: argparse.Namespace, clock: Clock) -> int:
    """The PDF and/or the CSV of one day, each written whole and audited with the computer account."""
    from core.reports.day_log_pdf import day_log_pdf

    if args.out is None and args.csv is None:
        raise InputError("out", "Say where to write the day log: --out FILE.pdf, --csv FILE.csv, or both.")
    chosen = parse_day(args.date, "date")
    written: list[Path] = []
    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        log = day_log(database, load_protocol(), chosen, clock.now())
        if args.out is not None:
            pdf = day_log_pdf(log, clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
            written.append(write_file(args.out, pdf))
            output = Output(f"day log {chosen.isoformat()} ({log.filter_words.lower()}), PDF", str(written[-1]))
            record_output(database, clock.now(), workstation.name, output, os_account=getpass.getuser())
        if args.csv is not None:
            account = getpass.getuser()
            written.append(export_csv(database, clock.now(), workstation.name, log, args.csv, os_account=account))
    for path in written:
        say(f"Day log of {chosen.isoformat()} ({len(log.entries)} sessions) written to {path}")
    return 0


def outcome_report(args: argparse.Namespace, clock: Clock) -> int:
    """The PDF and/or the CSV of the clinic's outcome report, each written whole and audited."""
    from core.reports.outcome_report import export_outcome_csv, outcome_printout

    return _period_report(
        args,
        clock,
        lambda care, first, last, protocol: care.outcome_report(first, last, protocol),
        outcome_printout,
        export_outcome_csv,
        lambda r: f"Outcome report {r.first_day.isoformat()} to {r.last_day.isoformat()} ({r.courses} courses)",
    )


def quality_report(args: argparse.Namespace, clock: Clock) -> int:
    """The PDF and/or the CSV of the clinic's quality report, each written whole and audited."""
    from core.reports.quality_report import export_quality_csv, quality_printout

    def made(care: Care, first: date, last: date, protocol: Protocol | None) -> Any:
        scope = care.scope_of(args.chair, args.protocol_version, args.opened_by)
        return care.quality_report(None, first, last, protocol, scope)

    return _period_report(
        args,
        clock,
        made,
        quality_printout,
        export_quality_csv,
        lambda r: f"Quality report {r.period.words()} ({r.sessions} sessions)",
    )


def _period_report(
    args: argparse.Namespace,
    clock: Clock,
    made: Callable[[Care, date, date, Protocol | None], Any],
    printout: Callable[..., Printout],
    export: Callable[..., Path],
    words: Callable[[Any], str],
) -> int:
    """A clinic report over a period (``--from``, ``--to``, ``--protocol``) as a PDF and/or a CSV, each written
    whole and audited with the computer account."""
    if args.out is None and args.csv is None:
        raise InputError("out", "Say where to write the report: --out FILE.pdf, --csv FILE.csv, or both.")
    _files_apart(args.out, args.csv)
    first = parse_day(args.first_day, "from", "the first day (--from)")
    last = parse_day(args.last_day, "to", "the last day (--to)")
    written: list[Path] = []
    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = _care(database, clock, workstation.name)
        protocol = care.kept_protocol(args.protocol) if args.protocol else None
        report = made(care, first, last, protocol)
        if args.out is not None:
            pdf = printout(report, clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
            written.append(write_file(args.out, pdf.pdf))
            _record(database, clock, workstation.name, pdf, written[-1])
        if args.csv is not None:
            account = getpass.getuser()
            written.append(export(database, clock.now(), workstation.name, report, args.csv, os_account=account))
    for path in written:
        say(f"{words(report)} written to {path}")
    return 0


def _files_apart(pdf: Path | None, sheet: Path | None) -> None:
    """The PDF and the CSV each in a file of its own, named for what it holds: written to one file, the CSV
    replaced the PDF with both said written; a PDF named ``.csv`` (or a CSV named ``.pdf``) opens as neither."""
    if pdf is not None and sheet is not None and pdf.expanduser().resolve() == sheet.expanduser().resolve():
        raise InputError("csv", f"The PDF and the CSV file would both be written to {pdf}.", GIVE_EACH)
    if pdf is not None and pdf.suffix.lower() == ".csv":
        raise InputError("out", f"--out writes the report as a PDF, but {pdf} is named as a CSV file.", GIVE_EACH)
    if sheet is not None and sheet.suffix.lower() == ".pdf":
        raise InputError("csv", f"--csv writes the report as CSV, but {sheet} is named as a PDF.", GIVE_EACH)


def follow_ups(args: argparse.Namespace, clock: Clock) -> int:
    """The list as a PDF, written whole and audited with the computer account."""
    from core.reports.follow_ups_pdf import follow_ups_pdf

    chosen = parse_day(args.on, "on") if args.on else None
    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = _care(database, clock, workstation.name)
        found = care.follow_ups_due(chosen, look_back_days=args.look_back_days, ahead_days=args.ahead_days)
        pdf = follow_ups_pdf(found, clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        written = write_file(args.out, pdf)
        output = Output(f"follow-ups due {found.on.isoformat()} (all statuses), PDF", str(written))
        record_output(database, clock.now(), workstation.name, output, os_account=getpass.getuser())
    say(f"Follow-ups due on {found.on.isoformat()} ({found.counts_words}) written to {written}")
    return 0


def _care(database: Database, clock: Clock, workstation: str) -> Care:
    return Care(database, load_protocol(), clock, workstation, app_started_at=NO_RESTART)


def _handoff_chairs(care: Care, clinic: ClinicSettings, args: argparse.Namespace) -> tuple[list[int], str | None]:
    """The chairs asked for (each one the clinic has), or the nurse's; and the nurse handing over, if named."""
    if args.nurse is None:
        wrong = [chair for chair in args.chair if not 1 <= chair <= clinic.chairs]
        if wrong:
            raise InputError("chair", f"There is no chair {wrong[0]}: the clinic has chairs 1–{clinic.chairs}.")
        return list(dict.fromkeys(args.chair)), None
    nurse = next((a for a in care.accounts.everyone() if a.username == args.nurse), None)
    if nurse is None:
        raise InputError("nurse", f"No account has the user name “{args.nurse}”.", "`users list` shows them all.")
    chairs = nurse_chairs(care.chairs(), nurse.id)
    if not chairs:
        raise InputError("nurse", f"{nurse.name} has no open session on any chair: there is nothing to hand over.")
    return chairs, nurse.name


def handoff(args: argparse.Namespace, clock: Clock) -> int:
    from core.reports.handoff import handoff_printout

    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = _care(database, clock, workstation.name)
        chairs, giver = _handoff_chairs(care, clinic, args)
        printout = handoff_printout(care.open_chairs(), chairs, clinic, _printer(), giver)
        written = write_file(args.out, printout.pdf)
        _record(database, clock, workstation.name, printout, written)
    say(f"Handoff sheet for chair{'s' if len(chairs) > 1 else ''} {', '.join(map(str, chairs))} written to {written}")
    return 0


def escort(args: argparse.Namespace, clock: Clock) -> int:
    from core.reports.escort_sheet import escort_printout

    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = _care(database, clock, workstation.name)
        printout = escort_printout(care.session_snapshot(args.session_id), clinic, _printer())
        written = write_file(args.out, printout.pdf)
        _record(database, clock, workstation.name, printout, written)
    say(f"Going-home sheet written to {written}")
    return 0


def course(args: argparse.Namespace, clock: Clock) -> int:
    from core.reports.course_summary import course_printout
    from core.reports.session_summary import Printing

    with _store(args, clock) as (database, workstation):
        clinic = clinic_settings(database)
        care = _care(database, clock, workstation.name)
        found = care.patient_by_mrn(args.mrn)
        if found is None:
            raise InputError("mrn", f"No patient has the record number “{args.mrn}”.", "Check the number.")
        printing = Printing(clinic.clinic_name, clinic.page_size, local_stamp(clock.now()), _printer())
        printout = course_printout(care.course_record(found.id), printing)
        written = write_file(args.out, printout.pdf)
        _record(database, clock, workstation.name, printout, written)
    say(f"Course summary of {found.mrn} written to {written}")
    return 0


COMMANDS = {
    "downtime": downtime,
    "session": session_summary,
    "day": day,
    "handoff": handoff,
    "escort": escort,
    "course": course,
    "outcomes": outcome_report,
    "quality": quality_report,
    "follow-ups": follow_ups,
}


def run(args: argparse.Namespace, clock: Clock) -> int:
    return COMMANDS[args.report_command](args, clock)
