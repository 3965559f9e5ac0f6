"""A post's supplies: the organizer's list, counts set at a handover or by the organizer, issues to volunteers.

Every change of a count is a SupplyMovement row written in the same transaction. The low-stock alert goes out once
per crossing: a conditional ``UPDATE ... SET low_alerted = true WHERE low_alerted = false AND count <= threshold``
decides who tells the organizers, so two changes at once never tell them twice; the flag is reset by the change
that brings the count back above the threshold.
"""

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult

from volunteer_hub.accounts.models import User
from volunteer_hub.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.notifications.services import notify, task_cause
from volunteer_hub.orgs import permissions
from volunteer_hub.supplies import queries, rules
from volunteer_hub.supplies.models import MovementReason, SupplyItem, SupplyKind, SupplyMovement
from volunteer_hub.tasks.models import Task

LOW = "supply_low"
_items = SupplyItem.__table__
_UNSET = object()


# --- who may read and write -------------------------------------------------------------------------------------


def is_serving(user: User, task: Task, at: datetime | None = None) -> bool:
    """The volunteer serves the post now: see queries.serving_claims."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(queries.serving_claims(user.id, task.id, at or now()))


def can_read(user: User, task: Task) -> bool:
    """Organizers and reviewers of the task's subtree, and the volunteers serving the post now."""
    return permissions.can_review(user, task.org) or is_serving(user, task)


def require_read(user: User, task: Task) -> None:
    if not can_read(user, task):
        raise NotAllowed(_l("Only the post's organizers, its reviewers and the volunteers on duty can see this."))


def get_item(actor: User, task: Task, item_id: object) -> SupplyItem:
    """An item of the task's list that actor may read; an item of another post: not found."""
    require_read(actor, task)
    item = queries.get_item(task.id, item_id)
    if item is None:
        raise NotFound(_l("No such item on this post's supplies list."))
    return item


def summary(item: SupplyItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "name": item.name,
        "label": rules.label(item),
        "count": item.count,
        "low_threshold": item.low_threshold,
        "low": rules.is_low(item.count, item.low_threshold),
        "updated_at": item.updated_at,
    }


# --- the organizer's list ---------------------------------------------------------------------------------------


def create_item(
    actor: User, task: Task, *, kind: str, name: str = "", count: int = 0, low_threshold: int | None = None
) -> SupplyItem:
    """Add an item to the post's list (organizers of the task's subtree). 409 item_exists when it is there."""
    permissions.require_manage(actor, task.org)
    name = strip_text(name) if kind == SupplyKind.OTHER else ""
    rules.check_new_item(kind, name)
    rules.check_count(count)
    if low_threshold is not None:
        rules.check_count(low_threshold, "low_threshold")
    if (queries.find_item(task.id, name) if kind == SupplyKind.OTHER else queries.find_item(task.id, kind)) is not None:
        raise Conflict(_l("This item is already on the post's list."), code="item_exists")
    try:
        item = atomic(_create, actor.id, task, kind, name, count, low_threshold)
    except sa.exc.IntegrityError:
        raise Conflict(_l("This item is already on the post's list."), code="item_exists") from None
    db.session.refresh(item)
    return item


def _create(actor_id: int, task: Task, kind: str, name: str, count: int, low_threshold: int | None) -> SupplyItem:
    item = add_item(task.id, kind, name, actor_id, low_threshold=low_threshold)
    if count:
        change(item.id, set_to=count, reason=MovementReason.ORGANIZER, actor_id=actor_id)
    return item


