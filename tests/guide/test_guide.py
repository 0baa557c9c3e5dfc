"""The coaching library: its checks, question answering, context boosts and name lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from bot.guide.encoder import Encoder, load_encoder
from bot.guide.fusion import SUPPORT_BAR, SUPPORT_COVERAGE, judge, ranks, support
from bot.guide.index import Scores
from bot.guide.library import Library, LibraryError, check_library, load_library
from bot.guide.precedents import read_precedents
from bot.guide.ranking import Context, Guide
from bot.guide.text import TypoFixer

CONTENT = Library.default_directory()
SUMMARY = "A first sentence about the topic. A second sentence with advice."


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return load_encoder()


@pytest.fixture(scope="module")
def guide(encoder: Encoder) -> Guide:
    return Guide(load_library(CONTENT), encoder, read_precedents())


def front_matter(entry_id: str, **fields: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": entry_id,
        "title": f"Entry {entry_id}",
        "kind": "playbook",
        "steps": ["pitch"],
        "tags": ["example"],
        "related": [],
        "sources": [{"title": "A source", "publisher": "A publisher", "date": "2021-09-13"}],
    }
    meta.update(fields)
    return meta


def write(directory: Path, stem: str, meta: dict[str, Any], body: str = SUMMARY) -> Path:
    path = directory / f"{stem}.md"
    text = yaml.safe_dump(meta, sort_keys=False)
    path.write_text(f"---\n{text}---\n{body}\n\n## Section\n- A point.\n", encoding="utf-8")
    return path


# --- the library and its checks ---------------------------------------------------------------


def test_the_real_library_has_no_problems() -> None:
    assert check_library(CONTENT) == []
    library = load_library(CONTENT)
    assert len(library.entries) >= 45
    assert {e.id for e in library.by_kind("step")} == {
        "step-coalition", "step-pitch", "step-structure", "step-primitives",
        "step-forcing-function",
    }  # fmt: skip
    entry = library.get("zalando-2016")
    assert entry is not None and entry.kind == "case-study"
    assert entry.body.startswith(entry.summary[:40])
    assert entry.sources[0].date == "2021-09-13" and entry.sources[0].url


def test_a_valid_fixture_library_loads(tmp_path: Path) -> None:
    write(tmp_path, "alpha", front_matter("alpha", related=["beta"], aliases=["first one"]))
    write(
        tmp_path,
        "beta",
        front_matter("beta", sources=[{"title": "T", "publisher": "P", "date": 2018}]),
    )
    library = load_library(tmp_path)
    assert list(library.entries) == ["alpha", "beta"]
    assert library.entries["beta"].sources[0].date == "2018"
    assert library.entries["alpha"].aliases == ("first one",)
    assert library.entries["alpha"].summary == SUMMARY


BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("unknown-kind", {"kind": "recipe"}, "unknown kind 'recipe'"),
    ("unknown-step", {"steps": ["pitch", "party"]}, "unknown step 'party'"),
    ("no-sources", {"sources": []}, "missing field 'sources'"),
    ("bad-date", {"sources": [{"title": "T", "publisher": "P", "date": "March 2021"}]}, "date"),
    ("bad-month", {"sources": [{"title": "T", "publisher": "P", "date": "2021-13"}]}, "date"),
    ("no-publisher", {"sources": [{"title": "T", "date": "2021"}]}, "'publisher'"),
    ("unresolved", {"related": ["nowhere"]}, "related id 'nowhere' does not resolve"),
    ("no-title", {"title": None}, "missing field 'title'"),
    ("tags-not-list", {"tags": "slo"}, "field 'tags' must be a list"),
]


@pytest.mark.parametrize(("stem", "fields", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_front_matter_problem_is_reported_with_its_file(
    tmp_path: Path, stem: str, fields: dict[str, Any], message: str
) -> None:
    write(tmp_path, "fine", front_matter("fine"))
    meta = {k: v for k, v in front_matter(stem, **fields).items() if v is not None}
    broken = write(tmp_path, stem, meta)
    problems = check_library(tmp_path)
    assert [p.path for p in problems] == [broken]
    assert message in problems[0].message
    with pytest.raises(LibraryError, match=f"{stem}.md: .*{message[:12]}"):
        load_library(tmp_path)


def test_duplicate_and_mismatched_ids(tmp_path: Path) -> None:
    write(tmp_path, "alpha", front_matter("alpha"))
    copy = write(tmp_path, "copy", front_matter("alpha"))
    messages = [str(p) for p in check_library(tmp_path)]
    assert "copy.md: id 'alpha' does not match the file name 'copy'" in messages
    assert "copy.md: duplicate id 'alpha' (also in alpha.md)" in messages
    assert all(p.path == copy for p in check_library(tmp_path))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Word " * 60 + "ends. " + "More words " * 40 + "end. Done.", "the limit is 450"),
        ("Only one sentence here.", "summary has 1 sentences"),
        ("One. Two. Three. Four. Five.", "summary has 5 sentences"),
        ("## A heading first\nThen text. More text.", "summary missing"),
    ],
    ids=["overlong", "one-sentence", "five-sentences", "heading-first"],
)
def test_summary_problems(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, "alpha", front_matter("alpha"), body=body)
    problems = check_library(tmp_path)
    assert [p.path for p in problems] == [path]
    assert message in problems[0].message


def test_abbreviations_do_not_split_a_summary(tmp_path: Path) -> None:
    body = "Use a budget, e.g. one retry in ten. See ch. 3 of the book for more."
    write(tmp_path, "alpha", front_matter("alpha"), body=body)
    assert check_library(tmp_path) == []


def test_yaml_that_does_not_parse(tmp_path: Path) -> None:
    write(tmp_path, "fine", front_matter("fine"))
    bad = tmp_path / "bad.md"
    bad.write_text("---\nid: bad\ntags: [one, two\n---\nText. More text.\n", encoding="utf-8")
    problems = check_library(tmp_path)
    assert [p.path for p in problems] == [bad]
    assert "front matter does not parse" in problems[0].message


def test_a_missing_or_empty_directory_is_a_problem(tmp_path: Path) -> None:
    assert "no .md entries" in check_library(tmp_path)[0].message
    assert "does not exist" in check_library(tmp_path / "nowhere")[0].message


# --- answering questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("@coach how do we get product managers to care about our SLOs?", "pm-stays-out"),
        ("what happened at Zalando in 2016?", "zalando-2016"),
        ("zalando 2016", "zalando-2016"),
        ("circut breakers", "circuit-breakers"),
        ("retrys with jiter", "retries-backoff-jitter"),
        ("our PMs ignore the SLO reports, what now?", "pm-stays-out"),
        ("how should we write an error budget policy?", "error-budget-policy"),
        ("people in the coalition are burning out", "coalition-burnout"),
        ("how many pages per shift is too many", "sustainable-on-call"),
        ("fallback or failover, which is safer?", "fallback-vs-failover"),
        ("how do we get started?", "step-coalition"),
        ("volume availability latency errors tickets", "home-depot-valet"),
        ("tell me about the atlassian outage", "atlassian-2022-outage"),
    ],
)
def test_questions_find_their_entry(guide: Guide, question: str, expected: str) -> None:
    answer = guide.answer(question)
    assert answer.best is not None, f"declined: {question}"
    assert answer.best.entry.id == expected
    assert 1 <= len(answer.related) <= 2
    assert answer.best.entry not in answer.related
    assert answer.suggestions == ()


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather like?",
        "recommend a pizza place",
        "how do I center a div in css",
        "tell me a joke",
        "who is the president",
        "good morning team",
        "hi team",
        "how do i write a sql join",
        "",
        "???",
    ],
)
def test_off_topic_questions_are_declined_with_suggestions(guide: Guide, question: str) -> None:
    answer = guide.answer(question)
    assert answer.best is None
    assert answer.related == ()
    assert 3 <= len(answer.suggestions) <= 5
    assert [e.id for e in answer.suggestions][:2] == ["step-coalition", "step-pitch"]


def test_a_decline_suggests_entries_for_the_context(guide: Guide) -> None:
    context = Context(step="primitives", risk_tags=("ownership",))
    answer = guide.answer("what's the weather like?", context)
    ids = [e.id for e in answer.suggestions]
    assert 3 <= len(ids) <= 5
    assert {"unowned-primitives", "step-primitives"} <= set(ids)


def test_context_never_turns_a_decline_into_a_match(guide: Guide) -> None:
    context = Context(step="pitch", risk_tags=("burnout", "product-management", "slo"))
    assert guide.answer("recommend a pizza place", context).best is None


@pytest.mark.parametrize("semantic", [False, True], ids=["bm25", "hybrid"])
def test_context_boost_reorders_two_close_candidates(
    tmp_path: Path, encoder: Encoder, semantic: bool
) -> None:
    text = "Timeouts protect callers from slow dependencies. Set a timeout on every call."
    write(tmp_path, "alpha", front_matter("alpha", steps=["pitch"], tags=["timeouts"]), text)
    beta = front_matter("beta", steps=["primitives"], tags=["timeouts", "latency"])
    write(tmp_path, "beta", beta, text + " Measure it.")
    for n, topic in enumerate(["Budgets", "Rotations", "Workshops", "Sponsors", "Charters"]):
        filler = f"{topic} are another topic entirely. They need their own owners."
        write(tmp_path, f"filler-{n}", front_matter(f"filler-{n}", tags=[topic.lower()]), filler)
    guide = Guide(load_library(tmp_path), encoder if semantic else None)
    question = "how long should a timeout on a slow call be"

    def best(context: Context) -> str:
        match = guide.answer(question, context).best
        assert match is not None
        return match.entry.id

    assert best(Context()) == "alpha"
    assert best(Context(step="primitives")) == "beta"
    assert best(Context(risk_tags=("latency",))) == "beta"
    assert best(Context(step="pitch")) == "alpha"


def test_other_answers_are_named_before_the_entrys_own_related(tmp_path: Path) -> None:
    timeouts = "Timeouts protect callers from slow dependencies. Set a timeout on every call."
    tagged = {"tags": ["timeouts"], "related": ["gamma"]}
    write(tmp_path, "alpha", front_matter("alpha", **tagged), timeouts)
    write(tmp_path, "beta", front_matter("beta", tags=["timeouts"]), timeouts + " Measure them.")
    gamma = "Rotations need enough people. Eight people cover a week of nights."
    write(tmp_path, "gamma", front_matter("gamma", tags=["rotations"]), gamma)
    postmortems = "Postmortems turn incidents into fixes. Write one after each outage."
    tagged = {"tags": ["postmortems"], "related": ["gamma"]}
    write(tmp_path, "delta", front_matter("delta", **tagged), postmortems)
    for n, topic in enumerate(["Budgets", "Workshops", "Sponsors", "Charters"]):
        filler = f"{topic} are another topic entirely. They need their own owners."
        write(tmp_path, f"filler-{n}", front_matter(f"filler-{n}", tags=[topic.lower()]), filler)
    guide = Guide(load_library(tmp_path), None)

    def named(question: str) -> list[str]:
        answer = guide.answer(question)
        assert answer.best is not None
        return [answer.best.entry.id, *(e.id for e in answer.related)]

    # beta answers the question too, so it comes before alpha's own related entry
    assert named("timeouts on every call to slow dependencies") == ["alpha", "beta", "gamma"]
    # nothing else answers: the entry's own related list
    assert named("write a postmortem after each outage") == ["delta", "gamma"]


# --- finding an entry by name ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zalando 2016", "zalando-2016"),
        ("evernote", "evernote-slos"),
        ("Evernote", "evernote-slos"),
        ("zalando-cyber-week", "zalando-cyber-week"),
        ("home depot", "home-depot-valet"),
        ("linkedin", "linkedin-operation-inversion"),
        ("atlasian", "atlassian-2022-outage"),
        ("zalando", "zalando-2016"),
        ("step 4", "step-primitives"),
    ],
)
def test_find_by_id_alias_or_title_words(guide: Guide, name: str, expected: str) -> None:
    entry = guide.find(name)
    assert entry is not None and entry.id == expected


@pytest.mark.parametrize("name", ["", "pizza", "zalando pizza"])
def test_find_returns_none_for_unknown_names(guide: Guide, name: str) -> None:
    assert guide.find(name) is None


# --- hybrid retrieval: the encoder fused with BM25 -------------------------------------------

ROUND_2 = [  # the issue's examples of a real gap in the library
    ("convince leadership to fund SRE", {"step-pitch"}),
    ("why do people need incident experience to lead this", {"condition-credible-coalition"}),
    ("nobody in our coalition was ever on call, does it matter", {"condition-credible-coalition"}),
    ("our error budget ran out in the second week, what now", {"error-budget-policy"}),
]


ISSUE_14 = [  # asked as a new user would; BM25 alone got each of these wrong
    ("what is an SLI exactly", {"slo-basics"}),
    ("how much on-call is too much for one engineer", {"sustainable-on-call"}),
    ("how do we find the right first people for the coalition", {"finding-coalition-members"}),
    ("central SRE team or embed SREs", {"sre-team-shapes", "step-structure"}),
    ("two of us are burning out and one just left", {"coalition-burnout"}),
    ("how do I pick an availability target", {"first-slo-target"}),
    ("how long before Cyber Week should we freeze changes", {"change-freeze-timing"}),
]


CASUAL = [  # casual wording of topics the entries cover; each failed before their phrasings
    ("who looks after the tracing setup once we built it", {"unowned-primitives"}),
    ("our nightly batch job needs an slo too, how", {"slo-basics"}),
    ("our star contributor is quitting next month", {"bus-factor", "coalition-burnout"}),
    (
        "we sell to businesses, there's no holiday peak. what deadline can we use",
        {"step-forcing-function"},
    ),
]
# Since the encoder compares questions with entry cards only (third round), these two are
# answered by a neighbour or declined, and their entry is named next to it.
CASUAL_NAMED = [
    ("nobody has reviewed the PRs on our retry library in weeks", "unowned-primitives"),
    ("does the coalition work help my promotion case", "coalition-burnout"),
]


@pytest.mark.parametrize(("question", "expected"), CASUAL_NAMED, ids=[q for q, _ in CASUAL_NAMED])
def test_casual_questions_name_their_entry(guide: Guide, question: str, expected: str) -> None:
    answer = guide.answer(question)
    best = [answer.best.entry.id] if answer.best else []
    assert expected in best + [e.id for e in (*answer.related, *answer.closest)]


GAPS_V2 = [  # on-topic questions no entry answered before these entries (fresh set v2)
    ("everyone says their service is tier 1, how do we tier them", {"service-tiers"}),
    ("my director wants numbers: is the SRE rollout working?", {"rollout-metrics"}),
    ("isn't SRE just ops with a new name?", {"sre-not-just-ops"}),
    ("does the google sre book apply to a small company like ours", {"not-google"}),
    ("are we just cargo culting google", {"not-google"}),
    ("is there a blameless postmortem template we can use", {"postmortem-practice"}),
    ("our postmortem action items never get done", {"postmortem-practice"}),
]


GAPS_V6 = [  # on-topic questions no entry answered outright before these entries (v6, v7)
    ("explain like I'm new: what is SRE and why would a company want it", {"what-is-sre"}),
    ("which standard SLIs should every service report", {"canonical-slis"}),
    ("I'm an engineering manager, what do you need from me", {"manager-as-sponsor"}),
    # the SLO report and alerting on SLOs, which fresh set v7 asked about and no entry covered
    ("what should go in our weekly SLO report so product reads it", {"slo-report"}),
    ("what's a burn rate alert and when should it page", {"slo-alerting"}),
]

GAPS_V10 = [  # asked in v10 and v11 and in the mixed training sets; no entry covered them
    ("how do we say no to teams asking the sre group for help", {"sre-demand-triage"}),
    ("can we replace the live reliability sessions with recordings?", {"training-at-scale"}),
]


# Each of these found a wrong entry or none before the change its list names.
ANSWERED = [*ROUND_2, *ISSUE_14, *CASUAL, *GAPS_V2, *GAPS_V6, *GAPS_V10]


@pytest.mark.parametrize(("question", "expected"), ANSWERED, ids=[q for q, _ in ANSWERED])
def test_paraphrases_and_gaps_find_their_entry(
    guide: Guide, question: str, expected: set[str]
) -> None:
    answer = guide.answer(question)
    assert answer.best is not None, f"declined: {question}"
    assert answer.best.entry.id in expected


@pytest.mark.parametrize(
    ("entry_id", "defines"),
    [
        (
            "slo-basics",
            ("SLI (service level indicator)", "SLO (service level objective)", "error budget"),
        ),
        ("first-slo-target", ("last four weeks", "100%")),
        ("change-freeze-timing", ("four to six weeks", "one to two weeks")),
        ("finding-coalition-members", ("paged", "postmortems", "four to eight")),
        ("sustainable-on-call", ("25%", "two incidents per 12-hour shift")),
        ("what-is-sre", ("SLO", "error budget", "25% on call")),
        ("canonical-slis", ("availability", "latency", "one report")),
        (
            "manager-as-sponsor",
            ("protected time", "error-budget policy", "informed but not engaged"),
        ),
        ("slo-report", ("error budget", "weekly", "monthly")),
        ("slo-alerting", ("burn rate", "two windows", "14.4")),
        ("sre-demand-triage", ("tier 1", "queue", "4,000")),
        ("training-at-scale", ("record", "quiz", "video-plus-quiz")),
    ],
)
def test_the_new_entries_answer_in_their_summary(entry_id: str, defines: tuple[str, ...]) -> None:
    entry = load_library(CONTENT).get(entry_id)
    assert entry is not None and entry.sources
    for phrase in defines:
        assert phrase in entry.summary


def test_an_off_topic_question_naming_a_case_company_is_declined(guide: Guide) -> None:
    assert guide.answer("what's Atlassian's stock price today?").best is None


def _scores(relevance: list[float], coverage: list[float], **kw: Any) -> Scores:
    size = len(relevance)
    return Scores(
        relevance=np.asarray(relevance, dtype=np.float64),
        coverage=np.asarray(coverage, dtype=np.float64),
        head=np.asarray(kw.get("head", [0.0] * size), dtype=np.float64),
        alias=np.asarray(kw.get("alias", [False] * size)),
        phrase=np.asarray(kw.get("phrase", [0.0] * size), dtype=np.float64),
        weight=kw.get("weight", 5.0),
    )


def test_without_an_encoder_the_judgement_is_bm25() -> None:
    scores = _scores([6.0, 2.0, 0.0], [0.9, 0.6, 0.0], head=[0.5, 0.0, 0.0])
    judgement = judge(scores, None)
    assert list(judgement.confident) == [True, False, False]
    assert list(judgement.relevance) == [6.0, 2.0, 0.0]


def test_with_the_encoder_an_entry_answers_when_its_support_clears_the_bar() -> None:
    scores = _scores([6.0, 2.0, 0.0], [0.9, 0.5, 0.0], head=[0.5, 0.0, 0.0])
    semantic = np.array([0.5, 0.2, SUPPORT_BAR - 0.01])
    judgement = judge(scores, semantic)
    assert list(judgement.relevance) == pytest.approx(list(support(scores, semantic)))
    assert support(scores, semantic)[0] == pytest.approx(0.5 + SUPPORT_COVERAGE * 0.9)
    assert support(scores, semantic)[2] == pytest.approx(SUPPORT_BAR - 0.01)  # the cosine alone
    assert list(judgement.confident) == [True, False, False]


def test_a_lexical_match_the_encoder_does_not_back_is_dropped() -> None:
    scores = _scores([6.0, 2.0, 0.0], [0.9, 0.6, 0.0], head=[0.5, 0.0, 0.0])
    assert judge(scores, None).confident[0]
    assert not judge(scores, np.array([0.2, 0.3, SUPPORT_BAR - 0.01])).confident.any()


def test_the_questions_words_lift_an_entry_the_encoder_half_backs() -> None:
    semantic = np.array([SUPPORT_BAR - 0.1, 0.3, 0.2])
    unworded = _scores([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    worded = _scores([6.0, 0.0, 0.0], [0.6, 0.0, 0.0])
    assert not judge(unworded, semantic).confident.any()
    assert list(judge(worded, semantic).confident) == [True, False, False]


def test_a_question_of_one_common_word_gets_no_lexical_support() -> None:
    # "hi team": "team" is all of its content, so every entry holding it covers it whole.
    semantic = np.array([SUPPORT_BAR - 0.1, 0.3, 0.2])
    vague = _scores([2.0, 2.0, 0.0], [1.0, 1.0, 0.0], weight=0.66)
    assert list(support(vague, semantic)) == pytest.approx(list(semantic))
    assert not judge(vague, semantic).confident.any()


def test_a_decline_points_at_the_encoders_close_top_entries() -> None:
    scores = _scores([0.0] * 5, [0.0] * 5)
    judgement = judge(scores, np.array([0.49, 0.48, 0.46, 0.47, 0.2]))  # all below the bar
    assert not judgement.confident.any()
    assert list(judgement.near) == [True, True, False, True, False]


def test_a_shared_word_the_encoder_finds_unrelated_is_not_near() -> None:
    scores = _scores([7.0, 7.0, 0.0], [0.32, 0.32, 0.0])  # both lexically near
    judgement = judge(scores, np.array([0.1, -0.2, 0.0]))  # the second only by a shared word
    assert list(judgement.near) == [True, False, False]


def test_the_encoder_breaks_a_lexical_near_tie() -> None:
    scores = _scores([5.0, 4.9, 0.0], [0.9, 0.9, 0.0], head=[0.5, 0.5, 0.0])
    judgement = judge(scores, np.array([0.62, 0.9, 0.1]))
    assert list(judgement.confident) == [True, True, False]
    assert judgement.relevance[1] > judgement.relevance[0]


def test_ranks_are_descending_positions() -> None:
    assert list(ranks(np.array([0.2, 0.9, 0.5]))) == [2.0, 0.0, 1.0]


# --- typo repair -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "repaired"),
    [
        ("lunch", "lunch"),  # an English word, though one letter from the library's "launch"
        ("shoes", "shoes"),
        ("circut", "circuit"),
        ("atlasian", "atlassian"),
    ],
)
def test_typo_repair_fixes_misspellings_but_not_english_words(word: str, repaired: str) -> None:
    fixer = TypoFixer(["launch", "circuit", "atlassian", "shores"], set())
    assert fixer.fix(word) == repaired
