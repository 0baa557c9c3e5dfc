"""Use cases: load state, apply the domain's rules, stage changes, return an `Outcome`.

Services never commit and never talk to Slack: the caller commits once and sends the posts.
"""
