"""Storage: SQLModel tables, Alembic migrations, and the one place that talks SQL."""
