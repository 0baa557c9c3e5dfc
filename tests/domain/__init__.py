"""Tests of bot/domain/."""
