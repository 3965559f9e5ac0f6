"""A claim reads a shift's terms with one Core query: they must say what the Shift and Task models say."""

from datetime import timedelta

import pytest

from volunteer_hub.claims.terms import ShiftTerms, TaskTerms, shift_terms
from volunteer_hub.core.errors import NotFound
from volunteer_hub.extensions import db
from volunteer_hub.tasks.models import Shift, TaskStatus


@pytest.mark.parametrize(
    "start_in",
    [timedelta(days=1), timedelta(hours=-2), timedelta(days=-3)],
    ids=["upcoming", "started", "task completed"],
)
def test_terms_equal_the_models(app, make_task, start_in):
    task = make_task(
        shifts=[(start_in, 4, 3)],
        requires_approval=True,
        requires_insurance=True,
        requires_qualification="first_aid",
        requires_health_declaration=True,
    )
    with app.app_context():
        shift = db.session.get(Shift, task.shifts[0].id)
        shift.confirmed = 1
        shift.lottery_until = shift.starts_at - timedelta(hours=1)
        db.session.commit()
        terms = shift_terms(shift.id)
        for name in ShiftTerms.__slots__:
            if name != "task":
                assert getattr(terms, name) == getattr(shift, name), name
        for name in TaskTerms.__slots__:
            assert getattr(terms.task, name) == getattr(shift.task, name), name
        assert (
            (terms.has_started, terms.places_left)
            == (shift.has_started, shift.places_left)
            == (start_in < timedelta(0), 2)
        )
        assert (
            terms.task.display_status
            == shift.task.display_status
            == (TaskStatus.COMPLETED if start_in < timedelta(days=-1) else TaskStatus.OPEN)
        )


@pytest.mark.parametrize("shift_id", [10**9, "1", None])
def test_unknown_shift_is_not_found(app, shift_id):
    with app.app_context(), pytest.raises(NotFound):
        shift_terms(shift_id)
