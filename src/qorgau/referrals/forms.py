from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.selectors import staff_choices
from qorgau.cases.models import Section
from qorgau.cases.selectors import case_staff_choices
from qorgau.core.forms import DateInput
from qorgau.directory.models import ServiceType
from qorgau.directory.pickers import AgencyChoiceField, PersonChoiceField
from qorgau.directory.selectors import agency_choices, service_types
from qorgau.referrals.machine import ACTIONS
from qorgau.referrals.models import PlanAction, WellbeingRating


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.filter(is_active=True))
    to_agency = AgencyChoiceField(
        label=_("Receiving agency"),
        help_text=_("Only agencies that provide the chosen service; her region first."),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Share only these parts of her case (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Section.choices,
        help_text=_(
            "Leave empty to share what the service needs. Her consent still decides what the agency can open."
        ),
    )
    note = forms.CharField(
        label=_("What is needed"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, holder=None, region_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_service = self._chosen_service()
        self.fields["to_agency"].offer(
            lambda: agency_choices(
                service=self.chosen_service,
                region_id=region_id,
                exclude_ids=[holder.pk if holder is not None else None],
            ),
            region_id=region_id,
        )

    def _chosen_service(self) -> ServiceType | None:
        code = self.data.get("service") if self.is_bound else self.initial.get("service")
        if not code or not isinstance(code, str) or len(code) > 40:
            return None
        return service_types().filter(pk=code).first()


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ServiceLogForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.filter(is_active=True))
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("What was done"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referral = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PlanActionForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=500)
    action = forms.CharField(label=_("Action"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    agency = AgencyChoiceField(label=_("Responsible agency"))
    person = PersonChoiceField(
        label=_("Responsible person (optional)"), required=False, queryset=staff_choices().none()
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)  # of the plan; 0: no plan yet

    def __init__(self, *args, case=None, region_id=None, agency_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # Agencies taking part in the case first, then the rest of her region, then others.
            taking_part = agency_ids or set()
            self.fields["agency"].offer(
                lambda: sorted(agency_choices(region_id=region_id), key=lambda a: a.pk not in taking_part)
            )
            self.fields["person"].queryset = case_staff_choices(case=case)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanAction.Status.choices)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PlanSubmitForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput())


class PlanReturnForm(forms.Form):
    """A supervisor's comments on a plan she sends back; the service says how long they must be."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("What should change"), max_length=2000, required=False, widget=forms.Textarea
    )


def scale_choices():
    top = settings.QORGAU_WELLBEING_SCALE_MAX
    return [(n, str(n)) for n in range(1, top + 1)]


class WellbeingForm(forms.Form):
    moment = forms.ChoiceField(label=_("When"), choices=WellbeingRating.Moment.choices)
    rated_on = forms.DateField(label=_("Date"), widget=DateInput())
    safety = forms.TypedChoiceField(
        label=_("How safe does she feel?"), coerce=int, choices=scale_choices, widget=forms.RadioSelect
    )
    wellbeing = forms.TypedChoiceField(
        label=_("How well does she feel?"), coerce=int, choices=scale_choices, widget=forms.RadioSelect
    )


class ClosureRequestForm(forms.Form):
    from qorgau.cases.models import CaseClosure

    reason = forms.ChoiceField(label=_("Reason"), choices=CaseClosure.Reason.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureDecisionForm(forms.Form):
    """A supervisor's answer to a closure request: approve it, or return it with comments."""

    approve = forms.ChoiceField(choices=[("1", _("Approve closure")), ("0", _("Return with comments"))])
    comment = forms.CharField(
        label=_("What should be done before closing"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the case reopened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
