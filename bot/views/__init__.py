"""Pure functions that turn domain values into `Doc`s (rendered later for Slack or the terminal)."""
