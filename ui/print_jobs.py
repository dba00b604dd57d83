"""Copies sent to printers, followed until the print system says what became of them.

A copy is audited as sent (which printer, job number, paper, pages) when the print system has taken it,
and again with its outcome when the job has ended or is stuck. A copy that did not come out is said in a
notice that stays until someone acknowledges it, so a handoff sheet that never printed is not believed
printed. The window asks each second (``follow``); the jobs are watched away from its thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from core.reports.output import Output, record_print_outcome

if TYPE_CHECKING:
    from core.printing.cups import Job, JobStatus, Printer, PrintSystem
    from core.printing.follow import JobWatch
    from ui.controller import Controller


@dataclass(frozen=True)
class Ended:
    """A job the print system has finished with, or that waits on someone."""

    job: Job
    status: JobStatus
    document: str

    @property
    def printed(self) -> bool:
        from core.printing.cups import JobState

        return self.status.state is JobState.COMPLETED

    def words(self) -> str:
        said = f"“{self.document}” sent to {self.job.printer} as job {self.job.number}"
        if self.printed:
            return f"{said} has printed."
        return (
            f"{said} did not print: {self.status.words()}. Nothing recorded in Chairside was lost: print it "
            "again on another printer, or ask whoever looks after the printers."
        )


@dataclass
class _Followed:
    watch: JobWatch
    outputs: tuple[Output, ...]
    by: str


class PrintJobs(QObject):
    ended = Signal(object)
    """An ``Ended``: said where it was sent from, and in the notice if it did not print."""

    def __init__(self, controller: Controller, system: PrintSystem | None = None) -> None:
        super().__init__(controller)
        self.controller = controller
        self._system = system
        self._followed: list[_Followed] = []

    @property
    def system(self) -> PrintSystem:
        """The print system's client, made when a printout first asks for it: its IPP and HTTP machinery is
        not loaded by a start (most shifts print little)."""
        if self._system is None:
            from core.printing.cups import PrintSystem

            self._system = PrintSystem(user=_account())
        return self._system

    def printers(self) -> tuple[list[Printer], str | None]:
        """Every printer the print system has, and its default (raises EnvironmentTrouble when the print
        system does not answer)."""
        return self.system.printers()

    def send(
        self, printer: str, pdf: bytes, title: str, paper: str, pages: int, outputs: tuple[Output, ...]
    ) -> tuple[Job, bool]:
        """Hand the PDF to the print system, audit each copy as sent, and follow the job: the job, and
        whether every audit line was written (the trouble banner says why not). Raises ChairsideError when
        nothing was sent (the printer refused it, the print system is gone)."""
        from core.printing.follow import JobWatch

        job = self.system.submit(printer, pdf, title, paper, pages)
        sent = {"job": job.number, "paper": paper, "pages": pages, "sent": "to the print system"}
        stamped = tuple(replace(output, destination=printer, sent=sent) for output in outputs)
        recorded = all([self.controller.record_output(output) for output in stamped])
        by = self.controller.nurse_id or ""
        self._followed.append(_Followed(JobWatch(job, self.system.status), stamped, by))
        return job, recorded

    def follow(self) -> None:
        """Each second: jobs that ended (or are stuck) are audited with their outcome and said."""
        for followed in [entry for entry in self._followed if entry.watch.done()]:
            self._followed.remove(followed)
            status = followed.watch.outcome
            assert status is not None
            ended = Ended(followed.watch.job, status, followed.outputs[0].document)
            self._record(followed, "printed" if ended.printed else status.words())
            self.ended.emit(ended)

    def _record(self, followed: _Followed, outcome: str) -> None:
        database, workstation = self.controller.workplace.database, self.controller.workplace.workstation.name
        at, by = self.controller.now(), followed.by or None

        def write() -> None:
            for output in followed.outputs:
                record_print_outcome(database, at, workstation, output, outcome, actor_id=by)

        self.controller.run(None, write, writes=False)

    def stop(self) -> None:
        for followed in self._followed:
            followed.watch.stop()


def _account() -> str:
    """Who the print system sees asking: this computer account (the nurse is in the audit line)."""
    import getpass  # with the first printout, not at start

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "chairside"
