"""Form pieces of the performance registers."""

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dimis.framework.forms import DimisModelForm
from dimis.framework.serializers import DimisModelSerializer

from . import periods
from .models import Period


class PeriodCodeField(forms.CharField):
    """A period typed as its code (2025, 2025S1, 2025Q2, 202506, 2021-2025), stored on first use:
    planners set targets for next year without creating its periods first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text",
            _("2025 (year), 2025S1 (half), 2025Q2 (quarter), 202506 (month), 2021-2025"),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Period):
            return value.code
        if isinstance(value, int):
            return Period.objects.filter(pk=value).values_list("code", flat=True).first()
        return value

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        try:
            periods.parse(code)
        except periods.PeriodCodeError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        return Period.objects.for_code(code)


class TargetFormBase(DimisModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = PeriodCodeField(label=self.fields["period"].label)


class PeriodCodeSerializerField(serializers.CharField):
    """The API names periods by their codes too."""

    def to_representation(self, value):
        return value.code

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            periods.parse(str(data))
        except periods.PeriodCodeError as error:
            raise serializers.ValidationError(str(error)) from error
        return Period.objects.for_code(str(data))


class TargetSerializerBase(DimisModelSerializer):
    period = PeriodCodeSerializerField(
        help_text=_("2025 (year), 2025S1 (half), 2025Q2 (quarter), 202506 (month), 2021-2025")
    )
