"""The computer's print system, asked before a copy is sent and followed after: which printers there are,
whether each is ready, and what became of a job.

Qt's own print path hands pages over at its last drawing step and reports success whatever the print
system then does: a paused queue, one refusing jobs, or a scheduler that stopped were all reported as
"sent" and audited as printed. Here the PDF itself goes to the queue (vector pages with their text, not
300-dpi pictures), on the clinic's paper set on the job (the printer's own default never shrinks the
page), and the job's number is kept so its outcome can be followed and told.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar
from urllib.parse import quote

from core.printing.ipp import (
    NOT_ACCEPTING_JOBS,
    NOT_FOUND,
    Attribute,
    Operation,
    PrintSystemRefused,
    Server,
    Tag,
    encode,
    operation_attributes,
)

MEDIA = {"A4": "iso_a4_210x297mm", "Letter": "na_letter_8.5x11in"}
"""The clinic's paper as the print system names it (PWG 5101.1 media names)."""
PRINTER_FACTS = (
    "printer-name",
    "printer-state",
    "printer-is-accepting-jobs",
    "printer-state-message",
    "printer-state-reasons",
    "printer-info",
    "media-supported",
)
Known = TypeVar("Known", bound=IntEnum)
ASK_SOMEONE = "Choose another printer, or ask whoever looks after the printers."


class PrinterState(IntEnum):
    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


class JobState(IntEnum):
    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELLED = 7
    ABORTED = 8
    COMPLETED = 9


FINISHED = {JobState.CANCELLED, JobState.ABORTED, JobState.COMPLETED}


@dataclass(frozen=True)
class Printer:
    name: str
    state: PrinterState
    accepting: bool
    message: str = ""
    reasons: tuple[str, ...] = ()
    media: tuple[str, ...] = ()
    """The paper sizes the printer lists (PWG names); empty when it lists none."""

    def problem(self, paper: str) -> str | None:
        """Why a copy sent now would not come out (or not on the clinic's paper), in the nurse's words;
        None when the printer is ready."""
        why = f" ({self.message})" if self.message else ""
        if not self.accepting:
            return f"The printer “{self.name}” is not taking copies{why}: nothing sent to it would print. {ASK_SOMEONE}"
        if self.state is PrinterState.STOPPED:
            return (
                f"The printer “{self.name}” is paused{why}: a copy sent now would wait until someone resumes it. "
                + ASK_SOMEONE
            )
        if self.media and MEDIA[paper] not in self.media:
            return (
                f"The printer “{self.name}” has no {paper} paper listed, the clinic's paper: the pages would be "
                f"shrunk or cut. {ASK_SOMEONE}"
            )
        return None

    def takes(self, paper: str) -> bool:
        """Whether a copy sent now would be taken on the clinic's paper (a paused printer takes it to wait)."""
        return self.accepting and (not self.media or MEDIA[paper] in self.media)

    def words(self) -> str:
        """The printer's state in a few words, beside its name."""
        if not self.accepting:
            return "not taking copies"
        if self.state is PrinterState.STOPPED:
            return "paused"
        return "printing" if self.state is PrinterState.PROCESSING else "ready"


@dataclass(frozen=True)
class Job:
    printer: str
    number: int
    paper: str
    pages: int


@dataclass(frozen=True)
class JobStatus:
    state: JobState
    reasons: tuple[str, ...] = ()
    message: str = ""

    @property
    def finished(self) -> bool:
        """Nothing more will happen to it by itself: printed, cancelled or aborted."""
        return self.state in FINISHED

    @property
    def stuck(self) -> bool:
        """Waiting on someone: held, stopped, or behind a paused printer."""
        return self.state in {JobState.HELD, JobState.STOPPED} or "printer-stopped" in self.reasons

    def words(self) -> str:
        why = f" ({self.message})" if self.message else ""
        match self.state:
            case JobState.COMPLETED:
                return "printed"
            case JobState.CANCELLED:
                return f"cancelled{why}"
            case JobState.ABORTED:
                return f"failed: the print system gave up on it{why}"
            case JobState.HELD:
                return f"held: it waits for someone to release it{why}"
            case JobState.STOPPED:
                return f"stopped: the printer stopped while printing it{why}"
        if "printer-stopped" in self.reasons:
            return f"waiting: the printer is paused{why}"
        return "printing" if self.state is JobState.PROCESSING else "waiting to print"


