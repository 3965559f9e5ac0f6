"""The post of tests/supplies: a shift under way with two volunteers checked in, the next one starting soon."""

from datetime import timedelta

import pytest

from tests.supplies.conftest import Post, post, tokens  # noqa: F401  (fixtures)
from volunteer_hub.core.timeutil import now
from volunteer_hub.extensions import db
from volunteer_hub.incidents.models import Incident


@pytest.fixture
def incident(app):
    """incident(on, description, task_id=None) -> id: an incident reported on the post (the incidents domain's
    services are written in parallel; the row is what they store)."""

    def report(on: Post, description: str = "有人在卡口与值守人员争执", *, task_id: int | None = None, **fields) -> int:
        with app.app_context():
            row = Incident(
                task_id=task_id or on.task_id,
                shift_id=on.shift_id,
                reporter_id=on.on_duty[0].id,
                category=fields.pop("category", "conflict"),
                severity=fields.pop("severity", "medium"),
                occurred_at=now() - timedelta(minutes=30),
                description=description,
                **fields,
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return report
