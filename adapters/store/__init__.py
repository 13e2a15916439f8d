"""The store: SQLAlchemy tables, repositories, unit of work and migrations (SQLite, PostgreSQL)."""
