"""API serializers built from a model's declaration; related choices restricted like forms."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .choices import Classification
from .choices_for import is_owner_field, owner_units, visible
from .models import VersionedMixin


class DimisModelSerializer(serializers.ModelSerializer):
    display = serializers.SerializerMethodField()
    owner_fields: tuple[str, ...] = ()

    def get_display(self, obj) -> str:
        return str(obj)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        model = self.Meta.model
        adding = self.instance is None or isinstance(self.instance, list | models.QuerySet)
        for name, field in fields.items():
            if (
                isinstance(field, serializers.PrimaryKeyRelatedField)
                and not field.read_only
                and user is not None
            ):
                if is_owner_field(model, name) or name in self.owner_fields:
                    field.queryset = owner_units(model, user, "add" if adding else "change")
                else:
                    field.queryset = visible(field.queryset.model, user)
        if "version" in fields:
            fields["version"] = serializers.IntegerField(
                required=False,
                help_text=_(
                    "The version you read; required when you update, so no edit is silently lost."
                ),
            )
        return fields

    def validate_classification(self, value):
        user = self.context["request"].user
        if not user.is_superuser and value > user.clearance:
            raise serializers.ValidationError(
                _("Your clearance does not allow %(level)s.")
                % {"level": Classification(value).label}
            )
        return value

    def validate(self, attrs):
        model = self.Meta.model
        if (
            self.instance is not None
            and issubclass(model, VersionedMixin)
            and "version" not in attrs
        ):
            raise serializers.ValidationError(
                {"version": _("Give the version you read (field “version”).")}
            )
        candidate = self.instance if self.instance is not None else model()
        originals = {name: getattr(candidate, name, None) for name in attrs}
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        finally:
            if self.instance is not None:
                for name, value in originals.items():
                    setattr(candidate, name, value)
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return super().create(validated_data)


def build_serializer(config, base=None):
    model = config.model
    base = base or DimisModelSerializer
    fields = ["id", "display", *config.form_fields]
    fields += [n for n in base._declared_fields if n not in fields]
    if issubclass(model, VersionedMixin):
        fields.append("version")
    for extra in ("created", "last_updated"):
        if any(f.name == extra for f in model._meta.fields):
            fields.append(extra)
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": fields, "read_only_fields": ["created", "last_updated"]},
    )
    return type(f"{model.__name__}Serializer", (base,), {"Meta": meta})
