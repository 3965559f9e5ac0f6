"""The handover log of a post: written at the end of a shift, read and acknowledged by the next one.

- Append-only: there is no edit or delete; a correction is a new entry naming the one it corrects (corrects_id).
- Written by a volunteer checked in to the shift (until 2 hours after its end) or an organizer of the task.
- Its supply counts set the post's item counts through the supplies service (reason handover), so a count at or
  below an item's threshold alerts the organizers once; an item the post does not list yet is added on the spot.
- Offline: an optional client_id (the phone's id for the queued form) makes a second send of the same form return
  the first handover and record nothing more (unique author + client_id); recorded_at is the phone's time.
- Reading: organizers and reviewers of the task's subtree, and volunteers while they serve the post (see
  supplies.queries.serving_claims). Acknowledging: those serving the post, and its organizers; idempotent.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_hub.accounts.models import User
from volunteer_hub.core.db import insert_ignoring_duplicates
from volunteer_hub.core.errors import NotAllowed, NotFound, ValidationError
from volunteer_hub.core.inputs import strip_text
from volunteer_hub.core.links import external_url
from volunteer_hub.core.timeutil import now
from volunteer_hub.core.transactions import atomic
from volunteer_hub.extensions import db
from volunteer_hub.handovers import queries, rules
from volunteer_hub.handovers.models import Handover, HandoverAck, HandoverIncident, HandoverSupply
from volunteer_hub.notifications.services import notify_many
from volunteer_hub.orgs import permissions
from volunteer_hub.supplies import queries as supply_queries
from volunteer_hub.supplies import rules as supply_rules
from volunteer_hub.supplies import services as supplies
from volunteer_hub.supplies.models import MovementReason, SupplyKind
from volunteer_hub.tasks.models import Shift, Task

WAITING = "handover_waiting"


@dataclass(frozen=True)
class Count:
    """A supply count as written: the item's code ("masks") or an other item's name, and the count."""

    item: str
    count: int


# --- reading ----------------------------------------------------------------------------------------------------


def can_read(user: User, task: Task) -> bool:
    return supplies.can_read(user, task)


def require_read(user: User, task: Task) -> None:
    if not can_read(user, task):
        raise NotAllowed(_l("Handovers are for the post's organizers, its reviewers and the volunteers on duty."))


def get_handover(user: User, handover_id: object) -> Handover:
    """A handover the user may read; any other: not found."""
    handover = queries.get(handover_id)
    if handover is None or not can_read(user, db.session.get_one(Task, handover.task_id)):
        raise NotFound(_l("No such handover."))
    return handover


def log(user: User, task: Task, limit: int = 50) -> list[dict]:
    """The post's handovers, newest first, with their supplies, incidents and acknowledgements."""
    require_read(user, task)
    return details(queries.of_task(task.id, limit))


def details(handovers: list[Handover]) -> list[dict]:
    carried = queries.carried([h.id for h in handovers])
    people = {h.author_id for h in handovers} | {uid for c in carried.values() for uid, _, _ in c["acks"]}
    names = queries.names(people)
    corrected = {h.corrects_id for h in handovers if h.corrects_id}
    return [_detail(h, carried[h.id], names, h.id in corrected) for h in handovers]


def _detail(handover: Handover, carried: dict, names: dict, corrected: bool) -> dict:
    return {
        "id": handover.id,
        "task_id": handover.task_id,
        "shift_id": handover.shift_id,
        "author_id": handover.author_id,
        "author_name": names.get(handover.author_id, ""),
        "notes": handover.notes,
        "corrects_id": handover.corrects_id,
        "corrected": corrected,
        "client_id": handover.client_id,
        "recorded_at": handover.recorded_at,
        "offline": handover.recorded_at is not None,
        "created_at": handover.created_at,
        "supplies": [
            {
                "item_id": item.id,
                "item": item.name if item.kind == SupplyKind.OTHER else item.kind,
                "label": supply_rules.label(item),
                "count": count,
            }
            for item, count in carried["supplies"]
        ],
        "incidents": [
            {
                "id": i.id,
                "category": i.category,
                "severity": i.severity,
                "status": i.status,
                "occurred_at": i.occurred_at,
                "description": i.description,
            }
            for i in carried["incidents"]
        ],
        "acks": [{"user_id": uid, "name": name, "acked_at": at} for uid, name, at in carried["acks"]],
    }


def detail(handover: Handover) -> dict:
    return details([handover])[0]


def latest_for(user: User, task: Task) -> dict | None:
    """The post's latest handover for someone who may read it (None otherwise, or when there is none)."""
    if not can_read(user, task):
        return None
    handover = queries.latest(task.id)
    return detail(handover) if handover else None


# --- writing ----------------------------------------------------------------------------------------------------


