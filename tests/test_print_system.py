"""The print system asked and followed for real: a private CUPS scheduler with a queue whose output is read
back. A ready queue prints the PDF itself on the clinic's paper (not the printer's default); a paused, a
refusing, a removed queue and a stopped scheduler are each told in words, never as "sent"."""

from __future__ import annotations

import time

import pytest

from core.care import Care
from core.clock import ManualClock
from core.printing.cups import JobState, JobStatus, PrinterState, PrintSystem
from core.printing.follow import JobWatch
from core.printing.ipp import PrintSystemRefused, PrintSystemUnreachable, Server
from core.protocol import Protocol
from core.reports.downtime import downtime_forms
from core.reports.output import page_count
from tests.print_system import QUEUE, PrivateCups
from tests.test_printout_words import pages_of, printouts, rich_day

pytestmark = pytest.mark.cups


def forms(protocol: Protocol, paper: str = "A4") -> bytes:
    return downtime_forms(protocol, "Test Clinic", paper, "2026-11-26 13:00", "Ana Reyes")


def followed(system: PrintSystem, job, seconds: float = 30) -> JobStatus:
    watch = JobWatch(job, system.status, every=0.1)
    deadline = time.monotonic() + seconds
    while not watch.done() and time.monotonic() < deadline:
        time.sleep(0.05)
    watch.stop()
    assert watch.outcome is not None, "the job was never finished or stuck"
    return watch.outcome


def test_a_ready_queue_prints_the_pdf_itself_on_the_clinics_paper(cups: PrivateCups, protocol: Protocol) -> None:
    system = PrintSystem(Server(socket_path=str(cups.socket)))
    printers, default = system.printers()
    assert default == QUEUE
    (ward,) = printers
    assert ward.state is PrinterState.IDLE and ward.accepting and ward.problem("A4") is None
    for paper, size in (("A4", "595 x 842 pts (A4)"), ("Letter", "612 x 792 pts (letter)")):
        pdf = forms(protocol, paper)
        job = system.submit(QUEUE, pdf, "Downtime forms", paper, page_count(pdf))
        assert job.number > 0
        status = followed(system, job)
        assert status.state is JobState.COMPLETED and status.words() == "printed"
        pages, page_size, text = cups.printed()
        assert pages == page_count(pdf) and page_size == size  # the queue's own default is Letter
        assert "Downtime" in text  # the pages went as a PDF with its text, not as pictures


def test_every_printout_comes_out_of_a_real_queue_whole_on_its_paper_with_its_words(
    cups: PrivateCups, care: Care, nurses, clock: ManualClock
) -> None:
    system = PrintSystem(Server(socket_path=str(cups.socket)))
    for name, pdf in printouts(care, rich_day(care, nurses, clock), clock).items():
        job = system.submit(QUEUE, pdf, name, "A4", page_count(pdf))
        assert followed(system, job).state is JobState.COMPLETED, name
        pages, size, text = cups.printed()
        assert (pages, size) == (page_count(pdf), "595 x 842 pts (A4)"), name
        came_out = " ".join(text.split())
        first_line = " ".join(pages_of(pdf)[0].split()[:4])  # the document's own title and patient, as text
        assert first_line in came_out, (name, first_line)
        assert "SHA-256" in came_out and f"Page 1 of {pages}" in came_out, name


def test_a_paused_queue_is_said_before_and_its_job_is_told_stuck(cups: PrivateCups, protocol: Protocol) -> None:
    system = PrintSystem(Server(socket_path=str(cups.socket)))
    cups.command("cupsdisable", "-r", "paper jam in tray 2", QUEUE)
    (ward,), _ = system.printers()
    assert ward.state is PrinterState.STOPPED and ward.words() == "paused"
    problem = ward.problem("A4")
    assert problem is not None and "paused" in problem and "paper jam in tray 2" in problem
    pdf = forms(protocol)
    status = followed(system, system.submit(QUEUE, pdf, "Downtime forms", "A4", page_count(pdf)))
    assert status.stuck and not status.finished
    assert status.words().startswith("waiting: the printer is paused")


def test_a_queue_refusing_jobs_or_gone_refuses_the_copy_in_words(cups: PrivateCups, protocol: Protocol) -> None:
    system = PrintSystem(Server(socket_path=str(cups.socket)))
    pdf = forms(protocol)
    cups.command("cupsreject", "-r", "moved to the ward office", QUEUE)
    (ward,), _ = system.printers()
    assert not ward.accepting and "not taking copies" in (ward.problem("A4") or "")
    with pytest.raises(PrintSystemRefused, match="not taking copies: nothing was sent"):
        system.submit(QUEUE, pdf, "Downtime forms", "A4", 1)
    cups.command("lpadmin", "-x", QUEUE)
    assert system.printers() == ([], None)
    with pytest.raises(PrintSystemRefused, match="no printer “Ward” any more"):
        system.submit(QUEUE, pdf, "Downtime forms", "A4", 1)


def test_a_stopped_print_system_is_said_and_a_job_it_held_is_not_believed_printed(
    cups: PrivateCups, protocol: Protocol
) -> None:
    system = PrintSystem(Server(socket_path=str(cups.socket)))
    cups.command("cupsdisable", QUEUE)
    pdf = forms(protocol)
    job = system.submit(QUEUE, pdf, "Downtime forms", "A4", page_count(pdf))
    cups.stop()
    with pytest.raises(PrintSystemUnreachable, match="did not answer"):
        system.printers()
    status = JobWatch(job, system.status, start=False).look()
    assert status.state is JobState.ABORTED and "stopped answering" in status.words()
