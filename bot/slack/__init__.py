"""The Slack adapter: Bolt app, listeners per surface, the Slack messenger, the HTTP server,
and `runtime`, which serves them with the timer."""
