from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import Region
from qorgau.directory.selectors import service_types
from qorgau.portal.models import ContactRequest
from qorgau.portal.services import contact_clean

C = ContactRequest


class ContactForm(forms.Form):
    """The fewest fields that let a worker reach her safely. Lengths are bounded here and again by
    the model, so an over-long field is a calm field error, never a crash."""

    alias = forms.CharField(
        label=_("Your first name or any name we should use (optional)"), max_length=60, required=False
    )
    region = forms.ModelChoiceField(
        label=_("Where are you?"),
        queryset=Region.objects.filter(is_active=True),
        empty_label=_("Choose a region"),
    )
    help_needed = forms.MultipleChoiceField(
        label=_("What help do you need?"), choices=C.Help.choices, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.ChoiceField(
        label=_("How can we contact you safely?"), choices=C.Channel.choices, widget=forms.RadioSelect
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail"), max_length=254, help_text=_("For example +7 700 000 00 00.")
    )
    safe_time = forms.ChoiceField(
        label=_("When is it safe?"),
        choices=C.SafeTime.choices,
        widget=forms.RadioSelect,
        initial=C.SafeTime.ANY,
    )
    may_leave_message = forms.BooleanField(
        label=_("It is safe to leave a message or to say who is calling"), required=False
    )
    message = forms.CharField(
        label=_("Anything else we should know (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # A honeypot: invisible to people (hidden by CSS, skipped by keyboard and screen readers),
    # filled in by form-filling robots.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The keyboard follows the chosen channel (portal.js): digits for a phone, e-mail keys for an
        # address. Without a choice, or without script, the ordinary keyboard.
        self.fields["contact"].widget.attrs.update(autocomplete="off", **{"data-contact-input": ""})
        self.fields["channel"].widget.attrs.update(**{"data-contact-channel": ""})
        self.fields["alias"].widget.attrs.update(autocomplete="off")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean(self):
        """Her contact is checked against the channel she chose here, with the other fields, so
        every mistake shows in one round rather than the contact's only after the rest is right."""
        data = super().clean()
        channel, contact = data.get("channel"), data.get("contact")
        if channel and contact is not None and "contact" not in self.errors:
            try:
                data["contact"] = contact_clean(channel, contact)
            except ValidationError as exc:
                self.add_error("contact", exc.message_dict["contact"])
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class PublicSearchForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.filter(is_active=True), empty_label=_("Choose a region")
    )
    service = forms.ChoiceField(label=_("Kind of help"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any kind of help"))] + [
            (s.code, s.name) for s in service_types()
        ]
