"""Reading care back for the board and the day's list (the projection, re-read only where it moved)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import event_data as d
from core import records
from core.care.courses import CourseOrders
from core.care.here import Here
from core.care.patients import Patients
from core.errors import STORE_AWAY
from core.machine import Step
from core.persistence.db import gone_notice
from core.protocol import Protocol
from core.record_values import SessionSummary
from core.session_state import derive_state
from core.settings import CLINIC_KEPT, clinic_settings
from core.sign_in_here import follow_accounts
from core.views import ChairView, OpenChairs, SessionRow, SessionSnapshot

ACCOUNTS_EVERY = timedelta(minutes=1)


class Reviews(Here, CourseOrders, Patients):
    """Reading back: the chairs on the board, the day's sessions, and the snapshots printouts are made from."""

    def chairs(self) -> list[ChairView]:
        """Every open session, by chair, with its live state (the board and the restart offer). While the
        database cannot be reached and a journal keeps what is recorded here, the chairs go on from what was
        last read, with the entries saved here since."""
        now = self.clock.now()
        heard = self.notices is None or self.notices.take()
        if not self.known_away() and (heard or not self._board_fresh or self._accounts_due()):
            try:
                self._board = self._read_board()
                if self._here:  # the database answers again: what waits here goes first, then is read back
                    self.send_waiting()
                    self._board = self._read_board()
            except STORE_AWAY as away:
                if self.journal is None:
                    raise
                self.away = away
            else:
                self.away = None
                self._board_fresh = True
        return [
            ChairView(
                row.chair,
                self._open_logs[row.id][2],
                derive_state(
                    rules, [*self._open_logs[row.id][1], *self._here.get(row.id, [])], now, self.app_started_at
                ),
            )
            for row, rules in self._board
        ]

    def _read_board(self) -> list[tuple[SessionSummary, Protocol]]:
        """The open sessions and the rules each runs under, with their logs kept in ``_open_logs``."""
        with self.door.reading() as tx:
            rows = records.active_sessions(tx)
            # A log only grows, and its projection's last_seq moves in the same transaction, so only
            # the sessions written since the last look (on any workstation) are read again.
            stale = [row for row in rows if row.id not in self._open_logs or self._open_logs[row.id][0] != row.last_seq]
            rows_of = records.patients_by_id(tx, [row.patient_id for row in stale])
            patients = {view.id: view for view in records.patient_views(tx, list(rows_of.values()))}
            events = records.load_events_of(tx, [row.id for row in stale])
            rules = {row.id: self.shelf.for_hash(tx, row.protocol_hash) for row in rows}
        for row in stale:
            self._open_logs[row.id] = (row.last_seq, events[row.id], patients[row.patient_id])
        moved = bool(stale) or set(self._open_logs) != {row.id for row in rows}
        self._open_logs = {row.id: self._open_logs[row.id] for row in rows}
        board = [(row, rules[row.id]) for row in rows]
        if self.journal is not None and (moved or self._accounts_due()):  # needed while the database is away
            accounts = {account.id: account for account in self.accounts.everyone()}
            self._accounts_read_at = self.clock.now()
            if accounts != self._accounts_kept:
                self._accounts_kept = accounts
                follow_accounts(self.journal, accounts, self.clock.now())  # a deactivation is known here at once
                moved = True
            if moved:
                self._board = board
                self._keep_board()
                self.journal.keep(CLINIC_KEPT, clinic_settings(self.db).model_dump())  # as they stand now
        return board

    def _accounts_due(self) -> bool:
        """The accounts are read with a board that moved, and at least once a minute besides, heard of or not
        (a deactivation on a server sends no notice): it reaches this workstation's sign-ins within the
        minute, without a query on every tick. Only a workstation with a journal keeps them."""
        read = self._accounts_read_at
        return self.journal is not None and (read is None or self.clock.now() - read >= ACCOUNTS_EVERY)

    def day_sessions(self, start: datetime, end: datetime) -> list[SessionRow]:
        """Sessions opened in [start, end), oldest first (the day's list)."""
        with self.door.reading() as tx:
            return [
                SessionRow(r.id, r.chair, r.patient_id, Step(r.step), r.outcome, r.opened_at)
                for r in records.sessions_opened_between(tx, start, end)
            ]

    def storage_gone(self) -> str | None:
        """What every screen says once the database file has gone while open (deleted, moved, replaced, its
        disk unplugged), with where the rescue copy of what it held was written; None while it is there."""
        return gone_notice(self.db, self.clock.now(), journal=self.journal is not None)

    def session_snapshot(self, session_id: str) -> SessionSnapshot:
        """The session as a printout shows it now."""
        state = self.state(session_id)
        patient = self.patient(state.events[0].data_as(d.Opened).patient_id)
        return SessionSnapshot(self.protocol, state, patient, self._names(), self.clock.now())

    def open_chairs(self) -> OpenChairs:
        """Every open chair as a handoff sheet shows it now."""
        views = self.chairs()
        prescribers = {}
        for view in views:
            course = self.current_course(view.patient.id)
            prescribers[view.patient.id] = course.prescriber if course else None
        return OpenChairs(self.protocol, {v.chair: v for v in views}, prescribers, self._names(), self.clock.now())

    def _names(self) -> dict[str, str]:
        return {account.id: account.name for account in self.accounts.everyone()}
