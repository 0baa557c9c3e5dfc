"""The sponsor report as a document: the same one for Slack, the console and the Markdown file.

Health is in aggregate only: no member is named anywhere in it. Risks name no person either:
the report says what is missing, not who.
"""

from __future__ import annotations

from bot.doc import Bullets, Doc, Fields, Heading, Note, Paragraph, Part
from bot.domain.mentions import unnamed
from bot.domain.report import SponsorReport
from bot.domain.rollout import Service
from bot.views.primitives import DRIFT_SHOWN, percent
from bot.views.rollout import countdown

MAX_SERVICES = 30
MAX_LINES = 8


NO_CRITICAL = (
    "No critical service is named yet, so there is no coverage to show: name the services "
    "the business depends on first with `/sre service <name> critical`."
)


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}" + (f" ({round(100 * part / whole)}%)" if whole else "")


def _service(s: Service) -> str:
    slos = ", ".join(f"{o.sli} {percent(o.target)}/{o.window_days}d" for o in s.live_slos)
    marks = [
        ("SLO", s.has_slo),
        ("signed off", s.signed_off),
        ("owner", bool(s.owner_team)),
        ("workshop", s.workshop_held),
    ]
    ready = ", ".join(("✓ " if ok else "✗ ") + label for label, ok in marks)
    drift = f"; {DRIFT_SHOWN[s.drift]}" if s.drift is not None else ""
    return f"*{s.name}* ({s.owner_team or 'no owning team'}): {slos or 'no SLO'}. {ready}{drift}"


def report(r: SponsorReport, channel_name: str = "") -> Doc:
    """The whole report."""
    c, a = r.coverage, r.adoption
    title = f"SRE rollout report, {r.today:%B %Y}" + (f": {channel_name}" if channel_name else "")
    parts: list[Part] = [
        Heading(title),
        Fields(
            (
                ("Deadline", countdown(r.deadline, r.today)),
                ("Stage", f"step {r.step_number} of {r.steps}: {r.step_title}"),
                ("Milestones", _share(r.milestones_done, r.milestones_total)),
                ("Critical services ready", _share(c.ready, c.total) if c.total else "none named"),
            )
        ),
        Paragraph("*Critical-service coverage*"),
    ]
    if c.total:
        parts.append(
            Bullets(
                (
                    f"SLO defined: {_share(c.with_slo, c.total)} ({c.in_code} kept as code)",
                    f"SLO signed off by a PM or sponsor: {_share(c.signed, c.total)}",
                    f"Owning team named: {_share(c.owned, c.total)}",
                    f"Reliability workshop held: {_share(c.workshop, c.total)}",
                )
            )
        )
    else:
        parts.append(Paragraph(NO_CRITICAL))
    if r.critical:
        shown = tuple(map(_service, r.critical[:MAX_SERVICES]))
        more = len(r.critical) - len(shown)
        parts.append(Bullets(shown + ((f"… and {more} more",) if more > 0 else ())))
    parts += [
        Paragraph("*Product management adoption*"),
        Bullets(
            (
                f"{a.pms} product manager(s) and {a.sponsors} sponsor(s) in the coalition",
                *(
                    (
                        f"Critical SLOs signed by a PM: {_share(a.signed_by_pm, a.critical_slos)}",
                        "Critical SLOs signed by a sponsor: "
                        + _share(a.signed_by_sponsor, a.critical_slos),
                    )
                    if a.critical_slos
                    else ("No SLO on a critical service yet, so none to sign.",)
                ),
            )
        ),
        Paragraph("*Open risks*"),
        Bullets(tuple(unnamed(x.reason) for x in r.risks[:MAX_LINES]))
        if r.risks
        else Paragraph("None open."),
        Paragraph("*Decisions*"),
        Bullets(
            tuple(f"{t}: {choice} ({on:%Y-%m-%d})" for t, choice, on in r.decisions[-MAX_LINES:])
        )
        if r.decisions
        else Paragraph("None recorded yet."),
        Paragraph("*What the coalition needs from management*"),
        Bullets(r.asks) if r.asks else Paragraph("Nothing right now: keep the deadline visible."),
        Paragraph("*Coalition health (totals only)*"),
        Fields(_health(r)),
        Note(
            "Aggregates only: nobody is named or ranked. Averages appear only when enough "
            "members answered."
        ),
    ]
    fallback = f"{title}: {c.ready} of {c.total} critical services ready"
    return Doc(fallback=fallback, parts=tuple(parts))


def _health(r: SponsorReport) -> tuple[tuple[str, str], ...]:
    h = r.health
    pairs = [
        ("Members", f"{h.members} (healthy minimum {h.minimum})"),
        ("Left in 30 days", str(h.left_30d)),
        ("Check-ins, 4 weeks", f"{h.answered} of {h.asked} answered" if h.asked else "none yet"),
        ("Average energy", f"{h.energy}/5" if h.energy is not None else "too few answers to show"),
    ]
    if h.supported is not None:
        pairs.append(("Could use support", str(h.supported)))
    return tuple(pairs)


def report_sent(count: int) -> Doc:
    """The reply to `/sre report`, above the files."""
    return Doc.text(f"The sponsor report follows as {count} files: Markdown and the chart.")


def report_day_saved(day: int | None) -> Doc:
    """Confirmation of the monthly report day."""
    if day is None:
        return Doc.text("The monthly sponsor report is off.")
    return Doc.text(f"The sponsor report goes to the sponsors by DM on day {day} of every month.")
