"""Forms for multi-field input (Slack modals); `bot.commands.forms` reads what comes back."""

from __future__ import annotations

from bot.action_ids import CallbackId
from bot.outcome import Form, Input

ANSWERS = ("yes", "partly", "no")


def slo_form(channel: str) -> Form:
    """Define an SLO: service, SLI, target, window."""
    return Form(
        CallbackId.SLO,
        "Define an SLO",
        (
            Input("service", "Service", "checkout"),
            Input("sli", "SLI", "availability"),
            Input("target", "Target (%)", "99.9"),
            Input("window", "Window (days)", "28"),
        ),
        context=channel,
    )


def readiness_form(channel: str) -> Form:
    """The three "when it works" conditions, each yes, partly or no."""
    return Form(
        CallbackId.READINESS,
        "Readiness check",
        (
            Input("culture", "Open to change?", options=ANSWERS),
            Input("pain", "Pain sharp enough?", options=ANSWERS),
            Input("credibility", "Scars in the coalition?", options=ANSWERS),
        ),
        context=channel,
    )


def checkin_form(channel: str) -> Form:
    """A check-in: progress, blockers, energy 1-5, hours this week."""
    return Form(
        CallbackId.CHECKIN,
        "Check in",
        (
            Input("energy", "Energy, 1 (drained) to 5 (great)", options=("1", "2", "3", "4", "5")),
            Input("hours", "Hours on SRE work this week", "4"),
            Input("progress", "Progress", "what moved", optional=True),
            Input("blockers", "Blockers", "what is in the way", optional=True),
        ),
        context=channel,
    )
