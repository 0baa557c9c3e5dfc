"""Tests of reading the catalog and SLOs as code (bot/catalog, bot/domain/catalog.py)."""
