"""Word lists for the guide's tokeniser: stopwords, domain synonyms and spelling variants."""

from __future__ import annotations

# fmt: off
STOPWORDS = frozenset([
    "a", "about", "above", "actually", "after", "afternoon", "again", "ago", "aint", "all",
    "already", "also", "am", "an", "and", "any", "anybody", "anyone", "anything", "are", "arent",
    "as",
    "at", "be", "been", "before", "being", "best", "between", "big", "both", "but", "by", "can",
    "cant", "coach", "could", "couldnt", "did", "didnt", "do", "does", "doesnt", "doing", "dont",
    "during", "each", "either", "else", "even", "evening", "ever", "every", "everybody",
    "everyone", "explain", "few", "for", "from", "get", "gets", "getting", "give", "go", "goes",
    "going", "good", "got", "great", "had", "hadnt", "has", "hasnt", "have", "havent", "having",
    "he", "hello", "her", "here", "hes", "hey", "hi", "him", "his", "how", "however", "i", "id",
    "if", "im", "in", "into", "is", "isnt", "it", "itll", "its", "ive", "just", "keep", "keeps",
    "kept", "know", "let", "lets", "like", "lot", "lots", "make", "many", "may", "maybe", "me",
    "mean", "might", "mine", "more", "morning", "most", "much", "must", "my", "need", "no", "nor",
    "not", "now", "of", "off", "ok", "okay", "on", "once", "one", "only", "or", "other", "our",
    "ours", "out", "over", "per", "please", "quite", "really", "say", "says", "shes", "should",
    "shouldnt", "so", "some", "somebody", "someone", "something", "still", "such", "suggest",
    "tell", "than", "thank", "thanks", "that", "thats", "the", "their", "them", "then", "there",
    "these", "they", "theyre", "theyve", "thing", "things", "think", "this", "those", "through",
    "to", "too", "under", "up", "us", "very", "want", "was", "wasnt", "way", "ways", "we", "wed",
    "were", "werent", "weve", "what", "whats", "when", "where", "whether", "which", "while", "who",
    "whom", "whose", "why", "will", "with", "without", "wont", "would", "wouldnt", "yes", "yet",
    "you", "youd", "your", "youre", "yours", "youve",
])
# fmt: on

# Each group: variants -> the canonical words both documents and questions are rewritten to.
# A canonical text that repeats the variant keeps its words and adds the shared concept.
_GROUPS: tuple[tuple[str, str], ...] = (
    (
        "pm|pms|product manager|product managers|product management|product owner|product owners"
        "|product people|product person|product folks",
        "product pm",
    ),
    ("slo|slos|service level objective|service level objectives", "slo"),
    ("sli|slis|service level indicator|service level indicators", "sli"),
    ("sla|slas|service level agreement|service level agreements", "sla"),
    (
        "sre|sres|site reliability engineering|site reliability engineer"
        "|site reliability engineers",
        "sre",
    ),
    ("on call|oncall|pager|pagers|pagerduty|pager duty", "oncall"),
    ("burn out|burned out|burnt out|burning out|burns out|burnout|burnouts", "burnout"),
    ("exhausted|exhaustion|fatigue|fatigued|tired|overworked|overwhelmed|stressed", "+burnout"),
    ("circuitbreaker|circuitbreakers", "circuit breaker"),
    (
        "black friday|cyber monday|cyber week|peak event|peak events|peak season|big sale"
        "|holiday season|sales peak",
        "+peak",
    ),
    ("back off|backoff|backing off", "backoff"),
    ("time out|timeout|timeouts|timed out|time outs", "timeout"),
    ("fail over|failover|failovers|failing over", "failover"),
    ("fall back|fallback|fallbacks|falling back", "fallback"),
    ("buy in|buyin", "buyin"),
    ("kick off|kickoff", "kickoff"),
    (
        "post mortem|post mortems|postmortem|postmortems|post incident review"
        "|post incident reviews|incident review|incident reviews",
        "+postmortem",
    ),
    (
        "boss|bosses|exec|execs|executive|executives|vp|vps|cto|ctos|director|directors"
        "|higher ups|upper management|senior management",
        "+leadership",
    ),
    (
        "rate limit|rate limits|rate limiting|rate limiter|throttle|throttled|throttling",
        "+throttling",
    ),
    ("well being|wellbeing|mental health", "wellbeing"),
    ("lottery factor|truck factor", "+bus factor"),
    (
        "prr|prrs|production readiness review|production readiness reviews|readiness review"
        "|readiness reviews|launch review|launch reviews",
        "+prr",
    ),
    (
        "team topology|team topologies|org structure|org chart|organisational structure"
        "|org design|reporting line|reporting lines",
        "+team shape structure",
    ),
    ("ops", "ops operations"),
    ("paged|paging|pages", "+oncall"),
    (
        "care|cares|caring|engage|engaged|engagement|ignore|ignores|ignored|interested|disengaged",
        "engaged",
    ),
    ("road map|roadmap|roadmaps", "roadmap"),
)


def _synonyms() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for variants, canonical in _GROUPS:
        for variant in variants.split("|"):
            words = tuple(variant.split())
            extra = tuple(canonical.removeprefix("+").split())
            table[words] = words + extra if canonical.startswith("+") else extra
    return table


SYNONYMS = _synonyms()

SPELLINGS = {
    "judgment": "judgement",
    "judgments": "judgements",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "center": "centre",
    "centers": "centres",
    "favor": "favour",
    "labor": "labour",
    "catalog": "catalogue",
}

# Stems that Snowball keeps apart but that mean the same thing to a coalition.
STEM_MERGES = {
    "failur": "fail",
    "owner": "own",
    "ownership": "own",
    "unown": "own",
    "sponsorship": "sponsor",
    "leadership": "leader",
    "blameless": "blame",
    "frozen": "freez",
}
