"""Unlock goals (解锁式): cumulative sales thresholds that unlock bonus content for every
holder, past and future. Which goals a sale crosses is a pure function of the counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soulstock.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Goal:
    threshold: int
    title: str

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise InvalidInput("a goal's threshold is at least 1 sale")
        if not 1 <= len(self.title.strip()) <= 120:
            raise InvalidInput("a goal needs a title of 1 to 120 characters")


@dataclass(frozen=True, slots=True)
class GoalProgress:
    sold: int
    reached: tuple[Goal, ...]
    next_goal: Goal | None

    @property
    def to_next(self) -> int | None:
        return None if self.next_goal is None else self.next_goal.threshold - self.sold


def progress(goals: Sequence[Goal], sold: int) -> GoalProgress:
    ordered = sorted(goals, key=lambda g: g.threshold)
    reached = tuple(g for g in ordered if g.threshold <= sold)
    pending = [g for g in ordered if g.threshold > sold]
    return GoalProgress(sold, reached, pending[0] if pending else None)


def reached_goals(goals: Sequence[Goal], sold: int) -> list[Goal]:
    """Every goal a product with ``sold`` sales has reached: all its holders get each one."""
    return [g for g in goals if g.threshold <= sold]


def check_goals(goals: Sequence[Goal]) -> None:
    thresholds = [g.threshold for g in goals]
    if len(set(thresholds)) != len(thresholds):
        raise InvalidInput("two goals have the same threshold")
