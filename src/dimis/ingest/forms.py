"""The upload form and the correction form of each kind of proposal.

A correction form edits the proposal's values (its payload); every choice of a record offers only
what the user may see, and a new unit's parent only where the user may add units."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dimis.directives.models import Document, DocumentKind
from dimis.framework.choices import Classification
from dimis.framework.choices_for import owner_units, visible
from dimis.meetings.models import Meeting, MeetingKind
from dimis.org.models import OrgUnit, Person, Rank, UnitKind, UnitLink

from .access import planner_units
from .models import ProposalKind
from .sources import max_bytes


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Host unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The unit whose review queue receives the report."),
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, choices=Classification.choices, initial=0
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the file name or the first line."),
    )
    text = forms.CharField(
        label=_("Pasted text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        allow_empty_file=True,  # refused by the reader, with the file's name
        help_text=_(".txt, .html, .docx or .pdf"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.htm,.html,.docx,.pdf"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = planner_units(user).order_by("code")
        if not user.is_superuser:
            self.fields["classification"].choices = [
                (v, label) for v, label in Classification.choices if v <= user.clearance
            ]

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if text.strip() and upload:
            raise ValidationError(_("Paste the text or choose a file, not both."))
        if not text.strip() and not upload and not self.has_error("file"):
            raise ValidationError(_("Paste the report's text or choose its file."))
        if upload is not None and upload.size > max_bytes():
            self.add_error(
                "file",
                _("%(file)s: the file is %(size)s MB, more than the limit of %(limit)s MB")
                % {
                    "file": upload.name,
                    "size": f"{upload.size / 1048576:.1f}",
                    "limit": f"{max_bytes() / 1048576:.1f}",
                },
            )
        return cleaned


class CorrectionForm(forms.Form):
    """Base of the correction forms: initial values from the payload, values back to JSON."""

    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)
    # Field name -> how the record is kept in the payload: "pk" (default) or a field ("code").
    keys: dict[str, str] = {}

    def __init__(self, *args, user, proposal, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.proposal = user, proposal
        given = {k: v for k, v in proposal.payload.items() if v not in (None, "")}
        payload = {**(defaults or {}), **given}
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = visible(field.queryset.model, user)
            if isinstance(field, forms.DateField):
                field.widget = _date_input()
            if name in payload:
                self.initial.setdefault(name, payload[name])
        self.initial["version"] = proposal.version

    def units(self, name, required=False):
        """An OrgUnit choice over the units the user may see."""
        field = self.fields[name]
        field.queryset = OrgUnit.objects.all().restrict(self.user).order_by("code")
        field.required = required

    def payload(self) -> dict:
        values = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if isinstance(value, models.Model):
                value = getattr(value, self.keys.get(name, "pk"))
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            values[name] = value
        return values


class MeetingForm(CorrectionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(label=_("Date"))
    period_start = forms.DateField(label=_("Period under review from"), required=False)
    period_end = forms.DateField(label=_("Period under review to"), required=False)
    review_years = forms.IntegerField(
        label=_("Years under review"), required=False, min_value=1, max_value=50
    )
    host_unit = forms.ModelChoiceField(label=_("Host unit"), queryset=OrgUnit.objects.none())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    meeting = forms.ModelChoiceField(
        label=_("Or an existing meeting"), queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units("host_unit", required=True)


class PersonForm(CorrectionForm):
    person = forms.ModelChoiceField(
        label=_("Existing person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The person the report names, if DIMIS knows them."),
    )
    full_name = forms.CharField(
        label=_("Full name of a new person"),
        max_length=150,
        required=False,
        help_text=_("As in Vietnamese, with diacritics, e.g. Phạm Hoài Nam."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not (cleaned.get("full_name") or "").strip():
            raise ValidationError(_("Choose an existing person or give a new person's full name."))
        return cleaned


class RankForm(CorrectionForm):
    keys = {"rank": "code"}
    rank = forms.ModelChoiceField(
        label=_("Rank"), queryset=Rank.objects.none(), to_field_name="code"
    )
    since = forms.DateField(
        label=_("Since"), required=False, help_text=_("Empty: the date of the meeting.")
    )


class AppointmentForm(CorrectionForm):
    position = forms.CharField(label=_("Position"), max_length=200)
    position_en = forms.CharField(label=_("English position"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    valid_from = forms.DateField(
        label=_("From"), required=False, help_text=_("Empty: the date of the meeting.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units("unit", required=True)


class AttendeeForm(CorrectionForm):
    keys = {"rank": "code"}
    rank = forms.ModelChoiceField(
        label=_("Rank that day"), queryset=Rank.objects.none(), to_field_name="code", required=False
    )
    position = forms.CharField(label=_("Position that day"), max_length=300, required=False)
    role = forms.CharField(label=_("Role at the meeting"), max_length=100, required=False)


class OrganisationForm(CorrectionForm):
    unit = forms.ModelChoiceField(
        label=_("Existing unit"), queryset=OrgUnit.objects.none(), required=False
    )
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    name_en = forms.CharField(label=_("English name"), max_length=255, required=False)
    abbreviation = forms.CharField(label=_("Abbreviation"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units("unit")
        # A new unit is placed by the administrators of its parent.
        self.fields["parent"].queryset = owner_units(UnitLink, self.user).order_by("code")


class DocumentForm(CorrectionForm):
    document = forms.ModelChoiceField(
        label=_("Existing document"), queryset=Document.objects.none(), required=False
    )
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, required=False)
    issuer = forms.ModelChoiceField(
        label=_("Issuer"), queryset=OrgUnit.objects.none(), required=False
    )
    issue_date = forms.DateField(label=_("Issue date"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units("issuer")


class DirectiveForm(CorrectionForm):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit of the task"), queryset=OrgUnit.objects.none(), required=False
    )
    deadline = forms.DateField(
        label=_("Deadline of the task"),
        required=False,
        help_text=_("With a deadline the conclusion also becomes a task of the host unit."),
    )
    task_title = forms.CharField(label=_("Task title"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units("lead_unit")


FORMS = {
    ProposalKind.MEETING: MeetingForm,
    ProposalKind.PERSON: PersonForm,
    ProposalKind.RANK_CHANGE: RankForm,
    ProposalKind.APPOINTMENT: AppointmentForm,
    ProposalKind.ATTENDEE: AttendeeForm,
    ProposalKind.ORGANISATION: OrganisationForm,
    ProposalKind.DOCUMENT: DocumentForm,
    ProposalKind.DIRECTIVE: DirectiveForm,
}


def correction_form(proposal, user, data=None, defaults=None) -> CorrectionForm:
    # Several proposals' forms may be open on one page: their fields' ids differ.
    return FORMS[proposal.kind](
        data, user=user, proposal=proposal, defaults=defaults, auto_id=f"p{proposal.pk}_%s"
    )
