"""Questions the library cannot answer because they are about this coalition, or ask me to act.

The library coaches in general; it holds nothing about one coalition. "where are we in the
rollout" or "set up a check-in every other Tuesday" would otherwise reach an entry that only
shares their words (the rollout steps, the check-in health model). Such a question is pointed
at the `/sre` command that answers it or does it instead. A request to write code or
configuration ("write me a python retry decorator with backoff and jitter") shares nearly every
word with an entry too, and even an encoder trained on 56 such requests placed it there: it is
declined plainly (`asks_for_code`), naming the entries it came near for the reasoning behind it,
and so is a request to review or approve a change ("can you approve my PR").
The patterns match the guide's normalised words (`text.words`: lowercase, no punctuation,
"what's" is "what", no "I" or "a"), at the start of the question for requests, so a coaching
question that merely contains "schedule", "status" or "write" ("how do we schedule check-ins
people answer", "write a postmortem") still reaches the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pointer:
    """The `/sre` subcommand (its name in the command table) that answers a question."""

    name: str

    @property
    def command(self) -> str:
        """How the reply names it: `/sre status` (`/sre help <name>` gives its grammar)."""
        return f"/sre {self.name}"


STATUS = Pointer("status")
SCHEDULE = Pointer("schedule")
COMMIT = Pointer("commit")
ROLE = Pointer("role")
DEADLINE = Pointer("deadline")
SERVICES = Pointer("services")
COMMITMENTS = Pointer("commitments")
FORGET = Pointer("forget-me")
POINTERS = (STATUS, SCHEDULE, COMMIT, ROLE, DEADLINE, SERVICES, COMMITMENTS, FORGET)

_ASK = r"^(?:hey |hi |ok |so |yo )?(?:coach )?(?:can you |could you |would you |pls |please )*"
_OUR = r"(?:our|the|my|this|this team|the team|the coalition)"
_MINE = r"(?:our|my|this coalition|the coalition|this team)"  # "the status of SRE" is not ours
_WHAT = r"(?:what|whats|wats|wht)"
# the only words that may follow "where are we": "where are we going wrong" is coaching
_STATE_WORDS = "at|now|rn|right now|today|so far|in|on|with|the|our|this|rollout|programme|plan|sre"

RULES: tuple[tuple[re.Pattern[str], Pointer], ...] = tuple(
    (re.compile(pattern), pointer)
    for pattern, pointer in (
        (
            rf"^(?:so )?(?:where|how far(?: along)?) (?:are |is )?(?:we|{_OUR} coalition)"
            rf"(?: (?:{_STATE_WORDS}))*$",
            STATUS,
        ),  # "where are" is often typed "where r"
        (rf"\b{_WHAT} (?:step|phase|stage) (?:are |is )?(?:we|{_MINE})\b", STATUS),
        (rf"^(?:{_WHAT}|how) (?:is |are )?{_MINE} (?:rollout )?(?:status|progress)\b", STATUS),
        (rf"{_ASK}(?:show|give|tell)(?: me| us)? {_MINE} (?:rollout )?(?:status|progress)", STATUS),
        (rf"^(?:{_WHAT}|when) (?:is )?{_MINE} deadline\b", STATUS),
        (rf"^(?:{_WHAT}|anything|is anything) (?:is )?overdue\b", COMMITMENTS),
        (rf"^(?:who|who is|who are) (?:in|on) {_OUR} coalition\b", STATUS),
        (
            rf"{_ASK}(?:set ?up|schedule|book|create|add|start) (?:a |an |the |our |some )?"
            r"(?:weekly |daily |monthly |regular |recurring )?(?:check ?ins?|reminders?|digest)",
            SCHEDULE,
        ),
        (rf"{_ASK}(?:change|move) {_OUR} (?:check ?in|digest|nudge)", SCHEDULE),
        (rf"{_ASK}remind (?:me|us|everyone|the team)\b", COMMIT),
        (rf"{_ASK}add (?:\w+ )?(?:to|into) {_OUR} coalition\b", ROLE),
        (rf"{_ASK}(?:set|change|move|update) {_OUR} deadline\b", DEADLINE),
        (rf"{_ASK}(?:show|list|give)(?: me| us)? {_OUR} (?:slos|services|sli|slis)\b", SERVICES),
        (rf"{_ASK}(?:forget me|delete (?:my|all my) data)\b", FORGET),
    )
)


def pointer(said: list[str]) -> Pointer | None:
    """The command a question (its `text.words`) about this coalition belongs to, if any."""
    text = " ".join(said)
    for pattern, found in RULES:
        if pattern.search(text):
            return found
    return None


_CODE = (
    r"code|function|script|decorator|class|method|query|queries|regexp?|yaml|json|terraform|"
    r"dockerfile|helm chart|snippet|program|lambda|sql|bash|python|golang|javascript|java|"
    r"typescript|config|manifest|promql|cron ?job|one ?liner"
)
CODE_RULES = (
    re.compile(
        rf"{_ASK}(?:write|generate|implement|code|give|show|make|create|draft|build|gimme)"
        rf"(?: me| us)?(?: \w+){{0,6}}? (?:{_CODE})s?\b"
    ),
    re.compile(rf"^(?:we )?(?:need|want)(?: \w+){{0,5}}? (?:{_CODE})s? (?:that|to|for)\b"),
    # work on someone's change: "can you approve my PR", "pls review our merge request"
    re.compile(
        rf"{_ASK}(?:approve|review|merge|look at|check|fix|debug)"
        r" (?:my|our|this|the) (?:\w+ )?(?:pr|prs|pull requests?|merge requests?|mr|diff|commit)\b"
    ),
)


def asks_for_code(said: list[str]) -> bool:
    """Whether a question (its `text.words`) asks me to write, review or approve code."""
    text = " ".join(said)
    return any(rule.search(text) for rule in CODE_RULES)
