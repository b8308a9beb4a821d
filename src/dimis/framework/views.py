"""Generic views every registered model gets: list (filter, sort, paginate, columns, export),
detail with history, add/edit, delete and import. Every queryset passes through `restricted()`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from dimis.core.models import ChangeRecord

from .access import can
from .display import (
    HiddenRelated,
    display_value,
    export_value,
    field_label,
    link_for,
    restricted_label,
)
from .importer import import_rows
from .models import ConcurrentEditError
from .tabular import TableFileError, csv_stream, xlsx_bytes

PAGE_SIZES = (25, 50, 100, 250)


def cell(obj, name, hidden) -> tuple[str, str | None]:
    """(text, link) for a column, or "(restricted)" where it names a record the user may not see."""
    if hidden(obj, name):
        return restricted_label(), None
    return display_value(obj, name), link_for(obj, name)


class ObjectView(View):
    config = None
    action = "view"

    def restricted(self, action: str | None = None):
        """The only way these views reach rows: restricted to the user, deny by default."""
        qs = self.config.model.objects.all()
        if self.config.select_related:
            qs = qs.select_related(*self.config.select_related)
        if self.config.prefetch_related:
            qs = qs.prefetch_related(*self.config.prefetch_related)
        return qs.restrict(self.request.user, action or self.action)

    def rows(self, action: str | None = None):
        """`restricted()`, refused when a subclass forgot to restrict it: it shows nothing."""
        qs = self.restricted(action)
        return qs if getattr(qs, "is_restricted", False) else qs.none()

    def get_object(self, pk, action: str = "view"):
        obj = self.rows("view").filter(pk=pk).first()
        if obj is None:
            raise Http404(_("No such record, or you may not see it."))
        if action != "view" and not self.rows(action).filter(pk=pk).exists():
            raise PermissionDenied(_("You may see this record but not change it."))
        return obj

    def context(self, **extra):
        model = self.config.model
        return {
            "config": self.config,
            "model_name": model._meta.verbose_name,
            "model_name_plural": model._meta.verbose_name_plural,
            "can_add": can(self.request.user, model, "add"),
            "can_change": can(self.request.user, model, "change"),
            "can_delete": can(self.request.user, model, "delete"),
            **extra,
        }


class ObjectListView(ObjectView):
    template_name = "framework/object_list.html"
    # The table alone: included by the page, and the answer to an htmx request.
    table_template = "framework/_object_table.html"

    def columns(self, request) -> list[str]:
        available = self.available_columns()
        key = self.config.label
        prefs = (
            request.user.preferences.setdefault("columns", {})
            if hasattr(request.user, "preferences")
            else {}
        )
        if "columns" in request.GET:
            chosen = [c for c in request.GET.getlist("columns") if c in available] or list(
                self.config.columns
            )
            if prefs.get(key) != chosen:
                prefs[key] = chosen
                request.user.save(update_fields=["preferences"])
            return chosen
        return [c for c in prefs.get(key, self.config.columns) if c in available] or list(
            self.config.columns
        )

    def available_columns(self) -> list[str]:
        names = list(dict.fromkeys([*self.config.columns, *self.config.detail_fields]))
        return [n for n in names if not self.config.model._meta.get_field(n).many_to_many]

    def get(self, request):
        filterset = self.config.filterset_class(
            request.GET or None, queryset=self.rows(), request=request
        )
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            qs = qs.none()
        columns = self.columns(request)
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") in columns:
            qs = qs.order_by(sort, "pk")
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(qs, columns, export)
        try:
            per_page = int(request.GET.get("per_page", 25))
        except ValueError:
            per_page = 25
        per_page = per_page if per_page in PAGE_SIZES else 25
        page = Paginator(qs, per_page).get_page(request.GET.get("page"))
        objects = list(page.object_list)
        hidden = HiddenRelated(request.user, self.config.model, columns, objects)
        rows = [(obj, [cell(obj, c, hidden) for c in columns]) for obj in objects]
        query = request.GET.copy()
        query.pop("page", None)
        ctx = self.context(
            filterset=filterset,
            page=page,
            rows=rows,
            columns=[(c, field_label(self.config.model, c)) for c in columns],
            available_columns=[
                (c, field_label(self.config.model, c), c in columns)
                for c in self.available_columns()
            ],
            sort=sort,
            per_page=per_page,
            page_sizes=PAGE_SIZES,
            query=query.urlencode(),
            table_template=self.table_template,
        )
        template = self.table_template if request.headers.get("HX-Request") else self.template_name
        return render(request, template, ctx)

    def export_rows(self, qs, columns, chunk: int = 2000):
        """Rows for an export, streamed in chunks; hidden related records masked per chunk."""
        batch = []
        for obj in qs.iterator(chunk_size=chunk):
            batch.append(obj)
            if len(batch) == chunk:
                yield from self._masked_rows(batch, columns)
                batch = []
        yield from self._masked_rows(batch, columns)

    def _masked_rows(self, objects, columns):
        hidden = HiddenRelated(self.request.user, self.config.model, columns, objects)
        for obj in objects:
            yield [restricted_label() if hidden(obj, c) else export_value(obj, c) for c in columns]

    def export(self, qs, columns, fmt):
        model = self.config.model
        header = [field_label(model, c) for c in columns]
        rows = self.export_rows(qs, columns)
        filename = slugify(str(model._meta.verbose_name_plural)) or model._meta.model_name
        if fmt == "csv":
            response = StreamingHttpResponse(
                csv_stream(header, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return response
        response = HttpResponse(
            xlsx_bytes(str(model._meta.verbose_name_plural), header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response


class ObjectDetailView(ObjectView):
    template_name = "framework/object_detail.html"

    def get(self, request, pk):
        obj = self.get_object(pk)
        hidden = HiddenRelated(request.user, self.config.model, self.config.detail_fields, [obj])
        fields = [
            (field_label(self.config.model, n), *cell(obj, n, hidden))
            for n in self.config.detail_fields
        ]
        return render(
            request, self.template_name, self.context(object=obj, fields=fields, tab="details")
        )


class ObjectHistoryView(ObjectView):
    template_name = "framework/object_history.html"

    def get(self, request, pk):
        obj = self.get_object(pk)
        records = list(
            ChangeRecord.objects.filter(
                object_type=self.config.label, object_id=str(obj.pk)
            ).select_related("user")[:200]
        )
        names = related_names(self.config.model, request.user, records)
        changes = [
            (record, readable_changes(self.config.model, record, names)) for record in records
        ]
        return render(
            request, self.template_name, self.context(object=obj, changes=changes, tab="history")
        )


def readable_changes(model, record, names: dict) -> list[tuple]:
    """(label, before, after) with related ids shown as the records the user may see, choices as labels."""
    fields = {f.attname: f for f in model._meta.concrete_fields}

    def show(attname, value):
        field = fields.get(attname)
        if value is None or field is None:
            return value
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field.is_relation:
            return names.get((attname, value), f"#{value}")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    return [
        (str(fields[k].verbose_name) if k in fields else k, show(k, before), show(k, after))
        for k, before, after in record.changed_fields()
    ]


def related_names(model, user, records) -> dict:
    """{(attname, id): name} for the related records named in `records`: one query per foreign key."""
    from .choices_for import visible

    fields = {f.attname: f for f in model._meta.concrete_fields}
    wanted: dict[str, set] = {}
    for record in records:
        for attname, field in fields.items():
            if field.is_relation:
                for snapshot in (record.before or {}, record.after or {}):
                    if snapshot.get(attname) is not None:
                        wanted.setdefault(attname, set()).add(snapshot[attname])
    names = {}
    for attname, ids in wanted.items():
        related = fields[attname].related_model
        for row in visible(related, user).filter(pk__in=ids):
            names[(attname, row.pk)] = str(row)
    return names


class ObjectEditView(ObjectView):
    template_name = "framework/object_form.html"

    def get_form(self, request, obj):
        return self.config.form_class(
            data=request.POST if request.method == "POST" else None,
            files=request.FILES if request.method == "POST" else None,
            instance=obj,
            user=request.user,
        )

    def get_instance(self, pk):
        if pk is None:
            if not can(self.request.user, self.config.model, "add"):
                raise PermissionDenied(_("You may not add records of this kind."))
            return self.config.model()
        return self.get_object(pk, "change")

    def get(self, request, pk=None):
        obj = self.get_instance(pk)
        return render(
            request, self.template_name, self.context(object=obj, form=self.get_form(request, obj))
        )

    def post(self, request, pk=None):
        obj = self.get_instance(pk)
        form = self.get_form(request, obj)
        status = 200
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
            except ConcurrentEditError:
                status = 409
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": saved})
                return redirect(saved.get_absolute_url())
        else:
            status = 400
        return render(
            request, self.template_name, self.context(object=obj, form=form), status=status
        )


class ObjectDeleteView(ObjectView):
    template_name = "framework/object_confirm_delete.html"

    def get(self, request, pk):
        obj = self.get_object(pk, "delete")
        return render(request, self.template_name, self.context(object=obj))

    def post(self, request, pk):
        obj = self.get_object(pk, "delete")
        label = str(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            messages.error(
                request,
                _("%(object)s is still used by other records and cannot be deleted.")
                % {"object": label},
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Deleted %(object)s.") % {"object": label})
        return redirect(self.config.url("list"))


class ObjectImportView(ObjectView):
    template_name = "framework/object_import.html"
    action = "add"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, self.config.model, "add"):
            raise PermissionDenied(_("You may not add records of this kind."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, self.context(fields=self.import_columns()))

    def import_columns(self):
        form = self.config.import_form_class(user=self.request.user)
        return [(name, str(f.label), f.required) for name, f in form.fields.items()]

    def post(self, request):
        upload = request.FILES.get("file")
        errors = []
        if upload is None:
            errors = [_("Choose a CSV or XLSX file to import.")]
        else:
            try:
                result = import_rows(self.config, request.user, upload)
            except TableFileError as error:
                errors = [str(error)]
            else:
                if result.ok:
                    messages.success(
                        request, _("Imported %(count)s records.") % {"count": result.created}
                    )
                    return redirect(self.config.url("list"))
                errors = result.errors
        ctx = self.context(fields=self.import_columns(), errors=errors)
        return render(request, self.template_name, ctx, status=400)


class ObjectFileView(ObjectView):
    """Download a file attached to a record, only for users who may see the record."""

    def get(self, request, pk, field):
        obj = self.get_object(pk)
        try:
            model_field = self.config.model._meta.get_field(field)
        except Exception as error:
            raise Http404(_("No such file.")) from error
        if not isinstance(model_field, models.FileField):
            raise Http404(_("No such file."))
        attached = getattr(obj, field)
        if not attached:
            raise Http404(_("No such file."))
        try:
            handle = attached.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("The file is missing from storage.")) from error
        return FileResponse(handle, as_attachment=True, filename=attached.name.rsplit("/", 1)[-1])
