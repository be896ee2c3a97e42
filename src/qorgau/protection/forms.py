"""Forms of legal protection: the screens and the API validate with the same ones."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.forms import DateInput, LanguageSelect
from qorgau.protection.models import Condition, Proceeding, ProtectiveOrder, Violation


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _moment_field(label, required=False, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z"],
        help_text=help_text,
    )


class OrderForm(forms.Form):
    # A perpetrator of this case: offered as a choice, checked by the service (one translated error).
    person = forms.CharField(
        label=_("The person it binds"), help_text=_("A perpetrator of this case."), widget=forms.Select
    )
    number = forms.CharField(label=_("Order number"), max_length=40)
    issuing_unit = forms.CharField(label=_("Issuing unit"), max_length=200)
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"), choices=Condition.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    approach_metres = forms.IntegerField(
        label=_("Distance in metres"), required=False, min_value=1, help_text=_("For “no approach”.")
    )
    conditions_text = forms.CharField(
        label=_("Further conditions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    issued_at = _moment_field(_("Issued at"), help_text=_("Empty: now."))
    starts_at = _moment_field(_("In force from"), help_text=_("Empty: when it is issued."))
    issue = forms.BooleanField(
        label=_("Issue it now (otherwise keep it as a draft)"), required=False, initial=True
    )

    def __init__(self, *args, perpetrators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.choices = [("", "—"), *perpetrators]


class OrderEditForm(OrderForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["issue"]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssueForm(VersionForm):
    issued_at = _moment_field(_("Issued at"), help_text=_("Empty: now."))
    starts_at = _moment_field(_("In force from"), help_text=_("Empty: when it is issued."))


class ServeForm(VersionForm):
    served_at = _moment_field(_("Served at"), required=True)
    served_how = forms.ChoiceField(label=_("How it was served"), choices=ProtectiveOrder.ServedHow.choices)


class ExtendForm(VersionForm):
    # The longest extension (QORGAU_PROTECTIVE_ORDER_MAX_EXTENSION_DAYS) is checked by the service.
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EndForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ViolationForm(forms.Form):
    occurred_at = _moment_field(_("When it happened"), required=True)
    description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_by = forms.ChoiceField(label=_("Who reported it"), choices=Violation.ReportedBy.choices)
    evidence_reference = forms.CharField(
        label=_("Evidence reference"),
        required=False,
        max_length=300,
        help_text=_("Where the evidence is: a report number, a photo in the evidence locker."),
    )


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("proceeding", "Kind"), choices=Proceeding.Kind.choices)
    registration_number = forms.CharField(label=_("Registration number"), max_length=60)
    articles = forms.CharField(
        label=_("Articles"),
        max_length=200,
        help_text=_("Numbers such as 73, 108-1 or 120.2, separated by commas."),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[c for c in Proceeding.Stage.choices if c[0] != Proceeding.Stage.CLOSED]
    )
    representative = forms.CharField(label=_("Her legal representative"), max_length=200, required=False)
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=50, required=False)
    accompaniment = forms.BooleanField(label=_("She is accompanied to court"), required=False)
    arrangements = forms.MultipleChoiceField(
        label=_("Protective arrangements at court"),
        choices=Proceeding.Arrangement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tell_how = forms.ChoiceField(
        label=_("How she wants to be told of each step"),
        choices=[("", "—"), *Proceeding.TellHow.choices],
        required=False,
    )
    tell_language = forms.ChoiceField(
        label=_("In which language"),
        choices=[("", "—"), ("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
        required=False,
        widget=LanguageSelect,  # each name in its own language, marked so (lang)
    )


class DecisionForm(VersionForm):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    stage = forms.ChoiceField(label=_("Stage"), choices=Proceeding.Stage.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Proceeding.Outcome.choices], required=False
    )
    text = forms.CharField(
        label=_("Decision"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    supervisor_reason = forms.CharField(
        label=_("Supervisor's decision to proceed"),
        max_length=2000,
        required=False,
        help_text=_("Only where the law does not allow reconciliation."),
    )
    told_her = forms.BooleanField(label=_("She has been told of this decision"), required=False)


class HearingForm(forms.Form):
    at = _moment_field(_("Date and time"), required=True)
    place = forms.CharField(label=_("Place"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), max_length=500, required=False)
