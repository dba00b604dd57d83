"""An index with options worded for each store: a partial index's condition, PostgreSQL's operator classes.

SQLAlchemy checks a dialect option such as ``postgresql_where`` against that dialect's declared options,
which imports the whole PostgreSQL dialect (some 45 ms) the moment the tables are declared, on every start
of a workstation that only ever opens its SQLite file. Here each store's options are handed to it only when
they are first asked for (by the DDL compiler, or Alembic comparing indexes), which is when the dialect is
loaded anyway: the same index is created on both stores as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, text, util

if TYPE_CHECKING:
    from sqlalchemy.sql.base import _DialectArgDict


class StoreIndex(Index):
    """``StoreIndex(name, *columns, where={"sqlite": "active = 1", "postgresql": "active"})``, or with
    ``options={"postgresql": {"ops": {"family_key": "text_pattern_ops"}}}``: any store's own options."""

    def __init__(
        self,
        name: str,
        *expressions: Any,
        where: Mapping[str, str] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        **kw: Any,
    ) -> None:
        self._by_dialect: dict[str, dict[str, Any]] = {store: dict(given) for store, given in (options or {}).items()}
        for store, clause in (where or {}).items():
            self._by_dialect.setdefault(store, {})["where"] = text(clause)
        super().__init__(name, *expressions, **kw)

    @util.memoized_property
    def dialect_options(self) -> util.PopulateDict[str, _DialectArgDict]:  # type: ignore[override]
        """Each dialect's options as SQLAlchemy builds them, with this index's own for that dialect."""

        def options(dialect_name: str) -> _DialectArgDict:
            built = self._kw_reg_for_dialect_cls(dialect_name)
            for key, value in self._by_dialect.get(dialect_name, {}).items():
                built[key] = value
            return built

        return util.PopulateDict(options)
