"""The words of the low-stock notification, in the reader's language when shown."""

from flask_babel import gettext as _

from volunteer_hub.notifications.texts import notification_text
from volunteer_hub.supplies.models import SupplyKind
from volunteer_hub.supplies.rules import KIND_LABELS


def _item(p: dict) -> str:
    kind = p.get("supply_kind", "")
    if kind == SupplyKind.OTHER or kind not in KIND_LABELS:
        return p.get("name", "") or kind
    return str(KIND_LABELS[SupplyKind(kind)])


@notification_text("supply_low")
def supply_low(p: dict) -> str:
    return _(
        "Supplies running low at “%(task)s”: %(item)s, %(count)s left (alert at %(threshold)s). Restock the post.",
        task=p.get("task", ""),
        item=_item(p),
        count=p.get("count", ""),
        threshold=p.get("threshold", ""),
    )