class PrintSystem:
    """One print system (the computer's own unless a test names another), asked for each thing it knows."""

    def __init__(self, server: Server | None = None, user: str = "chairside") -> None:
        self._server = server
        self.user = user

    @property
    def server(self) -> Server:
        """The one named, else the computer's own, found afresh each time (as its own commands find it)."""
        return self._server or Server.of_this_computer()

    def printers(self) -> tuple[list[Printer], str | None]:
        """Every queue, and the name of the default one (None when there is no default)."""
        asked = Attribute(Tag.KEYWORD, "requested-attributes", PRINTER_FACTS)
        answer = self.server.send("/", encode(Operation.CUPS_GET_PRINTERS, [operation_attributes(self.user, asked)]))
        found = [_printer(facts) for facts in answer.group(Tag.PRINTER) if facts.get("printer-name")]
        default_answer = self.server.send(
            "/", encode(Operation.CUPS_GET_DEFAULT, [operation_attributes(self.user, asked)])
        )
        defaults = default_answer.group(Tag.PRINTER) if default_answer.ok else []
        default = str(defaults[0]["printer-name"][0]) if defaults and defaults[0].get("printer-name") else None
        return sorted(found, key=lambda printer: printer.name.lower()), default

    def submit(self, printer: str, pdf: bytes, title: str, paper: str, pages: int) -> Job:
        """Send the PDF to ``printer`` on the clinic's paper, page for page (never fitted to another paper);
        a refusal says why."""
        target = Attribute(Tag.URI, "printer-uri", (self._printer_uri(printer),))
        operation = operation_attributes(
            self.user,
            target,
            Attribute(Tag.NAME, "job-name", (title,)),
            Attribute(Tag.MIME_TYPE, "document-format", ("application/pdf",)),
        )
        job = (
            Tag.JOB,
            [
                Attribute(Tag.KEYWORD, "media", (MEDIA[paper],)),
                Attribute(Tag.KEYWORD, "print-scaling", ("none",)),
                Attribute(Tag.INTEGER, "copies", (1,)),
            ],
        )
        answer = self.server.send(f"/printers/{quote(printer)}", encode(Operation.PRINT_JOB, [operation, job], pdf))
        if not answer.ok:
            raise _refusal(printer, answer.status)
        (facts,) = answer.group(Tag.JOB) or [{}]
        number = facts.get("job-id", (0,))[0]
        return Job(printer, int(number) if isinstance(number, int) else 0, paper, pages)

    def status(self, job: Job) -> JobStatus:
        """Where the job is now."""
        asked = Attribute(Tag.KEYWORD, "requested-attributes", ("job-state", "job-state-reasons", "job-state-message"))
        operation = operation_attributes(
            self.user,
            Attribute(Tag.URI, "printer-uri", (self._printer_uri(job.printer),)),
            Attribute(Tag.INTEGER, "job-id", (job.number,)),
            asked,
        )
        answer = self.server.send("/", encode(Operation.GET_JOB_ATTRIBUTES, [operation]))
        if not answer.ok:
            return JobStatus(JobState.ABORTED, message="the print system no longer knows this job")
        (facts,) = answer.group(Tag.JOB) or [{}]
        state = _known(JobState, facts.get("job-state", (JobState.PENDING,))[0], JobState.PENDING)
        reasons = tuple(str(reason) for reason in facts.get("job-state-reasons", ()) if reason != "none")
        message = str(facts.get("job-state-message", ("",))[0])
        if state is JobState.PENDING:  # a job waiting behind a paused printer says nothing of it itself
            printer = self.printer(job.printer)
            if printer is not None and printer.state is PrinterState.STOPPED:
                return JobStatus(state, (*reasons, "printer-stopped"), printer.message or message)
        return JobStatus(state, reasons, message)

    def printer(self, name: str) -> Printer | None:
        """One printer as it is now; None when the print system has no such printer."""
        operation = operation_attributes(
            self.user,
            Attribute(Tag.URI, "printer-uri", (self._printer_uri(name),)),
            Attribute(Tag.KEYWORD, "requested-attributes", PRINTER_FACTS),
        )
        answer = self.server.send("/", encode(Operation.GET_PRINTER_ATTRIBUTES, [operation]))
        found = answer.group(Tag.PRINTER) if answer.ok else []
        return _printer(found[0]) if found and found[0].get("printer-name") else None

    def _printer_uri(self, printer: str) -> str:
        return f"ipp://localhost/printers/{quote(printer)}"


def _printer(facts: dict[str, tuple[object, ...]]) -> Printer:
    state = facts.get("printer-state", (PrinterState.IDLE,))[0]
    return Printer(
        name=str(facts["printer-name"][0]),
        state=_known(PrinterState, state, PrinterState.IDLE),
        accepting=bool(facts.get("printer-is-accepting-jobs", (True,))[0]),
        message=str(facts.get("printer-state-message", ("",))[0]),
        reasons=tuple(str(reason) for reason in facts.get("printer-state-reasons", ()) if reason != "none"),
        media=tuple(str(size) for size in facts.get("media-supported", ())),
    )


def _known(kind: type[Known], value: object, otherwise: Known) -> Known:
    """A state the print system sent, or ``otherwise`` for one this version of IPP does not name."""
    return kind(value) if isinstance(value, int) and value in {member.value for member in kind} else otherwise


def _refusal(printer: str, status: int) -> PrintSystemRefused:
    if status == NOT_ACCEPTING_JOBS:
        return PrintSystemRefused(
            f"The printer “{printer}” is not taking copies: nothing was sent.", ASK_SOMEONE, status
        )
    if status == NOT_FOUND:
        return PrintSystemRefused(f"There is no printer “{printer}” any more: nothing was sent.", ASK_SOMEONE, status)
    return PrintSystemRefused(
        f"The print system refused the copy for “{printer}” (IPP status 0x{status:04x}): nothing was sent.",
        ASK_SOMEONE,
        status,
    )
