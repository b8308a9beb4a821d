"""Forms built from a model's declaration, with every choice restricted to what the user may use."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Classification
from .choices_for import is_owner_field, owner_units, visible
from .models import ConcurrentEditError, VersionedMixin


class DimisModelForm(forms.ModelForm):
    """Knows its user: foreign keys offer only visible rows, owner fields only writable units,
    classification only up to the user's clearance. A stale version is a form error.
    Extra ModelChoiceFields named in `owner_fields` offer only units the user may write under."""

    for_import = False
    owner_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        model = self._meta.model
        action = "add" if self.instance._state.adding else "change"
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                related = field.queryset.model
                if is_owner_field(model, name) or name in self.owner_fields:
                    field.queryset = owner_units(model, user, action)
                else:
                    field.queryset = visible(related, user)
            if name == "classification" and not user.is_superuser:
                field.choices = [
                    (v, label) for v, label in Classification.choices if v <= user.clearance
                ]
            if isinstance(field.widget, forms.DateInput):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            self.fields["version"].required = not self.instance._state.adding
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if "version" in self.fields and not self.instance._state.adding:
            self.instance.version = cleaned.get("version") or self.instance.version
        return cleaned

    def save(self, commit=True):
        try:
            return super().save(commit=commit)
        except ConcurrentEditError as error:
            self.add_error(None, error)
            raise


class NaturalKeyChoiceField(forms.ModelChoiceField):
    """A related record named by its code in an import file; the error names model, key and value."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise forms.ValidationError(
                _("No %(model)s with %(key)s “%(value)s” that you may use."),
                code="invalid_choice",
                params={
                    "model": self.queryset.model._meta.verbose_name,
                    "key": self.to_field_name,
                    "value": value,
                },
            ) from error


def build_form(config, for_import: bool = False, base=None):
    model = config.model
    fields = list(config.import_fields if for_import else config.form_fields)
    attrs = {"for_import": for_import}
    if issubclass(model, VersionedMixin) and not for_import:
        attrs["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput())
    if for_import:
        # Imports name related records by their code (natural key), not by database id.
        from .registry import registry

        for name in fields:
            f = model._meta.get_field(name)
            if isinstance(f, models.ForeignKey) and f.related_model in registry:
                key = registry.get(f.related_model).natural_key
                if key:
                    attrs[name] = NaturalKeyChoiceField(
                        queryset=f.related_model._default_manager.none(),
                        to_field_name=key,
                        required=not f.blank,
                        label=f.verbose_name,
                    )
    meta = type("Meta", (), {"model": model, "fields": fields})
    attrs["Meta"] = meta
    return type(f"{model.__name__}Form", (base or DimisModelForm,), attrs)
