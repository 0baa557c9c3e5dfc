"""Docs for the catalog import: the summary of a plan (applied or a dry run), and settings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part
from bot.domain.catalog import ChangeKind, Gathered, ImportPlan

MAX_SHOWN = 10
_KINDS = (
    (ChangeKind.ADD, "new"),
    (ChangeKind.UPDATE, "changed"),
    (ChangeKind.VANISH, "marked gone (kept)"),
    (ChangeKind.RETURN, "back again"),
)


def _counts(kinds: Counter[ChangeKind]) -> str:
    said = [f"{kinds[k]} {label}" for k, label in _KINDS if kinds[k]]
    return ", ".join(said) or "no change"


def _first(items: Sequence[str], total: int) -> tuple[str, ...]:
    shown = tuple(items[:MAX_SHOWN])
    return shown + ((f"… and {total - len(shown)} more",) if total > len(shown) else ())


def summary(gathered: Gathered, plan: ImportPlan, applied: bool, dry_run: bool) -> Doc:
    """What an import read, what it changed (or would), and what it left alone and why."""
    title = "Import, dry run" if dry_run else "Import"
    parts: list[Part] = [Heading(f"{title}: {gathered.where}"[:150])]
    read = []
    if gathered.reading.components is not None:
        read.append(f"{len(gathered.reading.components)} components")
    if gathered.reading.slos is not None:
        read.append(f"{len(gathered.reading.slos)} SLOs")
    parts.append(Paragraph(f"Read {' and '.join(read) or 'nothing to import'} "
                           f"from {gathered.files} file(s) or page(s)."))  # fmt: skip
    if gathered.problems:
        parts.append(Paragraph(f"*{len(gathered.problems)} problem(s)*:"))
        parts.append(Bullets(_first(gathered.problems, len(gathered.problems))))
    services = Counter(c.kind for c in plan.services)
    slos = Counter(c.kind for c in plan.slos)
    resets = sum(c.resets_signoff for c in plan.slos)
    blocked = not applied and not dry_run
    verb = "Changed" if applied else "Would change"
    if blocked:
        parts.append(Paragraph("*Nothing was imported*: fix the problems above and import again."))
        verb = "Once they are fixed, it would change"
    lines = [f"Services: {_counts(services)}", f"SLOs: {_counts(slos)}"]
    if resets:
        lines.append(f"{resets} sign-off(s) start over: a target or window changed in code")
    parts += [Paragraph(f"{verb}:"), Bullets(tuple(lines))]
    if plan.changes_nothing and not blocked:
        parts.append(Note("Everything already matches: nothing to change."))
    if plan.conflicts:
        kept = [c for c in plan.conflicts if not c.overwritten]
        shown = [
            f"{c.service}{'/' + c.sli if c.sli else ''} {c.field}: typed {c.typed!r}, "
            f"{c.origin} says {c.incoming!r}"
            for c in kept
        ]
        if shown:
            parts.append(Paragraph("*Typed by hand, kept* (the import does not overwrite it):"))
            parts.append(Bullets(_first(shown, len(shown))))
    if plan.unmatched:
        names = sorted({s.service for s in plan.unmatched})
        parts.append(
            Note(
                f"{len(plan.unmatched)} SLO(s) name a service neither the coalition nor the "
                f"catalog has: {', '.join(names[:MAX_SHOWN])}"
                + (" …" if len(names) > MAX_SHOWN else "")
            )
        )
    if plan.vanish_held and not blocked:
        parts.append(Note("Not everything was read, so nothing was marked gone."))
    fallback = f"{title}: services {_counts(services)}; SLOs {_counts(slos)}"
    return Doc(fallback=fallback, parts=tuple(parts))


def selector_saved(selector: str | None) -> Doc:
    """Confirmation of the critical selector."""
    if selector is None:
        return Doc.text("No critical selector: imports leave `critical` as it is.")
    return Doc.text(
        f"Critical services are now the components matching `{selector}`; "
        "the next import applies it."
    )


def schedule_saved(on: bool) -> Doc:
    """Confirmation of the daily import."""
    if not on:
        return Doc.text("The daily import from Backstage is off.")
    return Doc.text(
        "The catalog is now imported from Backstage every day (from BACKSTAGE_BASE_URL where "
        "the bot runs); a run that could not read the catalog says so in `/sre history`."
    )


def upload_first(limit: int, cap_kib: int) -> Doc:
    """What to do when `/sre import` finds no shared file."""
    return Doc.text(
        "Share the YAML files (catalog-info, OpenSLO, Sloth or Pyrra) in this channel first, "
        f"then `/sre import` (at most {limit} files, {cap_kib} KiB each). Or run "
        "`sre-coach import <path> --channel <id>` where the files are."
    )


def reading_files(count: int) -> Doc:
    """The inline answer while shared files are read."""
    return Doc.text(f"Reading {count} shared file(s); the summary follows here.")
