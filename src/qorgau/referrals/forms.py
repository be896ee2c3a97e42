from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Agency, User
from qorgau.cases.models import Section
from qorgau.core.forms import DateInput
from qorgau.directory.models import ServiceType
from qorgau.referrals.machine import ACTIONS
from qorgau.referrals.models import PlanAction, WellbeingRating


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.filter(is_active=True))
    to_agency = forms.ModelChoiceField(label=_("Receiving agency"), queryset=Agency.objects.filter(is_active=True))
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Share only these parts of her case (optional)"), required=False,
        widget=forms.CheckboxSelectMultiple, choices=Section.choices,
        help_text=_("Leave empty to share what the service needs. Her consent still decides what the agency "
                    "can open."),
    )
    note = forms.CharField(label=_("What is needed"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, holder=None, **kwargs):
        super().__init__(*args, **kwargs)
        if holder is not None:
            self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(pk=holder.pk) \
                .select_related("region").order_by("region__sort", "name_en")


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ServiceLogForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.filter(is_active=True))
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("What was done"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    referral = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PlanActionForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=500)
    action = forms.CharField(label=_("Action"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    agency = forms.ModelChoiceField(label=_("Responsible agency"), queryset=Agency.objects.filter(is_active=True))
    person = forms.ModelChoiceField(label=_("Responsible person (optional)"), required=False,
                                    queryset=User.objects.filter(is_active=True))
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanAction.Status.choices)


class PlanSubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False,
                                     widget=DateInput())


def scale_choices():
    top = settings.QORGAU_WELLBEING_SCALE_MAX
    return [(n, str(n)) for n in range(1, top + 1)]


class WellbeingForm(forms.Form):
    moment = forms.ChoiceField(label=_("When"), choices=WellbeingRating.Moment.choices)
    rated_on = forms.DateField(label=_("Date"), widget=DateInput())
    safety = forms.TypedChoiceField(label=_("How safe does she feel?"), coerce=int, choices=scale_choices,
                                    widget=forms.RadioSelect)
    wellbeing = forms.TypedChoiceField(label=_("How well does she feel?"), coerce=int, choices=scale_choices,
                                       widget=forms.RadioSelect)


class ClosureRequestForm(forms.Form):
    from qorgau.cases.models import CaseClosure

    reason = forms.ChoiceField(label=_("Reason"), choices=CaseClosure.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
