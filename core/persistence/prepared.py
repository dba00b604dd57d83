"""Statements every entry of care runs, compiled once per database and run on the driver's own cursor.

SQLAlchemy Core is portable and safe, but each statement it runs builds an execution context, its result
and their bookkeeping: some 25-30 µs of CPU a statement, where the driver itself takes 2-10. An entry of care
runs seven (the write lock, the account, the session's row, the audit chain's head, the entry, its audit
line, the session's row moved), so that overhead alone came to more than what SQLite spends writing the
rows. A ``Prepared`` statement is still written as Core (``core.records`` keeps its queries in one
language for both stores), compiled by the database's own dialect the first time it runs there (the
SQL text, the order of its parameters, each parameter's and each result column's conversion, as Core
would apply them), and from then on run straight on the transaction's DBAPI cursor.

What stays as it was: the statement text and parameters sent are the ones Core would send; a failure is
turned into the same SQLAlchemy error Core would raise (so ``Database.trouble`` sorts it the same), and a
connection the server dropped is invalidated as Core would. Only statements with nothing for Core to do at
run time qualify (no defaults to fill, no RETURNING, no expanding lists): ``Prepared`` refuses the others
when it compiles them. While anyone listens for statements on the engine (a test watching what reaches the
database, a tracing tool) or Core's statement log is on, they run through Core as before, so every statement
is seen and logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlmodel import Session

Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class _Plan:
    """A statement as one dialect runs it: its text, its parameters' names in the order sent (all of them,
    in any order, for a dialect that takes them by name) with how each is converted, and how each result
    column is."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]
    """The values of parameters the statement holds itself (a LIMIT's), for those not given."""
    positional: bool
    binds: tuple[tuple[str, Convert | None], ...]
    """Each parameter sent, in order, by its name, with its conversion."""
    results: tuple[Convert | None, ...]

    @classmethod
    def of(cls, statement: ClauseElement, columns: Sequence[str] | None, dialect: Dialect) -> _Plan:
        compiled: Any = statement.compile(dialect=dialect, column_keys=list(columns) if columns else None)
        needs_core = (
            compiled.insert_prefetch
            or compiled.update_prefetch
            or compiled.implicit_returning
            or compiled.post_compile_params
            or compiled.literal_execute_params
            or compiled.escaped_bind_names
        )
        if needs_core:
            raise ValueError(f"not a statement to prepare (Core has work to do when it runs): {compiled.string}")
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup) if positional else tuple(compiled.bind_names.values())
        types = {name: bind.type for bind, name in compiled.bind_names.items()}
        fixed = {name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required}
        binds = tuple((name, types[name].dialect_impl(dialect).bind_processor(dialect)) for name in names)
        selected = getattr(statement, "selected_columns", ())
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in selected)
        return cls(compiled.string, names, fixed, positional, binds, results)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        given = {**self.fixed, **values} if self.fixed else values
        converted = [given[name] if convert is None else convert(given[name]) for name, convert in self.binds]
        return converted if self.positional else dict(zip(self.names, converted, strict=True))

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        if not self.results:  # a textual statement: its columns untyped, as Core leaves them
            return tuple(raw)
        pairs = zip(raw, self.results, strict=True)
        return tuple([value if convert is None else convert(value) for value, convert in pairs])


_WATCHED = ("before_execute", "after_execute", "before_cursor_execute", "after_cursor_execute")
"""Engine events that see statements run (with the dialect's ``handle_error``, which sees their failures): while
any has a listener, statements run through Core."""


