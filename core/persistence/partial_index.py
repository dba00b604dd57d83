"""An index over the rows where a condition holds, its condition worded for each store.

SQLAlchemy checks a dialect option such as ``postgresql_where`` against that dialect's declared options,
which imports the whole PostgreSQL dialect (some 45 ms) the moment the tables are declared, on every start
of a workstation that only ever opens its SQLite file. Here the condition for each store is handed to that
store's options only when they are first asked for (by the DDL compiler, or Alembic comparing indexes),
which is when the dialect is loaded anyway: the same index is created on both stores as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, text, util

if TYPE_CHECKING:
    from sqlalchemy.sql.base import _DialectArgDict


class PartialIndex(Index):
    """``Index(name, *columns, where={"sqlite": "active = 1", "postgresql": "active"})``."""

    def __init__(self, name: str, *expressions: Any, where: dict[str, str], **kw: Any) -> None:
        self._where_by_dialect = {dialect: text(clause) for dialect, clause in where.items()}
        super().__init__(name, *expressions, **kw)

    @util.memoized_property
    def dialect_options(self) -> util.PopulateDict[str, _DialectArgDict]:  # type: ignore[override]
        """Each dialect's options as SQLAlchemy builds them, with this index's condition for that dialect."""

        def options(dialect_name: str) -> _DialectArgDict:
            built = self._kw_reg_for_dialect_cls(dialect_name)
            if dialect_name in self._where_by_dialect:
                built["where"] = self._where_by_dialect[dialect_name]
            return built

        return util.PopulateDict(options)
