"""The coaching library: entries from `content/`, their checks, and answers to questions."""
