"""Pure rules of the rollout: no Slack, no SQL, no clock reads (time comes in as arguments)."""