def write(
    actor: User,
    shift: Shift,
    *,
    notes: str = "",
    supplies_counted: list[Count] | None = None,
    incident_ids: list[int] | None = None,
    client_id: str | None = None,
    recorded_at: datetime | None = None,
    corrects_id: int | None = None,
) -> tuple[Handover, bool]:
    """Write the shift's handover. Returns (handover, created): the same author's form with the same client_id
    sent again returns the first one and False, recording nothing more."""
    rules.check_client_id(client_id)
    if client_id:
        existing = queries.by_client(actor.id, client_id)
        if existing is not None:
            return existing, False
    task = shift.task
    current = now()
    rules.check_recorded_at(recorded_at, current)
    if not permissions.can_manage(actor, task.org):
        claim = queries.own_claim(actor.id, shift.id)
        if claim is None:
            raise NotAllowed(_l("Only the volunteers on this shift and its organizers can write its handover."))
        rules.check_volunteer_author(claim, shift, recorded_at or current)
    notes = strip_text(notes)
    rules.check_notes(notes)
    counts = _check_counts(supplies_counted or [])
    _check_corrects(task.id, corrects_id)
    if incident_ids is None:
        previous = queries.latest(task.id)
        incident_ids = queries.incidents_since(task.id, previous.created_at if previous else None)
    else:
        _check_incidents(task.id, incident_ids)
    values = {
        "task_id": task.id,
        "shift_id": shift.id,
        "author_id": actor.id,
        "notes": notes,
        "corrects_id": corrects_id,
        "client_id": client_id,
        "recorded_at": recorded_at,
        "created_at": current,
    }
    try:
        handover = atomic(_insert, values, counts, sorted(set(incident_ids)))
    except sa.exc.IntegrityError:
        existing = queries.by_client(actor.id, client_id) if client_id else None
        if existing is None:
            raise
        return existing, False  # the same form, sent twice at once: the other request recorded it
    return handover, True


def _check_counts(counts: list[Count]) -> list[Count]:
    if len(counts) > rules.SUPPLIES_MAX:
        raise ValidationError(fields={"supplies": _l("List at most %(n)d items.", n=rules.SUPPLIES_MAX)})
    errors, seen = {}, set()
    for index, counted in enumerate(counts):
        name = strip_text(counted.item)
        key = name.casefold()
        if not name or name == SupplyKind.OTHER:
            errors[f"supplies.{index}.item"] = _l("Name the item (for example masks, or the name of another item).")
        elif len(name) > supply_rules.NAME_MAX:
            errors[f"supplies.{index}.item"] = _l("Use at most %(n)d characters.", n=supply_rules.NAME_MAX)
        elif key in seen:
            errors[f"supplies.{index}.item"] = _l("This item is listed twice.")
        error = supply_rules.count_error(counted.count, f"supplies.{index}.count")
        if error:
            errors |= error
        seen.add(key)
    if errors:
        raise ValidationError(fields=errors)
    return [Count(strip_text(c.item), c.count) for c in counts]


def _check_corrects(task_id: int, corrects_id: int | None) -> None:
    if corrects_id is None:
        return
    corrected = queries.get(corrects_id)
    if corrected is None or corrected.task_id != task_id:
        raise ValidationError(fields={"corrects_id": _l("Choose a handover of this post.")})


def _check_incidents(task_id: int, incident_ids: list[int]) -> None:
    found = {i.id: i for i in queries.incidents(list(set(incident_ids)))}
    for index, incident_id in enumerate(incident_ids):
        incident = found.get(incident_id)
        if incident is None or incident.task_id != task_id:
            raise ValidationError(fields={f"incident_ids.{index}": _l("Choose an incident reported on this post.")})


def _insert(values: dict, counts: list[Count], incident_ids: list[int]) -> Handover:
    handover = Handover(**values)
    db.session.add(handover)
    db.session.flush()
    for counted in counts:
        item = _item_for(values["task_id"], counted.item, values["author_id"])
        db.session.add(HandoverSupply(handover_id=handover.id, item_id=item.id, count=counted.count))
        supplies.change(
            item.id,
            set_to=counted.count,
            reason=MovementReason.HANDOVER,
            actor_id=values["author_id"],
            handover_id=handover.id,
        )
    for incident_id in incident_ids:
        db.session.add(HandoverIncident(handover_id=handover.id, incident_id=incident_id))
    db.session.flush()
    _tell_next_shift(handover)
    return handover


def _item_for(task_id: int, code_or_name: str, actor_id: int):
    """The post's item a count names; one not listed yet is added (a kind's code, else an "other" item)."""
    item = supply_queries.find_item(task_id, code_or_name)
    if item is not None:
        return item
    if code_or_name in supply_rules.KIND_ORDER:
        return supplies.add_item(task_id, code_or_name, "", actor_id)
    return supplies.add_item(task_id, SupplyKind.OTHER, code_or_name, actor_id)


def _tell_next_shift(handover: Handover) -> None:
    """An in-app note to the next shift's volunteers: a handover waits for them at check-in."""
    shift = db.session.get_one(Shift, handover.shift_id)
    people = [(uid, claim_id) for uid, claim_id in queries.next_shift_people(shift) if uid != handover.author_id]
    notify_many(
        WAITING,
        [
            {
                "user_id": uid,
                "task_id": shift.task_id,
                "dedupe_key": f"handover:{handover.id}",
                "params": {"task": shift.task.title, "link": external_url("attendance.checkin", claim_id=claim_id)},
            }
            for uid, claim_id in people
        ],
    )


# --- acknowledging ----------------------------------------------------------------------------------------------


def acknowledge(actor: User, handover: Handover) -> tuple[HandoverAck, bool]:
    """The next shift (anyone serving the post) or an organizer confirms having read it. Idempotent: returns the
    acknowledgement and whether it is new."""
    task = db.session.get_one(Task, handover.task_id)
    if not (permissions.can_manage(actor, task.org) or supplies.is_serving(actor, task)):
        raise NotAllowed(_l("Handovers are acknowledged by the volunteers on duty at this post."))
    created = atomic(_ack, handover.id, actor.id)
    ack = db.session.get_one(HandoverAck, (handover.id, actor.id))
    return ack, created


def _ack(handover_id: int, user_id: int) -> bool:
    rows = [{"handover_id": handover_id, "user_id": user_id, "acked_at": now()}]
    inserted = db.session.execute(
        insert_ignoring_duplicates(db.session, HandoverAck, rows).returning(HandoverAck.user_id)
    ).all()
    return bool(inserted)
