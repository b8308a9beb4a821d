"""The review report form: which unit's subtree, which period, what kind, which language."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dimis.meetings.models import Meeting
from dimis.org.models import OrgUnit
from dimis.performance import periods

from .scope import PERIOD_TYPE, ReportKind, kind_for_meeting, period_code_for

EXAMPLES = {
    ReportKind.SIX_MONTH: "2025S1",
    ReportKind.ANNUAL: "2025",
    ReportKind.MULTI_YEAR: "2021-2025",
}


class ReviewReportForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Unit and everything under it"),
        error_messages={
            "invalid_choice": gettext_lazy("Choose a unit within your grants."),
            "required": gettext_lazy("Choose the unit the report covers."),
        },
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=20,
        help_text=gettext_lazy("2025S1 (half-year), 2025 (year) or 2021-2025 (several years)."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of review"),
        choices=ReportKind.choices,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose the kind of review: six-month, annual or multi-year."
            )
        },
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"), choices=settings.LANGUAGES
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": gettext_lazy("No such meeting, or you may not see it.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.all().restrict(user).order_by("code")
        self.fields["meeting"].queryset = Meeting.objects.all().restrict(user)

    @classmethod
    def initial_for(cls, user, meeting=None, language="vi") -> dict:
        """A meeting's report by default: its host unit, its kind, its period under review."""
        if meeting is None:
            return {"unit": OrgUnit.objects.all().restrict(user).highest(), "language": language}
        kind = kind_for_meeting(meeting) or ReportKind.SIX_MONTH
        return {
            "unit": meeting.host_unit_id,
            "kind": kind,
            "period": period_code_for(kind, meeting.period_start, meeting.period_end),
            "language": language,
            "meeting": meeting.pk,
        }

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"]).code
        except periods.PeriodCodeError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), data.get("period")
        if kind and code and periods.parse(code).period_type != PERIOD_TYPE[kind]:
            self.add_error(
                "period",
                _("A %(kind)s covers a period written like %(example)s.")
                % {"kind": ReportKind(kind).label.lower(), "example": EXAMPLES[kind]},
            )
        return data