def add_item(task_id: int, kind: str, name: str, actor_id: int | None, *, low_threshold: int | None = None):
    """Insert an item in the current transaction (count 0)."""
    item = SupplyItem(
        task_id=task_id, kind=kind, name=name, count=0, low_threshold=low_threshold, updated_by_id=actor_id
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_item(
    actor: User, item: SupplyItem, *, count: int | None = None, low_threshold: object = _UNSET, note: str = ""
) -> SupplyItem:
    """The organizer sets the counted stock and/or the low-stock threshold (None: no alert)."""
    permissions.require_manage(actor, _task(item).org)
    if count is not None:
        rules.check_count(count)
    if low_threshold is not _UNSET and low_threshold is not None:
        rules.check_count(low_threshold, "low_threshold")
    note = _note(note)
    atomic(_update, actor.id, item.id, count, low_threshold, note)
    db.session.refresh(item)
    return item


def _update(actor_id: int, item_id: int, count: int | None, low_threshold: object, note: str) -> None:
    if low_threshold is not _UNSET:
        db.session.execute(sa.update(_items).where(_items.c.id == item_id).values(low_threshold=low_threshold))
    if count is not None:
        change(item_id, set_to=count, reason=MovementReason.ORGANIZER, actor_id=actor_id, note=note)
    else:
        settle_alert(item_id)


def restock(actor: User, item: SupplyItem, add: int, note: str = "") -> SupplyMovement:
    """Delivered stock added to the count (organizers)."""
    permissions.require_manage(actor, _task(item).org)
    rules.check_count(add, "add")
    if add < 1:
        raise ValidationError(fields={"add": _l("Add at least one.")})
    movement = atomic(change, item.id, delta=add, reason=MovementReason.ORGANIZER, actor_id=actor.id, note=_note(note))
    db.session.refresh(item)
    return movement


def issue(actor: User, item: SupplyItem, count: int, user_id: object, note: str = "") -> SupplyMovement:
    """Hand count of the item to a volunteer of the post's roster (organizers): the count goes down by it."""
    task = _task(item)
    permissions.require_manage(actor, task.org)
    rules.check_count(count)
    if not isinstance(user_id, int) or not queries.on_roster(task.id, user_id):
        raise ValidationError(fields={"user_id": _l("Choose a volunteer on this post's roster.")})
    rules.check_issue(item, count)
    movement = atomic(
        change,
        item.id,
        delta=-count,
        reason=MovementReason.ISSUE,
        actor_id=actor.id,
        issued_to=user_id,
        note=_note(note),
    )
    db.session.refresh(item)
    return movement


def _note(note: str | None) -> str:
    note = strip_text(note)
    rules.check_note(note)
    return note


def _task(item: SupplyItem) -> Task:
    return db.session.get_one(Task, item.task_id)


# --- every change of a count ------------------------------------------------------------------------------------


def change(
    item_id: int,
    *,
    reason: str,
    actor_id: int | None,
    set_to: int | None = None,
    delta: int | None = None,
    handover_id: int | None = None,
    issued_to: int | None = None,
    note: str = "",
) -> SupplyMovement:
    """Set (set_to) or move (delta) an item's count in the current transaction, write its movement and settle the
    low-stock alert. A compare-and-swap on the count (``WHERE count = <as read>``, read again when another change
    came between) keeps every movement's delta exact; a move never takes the count below zero."""
    before, after = _swap(item_id, set_to, delta or 0, actor_id)
    movement = SupplyMovement(
        item_id=item_id,
        reason=reason,
        delta=after - before,
        count_after=after,
        handover_id=handover_id,
        issued_to_id=issued_to,
        actor_id=actor_id,
        note=note,
        created_at=now(),
    )
    db.session.add(movement)
    db.session.flush()
    settle_alert(item_id, movement.id)
    return movement


def _swap(item_id: int, set_to: int | None, delta: int, actor_id: int | None, attempts: int = 20) -> tuple[int, int]:
    for _ in range(attempts):
        before = db.session.execute(
            sa.select(_items.c.count).where(_items.c.id == item_id).with_for_update()
        ).scalar_one()
        after = set_to if set_to is not None else before + delta
        if after < 0:
            raise Conflict(
                _l("Only %(left)d left: count the stock again or restock first.", left=before),
                code="not_enough_stock",
                left=before,
            )
        moved = _rows(
            sa.update(_items)
            .where(_items.c.id == item_id, _items.c.count == before)
            .values(count=after, updated_at=now(), updated_by_id=actor_id)
        )
        if moved:
            return before, after
    raise Conflict(_l("The count is changing right now. Try again."), code="busy")


def _rows(statement: sa.Update) -> int:
    """How many rows an UPDATE changed."""
    return cast(CursorResult, db.session.execute(statement)).rowcount


def settle_alert(item_id: int, movement_id: int | None = None) -> bool:
    """Tell the organizers when the count has just crossed down to the threshold (once: the conditional UPDATE
    decides); reset the flag when it is back above. Returns whether they were told."""
    low = _items.c.count <= _items.c.low_threshold
    crossed = _rows(
        sa.update(_items)
        .where(_items.c.id == item_id, _items.c.low_alerted.is_(False), _items.c.low_threshold.is_not(None), low)
        .values(low_alerted=True)
    )
    if not crossed:
        db.session.execute(
            sa.update(_items)
            .where(
                _items.c.id == item_id, _items.c.low_alerted.is_(True), sa.or_(_items.c.low_threshold.is_(None), ~low)
            )
            .values(low_alerted=False)
        )
        return False
    _tell_low(db.session.get_one(SupplyItem, item_id, populate_existing=True), movement_id)
    return True


def _tell_low(item: SupplyItem, movement_id: int | None) -> None:
    task = _task(item)
    cause = task_cause(task.id, "supplies", item.id)
    for user_id in queries.organizers_of(task.org):
        notify(
            user_id,
            LOW,
            task_id=task.id,
            dedupe_key=f"{cause}:low:{movement_id or now().isoformat()}",
            cause=cause,
            task=task.title,
            supply_kind=item.kind,
            name=item.name,
            count=item.count,
            threshold=item.low_threshold,
            link=external_url("supplies.manage", task_id=task.id),
        )


def require_review(user: User, task: Task) -> None:
    permissions.require_review(user, task.org)
