"""A job followed after it was sent, away from the screen's thread, until the print system says how it
ended: printed, cancelled or given up on, or stuck waiting on someone (held, stopped, a paused printer).

The window asks each second whether there is news, as it does of a backup; nothing here waits on the
window, and the window never waits on the print system.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from core.errors import ChairsideError
from core.printing.cups import Job, JobState, JobStatus

log = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 1.0
"""How often the print system is asked about a job: a local question, answered in milliseconds."""


class JobWatch:
    """Follows one job; ``outcome`` is set once it has ended or is stuck."""

    def __init__(
        self, job: Job, ask: Callable[[Job], JobStatus], *, every: float = LOOK_EVERY_SECONDS, start: bool = True
    ) -> None:
        self.job = job
        self.outcome: JobStatus | None = None
        self._ask = ask
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"print job {job.number}", daemon=True)
        if start:
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            status = self.look()
            if status.finished or status.stuck:
                self.outcome = status
                return
            self._stop.wait(self._every)

    def look(self) -> JobStatus:
        """Ask once. A print system that stopped answering has not printed it, as far as anyone can tell."""
        try:
            return self._ask(self.job)
        except ChairsideError as error:
            log.warning("print job %s could not be followed: %s", self.job.number, error.message)
            return JobStatus(JobState.ABORTED, message="the print system stopped answering")

    def done(self) -> bool:
        return self.outcome is not None

    def stop(self) -> None:
        """At close: no more questions (the job itself goes on in the print system)."""
        self._stop.set()
