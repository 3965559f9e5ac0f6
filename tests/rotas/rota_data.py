"""Shared data of the rota tests: the frozen clock, the series dates and small helpers."""

from datetime import UTC, date, datetime

from volunteer_hub.extensions import db
from volunteer_hub.rotas.models import SeriesAdoption

# Monday 2 March 2026, 09:00 in Shanghai; the series runs from Tuesday 3 March.
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 3, 3)
CHECKPOINT = [
    {"start": "08:00", "end": "16:00", "capacity": 2},
    {"start": "16:00", "end": "24:00", "capacity": 2},
    {"start": "00:00", "end": "08:00", "capacity": 2},
]
ADULT = date(1990, 1, 1)
NIGHTS_TOO = {"avail_weekday_night": True, "avail_weekend_night": True}


def adopt(app, team, series_id, leader):
    """Record an adoption directly (the API path is tested on its own)."""
    with app.app_context():
        row = SeriesAdoption(
            team_id=team.id,
            series_id=series_id,
            from_date=date(2026, 3, 1),
            to_date=date(2026, 5, 1),
            created_by_id=leader.id,
        )
        db.session.add(row)
        db.session.commit()
        return row.id
