"""Tests of bot/render/ and of escaping where documents become mrkdwn."""
