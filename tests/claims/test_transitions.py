"""A claim's status changes in one place, along the declared transitions, and nowhere else."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

import volunteer_hub
from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services
from volunteer_hub.claims.models import ACTIVE_STATUSES, Claim, ClaimStatus
from volunteer_hub.claims.terms import shift_terms
from volunteer_hub.claims.transitions import ALLOWED, transition
from volunteer_hub.extensions import db

PACKAGE = Path(volunteer_hub.__file__).parent
OWNER = "claims/transitions.py"  # the transition itself
INSERTS = "claims/services.py"  # inserts new claims with their first status
CLAIM_TABLE_NAMES = {"Claim", "_claims", "claims"}


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def _updates_claims(values_call: ast.Call) -> bool:
    """Whether a .values(...) call belongs to an update(Claim) / update(_claims) / update(Claim.__table__)."""
    for node in ast.walk(values_call.func):
        if (
            isinstance(node, ast.Call)
            and node.args
            and (getattr(node.func, "attr", None) == "update" or getattr(node.func, "id", None) == "update")
        ):
            return bool(_names(node.args[0]) & CLAIM_TABLE_NAMES)
    return False


def _writes_status(node: ast.AST, module: str) -> bool:
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(
            isinstance(attribute, ast.Attribute)
            and attribute.attr == "status"
            and ("ClaimStatus" in _names(node.value) or "claim" in ast.unparse(attribute.value).lower())
            for target in targets
            for attribute in ast.walk(target)
        )
    if isinstance(node, ast.Call) and "status" in {keyword.arg for keyword in node.keywords}:
        is_update = getattr(node.func, "attr", None) == "values" and _updates_claims(node)
        return is_update or (getattr(node.func, "id", None) == "Claim" and module != INSERTS)
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.search(r"update\s+claims\s+set\b.*\bstatus\b", node.value, re.IGNORECASE | re.DOTALL) is not None
    )


def status_writes(source: str, module: str) -> list[int]:
    """Lines of a module (path under volunteer_hub/) that write a claim's status: assigning ``<claim>.status``,
    UPDATE claims SET status (Core, ORM or SQL text), or a new Claim(status=...) outside claims.services."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source)) if _writes_status(node, module))


def test_only_the_declared_transition_writes_a_claims_status():
    modules = {path.relative_to(PACKAGE).as_posix(): path for path in PACKAGE.rglob("*.py")}

    writes = {
        module: lines
        for module, path in sorted(modules.items())
        if module != OWNER and (lines := status_writes(path.read_text(), module))
    }

    assert writes == {}


def test_the_ownership_check_sees_each_way_of_writing_a_status():
    source = (
        "claim.status, claim.cancelled_at = ClaimStatus.CANCELLED, now()\n"
        "db.session.execute(sa.update(Claim).where(Claim.id == 1).values(status='cancelled'))\n"
        "db.session.add(Claim(shift_id=1, user_id=2, status=ClaimStatus.CONFIRMED))\n"
        "db.session.execute(sa.text('UPDATE claims SET status = :s'))\n"
        "task.status = TaskStatus.CANCELLED\n"
        "sa.update(Shift).values(status='x')\n"
    )

    assert status_writes(source, "tasks/services.py") == [1, 2, 3, 4]
    assert status_writes(source, INSERTS) == [1, 2, 4]


def test_rejected_and_cancelled_are_final_and_a_lottery_entry_is_only_ever_inserted():
    assert ALLOWED[ClaimStatus.REJECTED] == ALLOWED[ClaimStatus.CANCELLED] == frozenset(ACTIVE_STATUSES)
    assert all(
        ClaimStatus.REJECTED not in sources and ClaimStatus.CANCELLED not in sources for sources in ALLOWED.values()
    )
    assert ALLOWED[ClaimStatus.LOTTERY] == frozenset()


def _claim(app, make_task, make_user):
    shift_id = make_task(shifts=[(timedelta(days=1), 4, 2)]).shifts[0].id
    user_id = make_user().id
    with app.app_context():
        return services.claim_shift(db.session.get(User, user_id), shift_terms(shift_id)).id


def test_a_transition_the_table_does_not_allow_changes_nothing(app, make_task, make_user):
    claim_id = _claim(app, make_task, make_user)
    with app.app_context():
        services.cancel_claim(db.session.get(Claim, claim_id).user, db.session.get(Claim, claim_id))

        moved = [
            transition(claim_id, to)
            for to in (ClaimStatus.CONFIRMED, ClaimStatus.PENDING, ClaimStatus.WAITLISTED, ClaimStatus.LOTTERY)
        ]
        db.session.commit()

        assert moved == [[], [], [], []]
        assert db.session.get(Claim, claim_id, populate_existing=True).status == ClaimStatus.CANCELLED


def test_a_claim_someone_changed_first_is_left_as_it_is(app, make_task, make_user):
    claim_id = _claim(app, make_task, make_user)  # confirmed
    with app.app_context():
        moved = transition(claim_id, ClaimStatus.CANCELLED, from_=[ClaimStatus.WAITLISTED])
        db.session.commit()

        assert moved == []
        assert db.session.get(Claim, claim_id).status == ClaimStatus.CONFIRMED


def test_asking_for_a_move_the_table_forbids_is_a_programming_error(app):
    with app.app_context(), pytest.raises(ValueError):
        transition(1, ClaimStatus.PENDING, from_=[ClaimStatus.CONFIRMED])
