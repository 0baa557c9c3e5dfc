"""The rollout programme as data: steps and milestones, primitives, team shapes, pain kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.errors import UsageError
from bot.domain.nearest import did_you_mean


@dataclass(frozen=True)
class Milestone:
    """One thing that says a step is done; `check` names a rule, or is "manual"."""

    id: str
    title: str
    check: str

    @property
    def manual(self) -> bool:
        """True when a lead ticks it by hand."""
        return self.check == "manual"


@dataclass(frozen=True)
class StepDef:
    """A rollout step with its milestones and the guide entry that helps."""

    id: str
    title: str
    guide: str
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class Choice:
    """A named option from the programme data (primitive, team shape, pain kind, condition)."""

    id: str
    title: str
    detail: Mapping[str, str]


@dataclass(frozen=True)
class Programme:
    """Everything the rollout is measured against."""

    steps: tuple[StepDef, ...]
    primitives: tuple[Choice, ...]
    team_shapes: tuple[Choice, ...]
    pain_kinds: tuple[Choice, ...]
    conditions: tuple[Choice, ...]

    def step(self, step_id: str) -> StepDef:
        """The step called `step_id`, or a usage error listing the steps."""
        for step in self.steps:
            if step.id == step_id:
                return step
        names = " | ".join(s.id for s in self.steps)
        raise UsageError(f"`{step_id[:24]}` is not a step. Steps: {names}.")

    def index(self, step_id: str) -> int:
        """Position of a step, 0-based."""
        return [s.id for s in self.steps].index(self.step(step_id).id)

    def milestone(self, milestone_id: str) -> tuple[StepDef, Milestone]:
        """The milestone called `milestone_id` and its step."""
        for step in self.steps:
            for milestone in step.milestones:
                if milestone.id == milestone_id:
                    return step, milestone
        raise UsageError(f"`{milestone_id[:24]}` is not a milestone; `/sre step` lists them.")


def pick(choices: tuple[Choice, ...], word: str, what: str) -> Choice:
    """The choice whose id is `word`, or a usage error listing the ids."""
    for choice in choices:
        if choice.id == word.lower():
            return choice
    ids = [c.id for c in choices]
    raise UsageError(
        f"`{word[:24]}` is not a {what}.{did_you_mean(word, ids)} Pick one of: {', '.join(ids)}."
    )


def _choices(rows: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(
        Choice(
            id=str(row["id"]),
            title=str(row.get("title") or row.get("question") or row["id"]),
            detail={k: str(v) for k, v in row.items() if k not in {"id", "title"}},
        )
        for row in rows
    )


def parse_programme(data: Mapping[str, Any]) -> Programme:
    """Build the programme from its data file's contents (raises ValueError when malformed)."""
    try:
        steps = tuple(
            StepDef(
                id=str(step["id"]),
                title=str(step["title"]),
                guide=str(step["guide"]),
                milestones=tuple(
                    Milestone(str(m["id"]), str(m["title"]), str(m["check"]))
                    for m in step["milestones"]
                ),
            )
            for step in data["steps"]
        )
        return Programme(
            steps=steps,
            primitives=_choices(data["primitives"]),
            team_shapes=_choices(data["team_shapes"]),
            pain_kinds=_choices(data["pain_kinds"]),
            conditions=_choices(data["conditions"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"rollout data is malformed: {error!r}") from error
