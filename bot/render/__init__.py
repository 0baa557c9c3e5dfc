"""Rendering `Doc`s: Block Kit for Slack, plain text for the terminal."""
