"""Requests to write code or configuration: something I decline, whatever words they share.

"write me a python retry decorator with backoff and jitter" shares nearly every word with the
retries entry, and the encoder, even trained on 56 such requests, still placed it there. A
coach that answers with an essay on jitter has misread the ask. A request to produce code is
told so plainly; the entries it came near are still named, for the reasoning behind the code.
The patterns match the guide's normalised words (`text.words`, without "I" or "a") from the
start of the question, so "how do we write SLOs product managers read" or "write a postmortem"
(no code word) still reach the library.
"""

from __future__ import annotations

import re

_ASK = r"^(?:hey |hi |ok |so |yo )?(?:coach )?(?:can you |could you |would you |pls |please )*"
_CODE = (
    r"code|function|script|decorator|class|method|query|queries|regexp?|yaml|json|terraform|"
    r"dockerfile|helm chart|snippet|program|lambda|sql|bash|python|golang|javascript|java|"
    r"typescript|config|manifest|promql|cron ?job|one ?liner"
)
RULES = (
    re.compile(
        rf"{_ASK}(?:write|generate|implement|code|give|show|make|create|draft|build|gimme)"
        rf"(?: me| us)?(?: \w+){{0,6}}? (?:{_CODE})s?\b"
    ),
    re.compile(rf"^(?:we )?(?:need|want)(?: \w+){{0,5}}? (?:{_CODE})s? (?:that|to|for)\b"),
)


def asks_for_code(said: list[str]) -> bool:
    """Whether a question (its `text.words`) asks me to write code or configuration."""
    text = " ".join(said)
    return any(rule.search(text) for rule in RULES)
