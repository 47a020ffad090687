"""Schedules: RFC 5545 RRULEs in the shop's time zone, and windows on the timeline.

Occurrences are computed on the shop's wall clock (20:00 Asia/Shanghai stays 20:00 through a
daylight-saving change elsewhere) and handed back in UTC. Windows are half-open, ``[start,
end)``: at ``end`` exactly a window is closed, to the second.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from soulstock.domain.errors import InvalidInput

OVERLAP_HORIZON = timedelta(days=366)
MAX_OCCURRENCES = 5_000
OVERLAP_CHUNK = timedelta(days=31)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {tz!r}") from None


def parse_rule(rule: str, *, starts_at: datetime, tz: str) -> rrule:
    """An RRULE line (``FREQ=...``, with or without ``RRULE:``) anchored at ``starts_at``."""
    if starts_at.tzinfo is None:
        raise InvalidInput("a schedule's start needs a time zone")
    text = rule.strip().removeprefix("RRULE:")
    local_start = starts_at.astimezone(_zone(tz)).replace(tzinfo=None)
    try:
        parsed = rrulestr(text, dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not a valid RRULE ({exc})") from None
    if not isinstance(parsed, rrule):
        raise InvalidInput("give one RRULE line")
    return parsed


def _utc(local: datetime, tz: str) -> datetime:
    return local.replace(tzinfo=_zone(tz)).astimezone(UTC)


def _local(t: datetime, tz: str) -> datetime:
    return t.astimezone(_zone(tz)).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Occurrence:
    index: int  # 1 for the first occurrence
    at: datetime  # UTC
    next_at: datetime | None  # the one after, UTC, or None when the rule has ended


def occurrence_at(rule: rrule, *, tz: str, t: datetime) -> Occurrence | None:
    """The latest occurrence at or before ``t`` (None before the first one)."""
    local_t = _local(t, tz)
    latest = rule.before(local_t, inc=True)
    if latest is None:
        return None
    index = len(rule.between(rule[0], latest, inc=True))
    following = rule.after(latest)
    return Occurrence(index, _utc(latest, tz), _utc(following, tz) if following else None)


def next_occurrence(rule: rrule, *, tz: str, t: datetime) -> datetime | None:
    following = rule.after(_local(t, tz))
    return _utc(following, tz) if following else None


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInput("a window must end after it starts")

    def contains(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class RecurringWindow:
    """A window that opens at each occurrence of ``rule`` (or once, at ``starts_at``, without
    one) and lasts ``duration_seconds``; ``price_minor`` applies inside it."""

    name: str
    starts_at: datetime
    duration_seconds: int
    tz: str
    rule: str | None = None
    price_minor: int | None = None

    def __post_init__(self) -> None:
        if self.duration_seconds <= 0:
            raise InvalidInput("a window needs a positive duration")
        if self.rule is not None:
            parse_rule(self.rule, starts_at=self.starts_at, tz=self.tz)

    def _rule(self) -> rrule | None:
        if self.rule is None:
            return None
        return parse_rule(self.rule, starts_at=self.starts_at, tz=self.tz)

    def window_at(self, t: datetime) -> Window | None:
        """The occurrence of this window that is open at ``t``, if any."""
        rule = self._rule()
        start = self.starts_at if rule is None else None
        if rule is not None:
            latest = occurrence_at(rule, tz=self.tz, t=t)
            start = latest.at if latest else None
        if start is None or start > t:
            return None
        window = Window(start, start + timedelta(seconds=self.duration_seconds))
        return window if window.contains(t) else None

    def next_start(self, t: datetime) -> datetime | None:
        """The next time this window opens after ``t``."""
        rule = self._rule()
        if rule is None:
            return self.starts_at if self.starts_at > t else None
        return next_occurrence(rule, tz=self.tz, t=t)

    def windows_between(self, start: datetime, end: datetime) -> list[Window]:
        rule = self._rule()
        length = timedelta(seconds=self.duration_seconds)
        if rule is None:
            starts = [self.starts_at]
        else:
            local = rule.between(_local(start - length, self.tz), _local(end, self.tz), inc=True)
            starts = [_utc(s, self.tz) for s in local[:MAX_OCCURRENCES]]
        return [Window(s, s + length) for s in starts if s < end and s + length > start]


def first_overlap(
    a: RecurringWindow, b: RecurringWindow, *, since: datetime
) -> tuple[Window, Window] | None:
    """The first pair of occurrences of ``a`` and ``b`` that overlap within a year of
    ``since`` (or of the later start), or None."""
    begin = max(since, min(a.starts_at, b.starts_at))
    end = begin + OVERLAP_HORIZON
    a_windows = a.windows_between(begin, end)
    if not a_windows:
        return None
    # b's occurrences are listed once, a month at a time (each RRULE expansion starts from
    # its first occurrence, so one call per occurrence of a made adding a window quadratic).
    b_windows = _windows_in_chunks(b, a_windows[0].start, a_windows[-1].end)
    b_ends = [w.end for w in b_windows]
    for wa in a_windows:
        i = bisect_right(b_ends, wa.start)  # the first of b's windows ending after wa starts
        if i < len(b_windows) and b_windows[i].start < wa.end:
            return wa, b_windows[i]
    return None


def _windows_in_chunks(w: RecurringWindow, start: datetime, end: datetime) -> list[Window]:
    found: dict[datetime, Window] = {}
    while start < end:
        stop = min(end, start + OVERLAP_CHUNK)
        for window in w.windows_between(start, stop):
            found.setdefault(window.start, window)
        start = stop
    return [found[s] for s in sorted(found)]
