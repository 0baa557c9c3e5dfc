"""Tests of bot/guide/."""
