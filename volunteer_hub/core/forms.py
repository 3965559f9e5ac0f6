"""Form helpers shared by the pages: the base forms, checkbox lists, optional numbers, and service errors shown
on fields."""

from collections.abc import MutableMapping
from typing import Any, TypeVar, cast

import flask_wtf
import wtforms
from wtforms import (
    DateTimeField,
    FieldList,
    FormField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)

# WTForms 3.3's choice (value, label, render_kw); types-WTForms (3.2) does not declare it yet. The forms import it
# from here.
from wtforms.fields.choices import SelectChoice as SelectChoice  # type: ignore[attr-defined]
from wtforms.fields.core import Field, UnboundField
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta

from volunteer_hub.core.inputs import control_character_error, date_error

_FieldT = TypeVar("_FieldT", bound=Field)


def _no_control_characters(form: BaseForm, field: Field) -> None:
    message = control_character_error(field.data, multiline=isinstance(field, TextAreaField))
    if message:
        raise ValidationError(message)


def _supported_date(form: BaseForm, field: Field) -> None:
    message = date_error(field.data)
    if message:
        raise ValidationError(message)


class _InputMeta(DefaultMeta):
    """Every text field (text, text area, phone, password, hidden) refuses control characters; every date or
    date-and-time field keeps to the supported years."""

    def bind_field(
        self, form: BaseForm, unbound_field: "UnboundField[_FieldT]", options: MutableMapping[str, Any]
    ) -> _FieldT:
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField):
            field.validators = [*field.validators, _no_control_characters]
        elif isinstance(field, DateTimeField):  # DateField and DateTimeLocalField too
            field.validators = [*field.validators, _supported_date]
        return field


class Form(wtforms.Form):
    """The base of forms without a CSRF token (query-string filters, rows inside a FieldList)."""

    Meta = _InputMeta


class FlaskForm(flask_wtf.FlaskForm):
    """The base of every posted form."""

    Meta = _InputMeta


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes: one tap each, no typing."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def field_errors(field: Field) -> list[str]:
    """A field's error list, to add to after validation (a list, which the stubs declare as a sequence)."""
    return cast(list[str], field.errors)


def optional_int(value: str | int | None) -> int | None:
    """Coerce a select's value: '' means no choice."""
    return None if value in (None, "") else int(value)


def apply_errors(
    form: BaseForm, fields: dict[str, Any], aliases: dict[str, str] | None = None, *, keep_own: bool = False
) -> None:
    """Show a service's ValidationError.fields ({"title": msg, "shifts.0.capacity": msg}) next to form fields.

    ``aliases`` renames service field names to form field names; names the form lacks become form errors,
    so the error summary still shows them. ``keep_own`` leaves a field that already has the form's own error
    (it could not be read, so the service saw it as missing) with that error only.
    """
    for path, message in fields.items():
        field = _resolve(form, path, aliases or {})
        if field is None:
            form.form_errors.append(str(message))
        elif keep_own and field.errors:
            continue
        else:
            field.errors = [*field.errors, str(message)]
    # A FieldList copies its rows' errors when validated; copy them again so form.errors sees the new ones.
    for field in form:
        if isinstance(field, FieldList) and any(entry.errors for entry in field.entries):
            field.errors = [entry.errors for entry in field.entries]


def _resolve(form: BaseForm, path: str, aliases: dict[str, str]) -> Field | None:
    node: BaseForm | Field | None = form
    for part in path.split("."):
        if isinstance(node, FieldList):
            index = int(part) if part.isdigit() else len(node.entries)
            node = node.entries[index] if index < len(node.entries) else None
        else:
            # A part after a plain field fails here as before: service field paths only go through forms and rows.
            container = cast(BaseForm, node.form if isinstance(node, FormField) else node)
            node = container._fields.get(aliases.get(part, part))
        if node is None:
            return None
    # node is a field: the loop ran at least once (split gives one part or more).
    return None if isinstance(node, FieldList | FormField | BaseForm) else node
