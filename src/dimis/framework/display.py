"""How a field of a record is shown in a list, a detail page and an export."""

import datetime

from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def raw_value(obj, name: str):
    value = obj
    for part in name.split("__"):
        if value is None:
            return None
        field = value._meta.get_field(part) if hasattr(value, "_meta") else None
        if field is not None and field.choices:
            value = getattr(value, f"get_{part}_display")()
        else:
            value = getattr(value, part)
    return value


def display_value(obj, name: str) -> str:
    value = raw_value(obj, name)
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1] if value else "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def link_for(obj, name: str) -> str | None:
    """The detail URL of a related record shown in this column, when it has a page."""
    from .registry import registry

    value = raw_value(obj, name)
    if isinstance(value, models.Model) and type(value) in registry:
        return registry.get(value).url("detail", value.pk)
    if isinstance(value, FieldFile) and value and type(obj) in registry:
        return reverse(f"{registry.get(obj).url_prefix}-file", args=[obj.pk, name])
    return None


def export_value(obj, name: str):
    """Native values for XLSX (dates stay dates), text for related records and choices."""
    value = raw_value(obj, name)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, list | dict):
        return str(value)
    if hasattr(value, "__html__") or (
        value is not None and not isinstance(value, int | float | str | datetime.date | bool)
    ):
        return str(value)
    return value


class HiddenRelated:
    """Related records named in a record's columns that the user may not see themselves.

    A visible appointment must not reveal a person the user has no grant on: such cells show
    "restricted" instead. One query per foreign-key column, whatever the number of rows."""

    def __init__(self, user, model, columns, objects):
        from .choices_for import visible

        self.hidden: dict[str, tuple[str, set]] = {}
        for name in columns:
            if "__" in name:
                continue
            field = model._meta.get_field(name)
            if not (field.is_relation and field.many_to_one):
                continue
            ids = {getattr(obj, field.attname) for obj in objects} - {None}
            if not ids:
                continue
            seen = set(
                visible(field.related_model, user).filter(pk__in=ids).values_list("pk", flat=True)
            )
            if ids - seen:
                self.hidden[name] = (field.attname, ids - seen)

    def __call__(self, obj, name) -> bool:
        entry = self.hidden.get(name)
        return entry is not None and getattr(obj, entry[0]) in entry[1]


def restricted_label() -> str:
    return _("(restricted)")
