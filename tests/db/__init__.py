"""Tests of bot/db/."""
