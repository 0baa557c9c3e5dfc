"""Tests of bot/services/."""
