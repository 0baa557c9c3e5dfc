"""Alembic migrations, shipped with the package so `sre-coach db upgrade` works when installed."""
