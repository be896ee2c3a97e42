"""Forms of court-imposed special requirements: the screens and the API validate with the same
ones. The agencies are picked with the directory's pickers (`directory.pickers`); the services
check them again and give the true reason for a refusal (a police agency to monitor)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.accounts.models import Agency
from qorgau.core.forms import DateInput
from qorgau.directory.pickers import AgencyChoiceField
from qorgau.directory.selectors import agency_choices
from qorgau.protection.forms import VersionForm, ViolationForm
from qorgau.protection.models import ProgrammeSession, RequirementCondition

# Agencies that usually run correction programmes, offered first in the picker.
PROGRAMME_KINDS = (
    Agency.Kind.PSYCHOLOGICAL,
    Agency.Kind.SOCIAL_SERVICES,
    Agency.Kind.FAMILY_SUPPORT_CENTRE,
    Agency.Kind.CRISIS_CENTRE,
    Agency.Kind.NGO,
    Agency.Kind.HEALTH,
)


def _months_help():
    return _("From %(min)s to %(max)s months.") % {
        "min": settings.QORGAU_REQUIREMENT_MIN_MONTHS,
        "max": settings.QORGAU_REQUIREMENT_MAX_MONTHS,
    }


class RequirementForm(forms.Form):
    # A perpetrator of this case: offered as a choice, checked by the service (one translated error).
    person = forms.CharField(
        label=_("The person they bind"), help_text=_("A perpetrator of this case."), widget=forms.Select
    )
    court = forms.CharField(label=_("Court"), max_length=200)
    decision_on = forms.DateField(label=_("Date of the court decision"), widget=DateInput())
    starts_on = forms.DateField(
        label=_("In force from"), required=False, widget=DateInput(), help_text=_("Empty: the decision date.")
    )
    # The configured range is checked by the service (the one translated message).
    months = forms.IntegerField(label=_("Period in months"))
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"),
        choices=RequirementCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conditions_text = forms.CharField(
        label=_("Further conditions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    monitoring_agency = AgencyChoiceField(label=_("Police agency that monitors them"))
    programme_agency = AgencyChoiceField(
        label=_("Agency that runs the correction programme"),
        required=False,
        help_text=_("Only with the correction programme."),
    )

    def __init__(self, *args, perpetrators=(), region_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.choices = [("", "—"), *perpetrators]
        self.fields["months"].help_text = _months_help()
        self.fields["monitoring_agency"].offer(
            lambda: agency_choices(kinds=[Agency.Kind.POLICE], region_id=region_id), region_id=region_id
        )
        self.fields["programme_agency"].offer(
            lambda: agency_choices(kinds=PROGRAMME_KINDS, region_id=region_id), region_id=region_id
        )


class RequirementEndForm(VersionForm):
    ended_on = forms.DateField(label=_("Date of the decision that lifts them"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RequirementBreachForm(ViolationForm):
    """The same fields as a breach of an order."""


class AttendanceForm(VersionForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("programme", "What happened"), choices=ProgrammeSession.Kind.choices
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())
