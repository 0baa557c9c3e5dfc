"""The coaching library (`*.md` entries) and the rollout programme (`rollout.yaml`)."""
