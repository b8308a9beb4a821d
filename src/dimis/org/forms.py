"""A new unit is placed in the tree when it is created, under a unit the user administers."""

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dimis.framework.access import today
from dimis.framework.forms import DimisModelForm
from dimis.framework.serializers import DimisModelSerializer

from .models import OrgUnit, UnitLink


def _place(unit, parent):
    if parent is not None:
        UnitLink.objects.create(
            child=unit,
            parent=parent,
            valid_from=unit.established or today(),
            classification=unit.classification,
        )


class OrgUnitFormBase(DimisModelForm):
    owner_fields = ("parent",)
    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        label=_("parent unit"),
        help_text=_("Where the new unit sits in the tree, from its establishment date (or today)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            del self.fields["parent"]  # moves are dated unit links, not an edit of the unit
        else:
            self.fields["parent"].required = not self.user.is_superuser
            if self.for_import:
                self.fields["parent"].to_field_name = "code"

    def save(self, commit=True):
        unit = super().save(commit=commit)
        if "parent" in self.fields:
            _place(unit, self.cleaned_data.get("parent"))
        return unit


class OrgUnitSerializerBase(DimisModelSerializer):
    owner_fields = ("parent",)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.none(),
        write_only=True,
        required=False,
        help_text=_("On creation: the unit the new unit sits under."),
    )

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None and attrs.get("parent") is None and not user.is_superuser:
            raise serializers.ValidationError(
                {"parent": _("Give the unit the new unit sits under.")}
            )
        if self.instance is not None:
            attrs.pop("parent", None)
        return super().validate(attrs)

    def create(self, validated_data):
        parent = validated_data.pop("parent", None)
        unit = super().create(validated_data)
        _place(unit, parent)
        return unit
