"""Who fits a shift and how well: pure functions shared by task matching and a volunteer's recommendations.

Band of a shift: its local start decides it. Weekday is Monday-Friday, weekend Saturday-Sunday; day is a
start in [06:00, 18:00), night any other start (so a 20:00-08:00 shift is a night shift).

Score, higher first: 0.45 × proximity + 0.25 × skill fit + 0.30 × fairness, where
  proximity = 1 - distance / radius (1 next door, 0 at the edge),
  skill fit = 0.5 for a task that needs no skill, 1.0 for one whose required skills the volunteer has, and
              0.5 + 0.5 × (share of its languages spoken) for a foreign-language task,
  fairness  = 1 / (1 + h / 8), h = the volunteer's confirmed shift hours that started in the last 30 days
              (0 h → 1, one 8-hour shift → 0.5), so the same few are not asked every time.
Ties go to the nearer volunteer, then the lower id.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from volunteer_hub.catalogue import LANGUAGE_CODES
from volunteer_hub.core.timeutil import to_local

DAY_STARTS_HOUR, NIGHT_STARTS_HOUR = 6, 18
RECENT_DAYS = 30
WEIGHT_PROXIMITY, WEIGHT_SKILL, WEIGHT_FAIRNESS = 0.45, 0.25, 0.30
FAIRNESS_HALF_HOURS = 8.0


def band_of(starts_at: datetime) -> str:
    """weekday_day, weekday_night, weekend_day or weekend_night (the profile's availability codes)."""
    local = to_local(starts_at)
    days = "weekend" if local.weekday() >= 5 else "weekday"
    return f"{days}_{'day' if DAY_STARTS_HOUR <= local.hour < NIGHT_STARTS_HOUR else 'night'}"


def week_of(starts_at: datetime) -> date:
    """The local Monday of the week a shift starts in: weekly hours caps count per Monday-Sunday week."""
    local = to_local(starts_at).date()
    return local - timedelta(days=local.weekday())


@dataclass(frozen=True)
class Requirement:
    """What a task asks: every skill in all_of, and at least one of any_of when any_of is not empty."""

    all_of: frozenset[str]
    any_of: frozenset[str]

    @classmethod
    def of(cls, task_type: str, codes) -> "Requirement":
        """A foreign-language task needs one of its languages; every other required skill is needed."""
        codes = frozenset(codes)
        alternatives = codes & LANGUAGE_CODES if task_type == "foreign_language" else frozenset()
        return cls(codes - alternatives, alternatives)

    @property
    def codes(self) -> frozenset[str]:
        return self.all_of | self.any_of

    def met_by(self, skills: frozenset[str]) -> bool:
        return self.all_of <= skills and (not self.any_of or bool(self.any_of & skills))

    def fit(self, skills: frozenset[str]) -> float:
        if self.any_of:
            return 0.5 + 0.5 * len(self.any_of & skills) / len(self.any_of)
        return 1.0 if self.all_of else 0.5


@dataclass(frozen=True)
class OpenShift:
    """A future shift with places left, with the band and week it falls in."""

    id: int
    task_id: int
    starts_at: datetime
    ends_at: datetime
    places_left: int
    band: str
    week: date

    @classmethod
    def of(cls, shift_id, task_id, starts_at, ends_at, places_left) -> "OpenShift":
        return cls(shift_id, task_id, starts_at, ends_at, places_left, band_of(starts_at), week_of(starts_at))

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass
class Commitments:
    """A volunteer's confirmed shifts around the period looked at, and the tasks they already claimed."""

    busy: list[tuple[datetime, datetime]] = field(default_factory=list)
    week_hours: dict[date, float] = field(default_factory=dict)
    recent_hours: float = 0.0
    claimed_tasks: set[int] = field(default_factory=set)

    def add_confirmed(self, starts_at: datetime, ends_at: datetime, current: datetime) -> None:
        hours = (ends_at - starts_at).total_seconds() / 3600
        self.busy.append((starts_at, ends_at))
        week = week_of(starts_at)
        self.week_hours[week] = self.week_hours.get(week, 0.0) + hours
        if current - timedelta(days=RECENT_DAYS) <= starts_at < current:
            self.recent_hours += hours


def fitting_shifts(
    shifts: list[OpenShift], bands: frozenset[str], commitments: Commitments, max_weekly_hours: int
) -> list[OpenShift]:
    """The shifts in the volunteer's bands that overlap none of their confirmed shifts and keep them within
    their weekly hours (a shift counts in the week it starts)."""
    return [
        shift
        for shift in shifts
        if shift.band in bands
        and not any(start < shift.ends_at and shift.starts_at < end for start, end in commitments.busy)
        and commitments.week_hours.get(shift.week, 0.0) + shift.hours <= max_weekly_hours
    ]


def score(distance_km: float, radius_km: float, skill_fit: float, recent_hours: float) -> float:
    proximity = max(0.0, 1.0 - distance_km / radius_km) if radius_km > 0 else 0.0
    fairness = 1.0 / (1.0 + recent_hours / FAIRNESS_HALF_HOURS)
    return WEIGHT_PROXIMITY * proximity + WEIGHT_SKILL * skill_fit + WEIGHT_FAIRNESS * fairness


def reasons(
    distance_km: float, requirement: Requirement, skills: frozenset[str], shifts: list[OpenShift]
) -> list[dict]:
    """Why a volunteer and a task were matched, stored without words (see matching.texts for those)."""
    found = [{"kind": "distance", "km": round(distance_km, 2)}]
    for code in sorted(requirement.codes & skills):
        found.append({"kind": "language" if code in LANGUAGE_CODES else "skill", "code": code})
    for band in sorted({shift.band for shift in shifts}):
        found.append({"kind": "availability", "code": band})
    return found
