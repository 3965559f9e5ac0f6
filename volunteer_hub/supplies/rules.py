"""The words and limits of a post's supplies: what each kind is called, when a count is low, what a count may be."""

from flask_babel import lazy_gettext as _l

from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.inputs import CONTROL_CHARACTERS, control_character_error
from volunteer_hub.supplies.models import SupplyItem, SupplyKind

COUNT_MAX = 1_000_000
NAME_MAX = 50
NOTE_MAX = 200

KIND_LABELS = {
    SupplyKind.MASKS: _l("Masks"),
    SupplyKind.GLOVES: _l("Gloves"),
    SupplyKind.GOWNS: _l("Protective gowns"),
    SupplyKind.SANITIZER: _l("Hand sanitizer"),
    SupplyKind.THERMOMETERS: _l("Thermometers"),
    SupplyKind.TEST_KITS: _l("Test kits"),
    SupplyKind.FOOD_WATER: _l("Food and water"),
    SupplyKind.OTHER: _l("Other"),
}
KIND_ORDER = {kind.value: index for index, kind in enumerate(SupplyKind)}


def label(item: SupplyItem) -> str:
    """What people call the item: its kind in the reader's language, or the name given to an "other" item."""
    if item.kind == SupplyKind.OTHER:
        return item.name
    return str(KIND_LABELS.get(SupplyKind(item.kind), item.kind))


def is_low(count: int, threshold: int | None) -> bool:
    """At or below the threshold is low; an item without a threshold never is."""
    return threshold is not None and count <= threshold


def count_error(value: object, field: str = "count") -> dict | None:
    """Field errors for a count that is not a whole number from 0 to COUNT_MAX, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_MAX:
        return {field: _l("Enter a whole number from 0 to %(max)d.", max=COUNT_MAX)}
    return None


def check_count(value: object, field: str = "count") -> int:
    error = count_error(value, field)
    if error:
        raise ValidationError(fields=error)
    return value  # type: ignore[return-value]


def check_new_item(kind: str, name: str) -> None:
    """An item's kind is one of the list; an "other" item needs a name of at most NAME_MAX characters."""
    if kind not in KIND_ORDER:
        raise ValidationError(fields={"kind": _l("Choose one of the listed kinds.")})
    if kind == SupplyKind.OTHER and not name:
        raise ValidationError(fields={"name": _l("Name the item.")})
    if control_character_error(name):
        raise ValidationError(fields={"name": CONTROL_CHARACTERS})
    if len(name) > NAME_MAX:
        raise ValidationError(fields={"name": _l("Use at most %(n)d characters.", n=NAME_MAX)})


def check_note(note: str) -> None:
    """A change's note: one line of at most NOTE_MAX characters (the pages and the API both come here)."""
    if control_character_error(note):
        raise ValidationError(fields={"note": CONTROL_CHARACTERS})
    if len(note) > NOTE_MAX:
        raise ValidationError(fields={"note": _l("Use at most %(n)d characters.", n=NOTE_MAX)})


def check_issue(item: SupplyItem, count: int) -> None:
    """One cannot hand out more than the post holds."""
    if count < 1:
        raise ValidationError(fields={"count": _l("Hand out at least one.")})
    if count > item.count:
        raise Conflict(
            _l("Only %(left)d left: count the stock again or restock first.", left=item.count),
            code="not_enough_stock",
            left=item.count,
        )
