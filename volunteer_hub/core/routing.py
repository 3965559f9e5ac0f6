"""URL converters shared by every route."""

from werkzeug.routing import IntegerConverter, Map

DB_INT_MAX = 2**31 - 1  # primary keys are 32-bit integers on PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:...>` in every route. An id beyond the database's integer range names no object: it becomes 0, which
    no row has, so the view answers its usual 404 instead of the database failing (500). (Refusing it in the
    converter would turn into a 405 wherever another method's rule shares the path.) The OpenAPI document shows the
    bound as the maximum."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = DB_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= DB_INT_MAX else 0
