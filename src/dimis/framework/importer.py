"""Bulk import: every row is validated by the model's own form; nothing is written unless all pass."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from .tabular import read_table


@dataclass
class ImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_names(fields) -> dict[str, str]:
    """Every way a column may be titled (field name, English or Vietnamese label) -> field name."""
    names = {}
    for name, form_field in fields.items():
        names[name.lower()] = name
        for language in ("en", "vi"):
            with override(language):
                names[str(form_field.label).strip().lower()] = name
    return names


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_rows(config, user, upload) -> ImportResult:
    result = ImportResult()
    header, rows = read_table(upload)
    form_class = config.import_form_class
    fields = form_class(user=user).fields
    names = _header_names(fields)
    columns = []
    for title in header:
        name = names.get(title.strip().lower())
        if name is None and title.strip():
            result.errors.append(
                _("Column “%(title)s” is not a field of %(model)s. Expected: %(expected)s.")
                % {
                    "title": title,
                    "model": config.model._meta.verbose_name,
                    "expected": ", ".join(config.import_fields),
                }
            )
        columns.append(name)
    missing = [n for n, f in fields.items() if f.required and n not in columns]
    for name in missing:
        result.errors.append(_("Required column “%(name)s” is missing.") % {"name": name})
    if result.errors:
        return result
    if not rows:
        result.errors.append(_("The file has a header but no rows."))
        return result

    with transaction.atomic():
        for number, cells in rows:
            data = {
                col: _cell_text(cells[i]) if i < len(cells) else ""
                for i, col in enumerate(columns)
                if col
            }
            form = form_class(data=data, user=user)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    where = (
                        _("column “%(name)s”") % {"name": name} if name != "__all__" else _("row")
                    )
                    for message in messages:
                        result.errors.append(
                            _("Row %(row)s, %(where)s: %(message)s")
                            % {"row": number, "where": where, "message": message}
                        )
                continue
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError as error:
                result.errors.append(
                    _("Row %(row)s: %(message)s") % {"row": number, "message": error}
                )
                continue
            result.created += 1
        if result.errors:
            result.created = 0
            transaction.set_rollback(True)
    return result
