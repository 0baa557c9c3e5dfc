"""Persistence: SQLAlchemy models, workspace-scoped repositories and the unit of work."""