class Prepared:
    """One Core statement, run many times: ``execute`` (a write, or the lock), ``execute_many`` (rows of an
    INSERT), ``first`` (the first row of a read, as a plain tuple in the statement's column order).
    ``columns``: for an INSERT built on the table alone, the columns every row gives."""

    def __init__(self, statement: Executable, columns: Iterable[str] | None = None) -> None:
        assert isinstance(statement, ClauseElement)
        self.statement = statement
        self.columns = tuple(columns) if columns is not None else None
        self._plans: WeakKeyDictionary[Dialect, _Plan] = WeakKeyDictionary()
        self._last: tuple[Dialect, _Plan] | None = None
        """The plan last used, with its dialect: a workstation has one database, so it is nearly always it."""

    def _plan(self, dialect: Dialect) -> _Plan:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan.of(self.statement, self.columns, dialect)
        self._last = (dialect, plan)
        return plan

    def execute(self, tx: Session, values: Mapping[str, Any] | None = None) -> None:
        self.run(tx.connection(), values)

    def execute_many(self, tx: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        self.run_many(tx.connection(), rows)

    def run(self, connection: Connection, values: Mapping[str, Any] | None = None) -> None:
        """``execute`` on the transaction's connection, already asked for: an entry runs several statements
        on it, and asking the session for it again cost more than the driver spends on a statement."""
        if _watched(connection):
            connection.execute(self.statement, dict(values or {}))  # type: ignore[arg-type]
            return
        plan = self._plan(connection.dialect)
        _run(connection, plan, plan.parameters(values or {}), many=False, fetch=False)

    def changed(self, connection: Connection, values: Mapping[str, Any] | None = None) -> int:
        """``run``, saying how many rows the statement changed: a write guarded by what it expects to find
        (``WHERE … = :seen``) tells so whether it found it."""
        if _watched(connection):
            return connection.execute(self.statement, dict(values or {})).rowcount  # type: ignore[attr-defined]
        plan = self._plan(connection.dialect)
        return int(_run(connection, plan, plan.parameters(values or {}), many=False, fetch=False, count=True))

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """``execute_many`` on the transaction's connection, already asked for."""
        if _watched(connection):
            connection.execute(self.statement, [dict(row) for row in rows])  # type: ignore[arg-type]
            return
        plan = self._plan(connection.dialect)
        _run(connection, plan, [plan.parameters(row) for row in rows], many=True, fetch=False)

    def first(self, tx: Session, values: Mapping[str, Any] | None = None) -> tuple[Any, ...] | None:
        return self.first_on(tx.connection(), values)

    def first_on(self, connection: Connection, values: Mapping[str, Any] | None = None) -> tuple[Any, ...] | None:
        """``first`` on the transaction's connection, already asked for."""
        if _watched(connection):
            found = connection.execute(self.statement, dict(values or {})).first()  # type: ignore[call-overload]
            return tuple(found) if found is not None else None
        plan = self._plan(connection.dialect)
        raw = _run(connection, plan, plan.parameters(values or {}), many=False, fetch=True)
        return plan.row(raw) if raw is not None else None


def _watched(connection: Connection) -> bool:
    """Whether anyone listens for statements: Core's statement log is on (the ``sqlalchemy.engine`` logger at
    INFO), or someone listens for its events (Core's own test first: an engine or connection with no listener
    of its events at all, the usual case, says so in one flag; then the events themselves)."""
    if connection._echo:
        return True
    if connection._has_events or connection.engine._has_events:
        dispatch = connection.dispatch
        if any(getattr(dispatch, name) for name in _WATCHED):
            return True
    return bool(connection.dialect.dispatch.handle_error)


def _run(connection: Connection, plan: _Plan, parameters: Any, *, many: bool, fetch: bool, count: bool = False) -> Any:
    """The statement on the connection's own cursor (its first row when ``fetch``, the rows it changed when
    ``count``); a failure raised as Core raises it."""
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    dialect = connection.dialect
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(plan.sql, parameters)
        else:
            cursor.execute(plan.sql, parameters)
        if count:
            return cursor.rowcount
        return cursor.fetchone() if fetch else None
    except dialect.loaded_dbapi.Error as error:
        dropped = dialect.is_disconnect(error, dbapi_connection, cursor)
        if dropped:
            connection.invalidate(error)
        raise DBAPIError.instance(
            plan.sql,
            parameters,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=dropped,
            dialect=dialect,
            ismulti=many,
        ) from error
    finally:
        cursor.close()
