"""Input for the locker, shared by the screens and the API."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from qorgau.cases.models import OnlineAccount, Section
from qorgau.evidence.models import TakedownRequest

PURPOSES = [
    ("court", _("For court")),
    ("investigation", _("For the investigation")),
    ("her_request", _("At her request")),
    ("review", _("Case review")),
]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ItemFields(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices, initial=Section.LEGAL)
    description = forms.CharField(
        label=_("What it shows"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FileMetaForm(ItemFields):
    """The fields sent with a file (the file itself is streamed by upload.EvidenceUploadHandler)."""

    captured_at = forms.DateTimeField(
        label=_("When it was taken (if known)"), required=False, widget=DateTimeLocalInput()
    )


class UrlForm(ItemFields):
    url = forms.URLField(label=_("Address (URL)"), max_length=2000, assume_scheme="https")
    observed_at = forms.DateTimeField(label=_("When the page was seen"), widget=DateTimeLocalInput())
    observed_by = forms.CharField(label=_("Who saw it"), max_length=200)


class MessageForm(ItemFields):
    message_text = forms.CharField(
        label=_("The message, as she showed it"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    message_sender = forms.CharField(label=_("Sender as shown"), max_length=200, required=False)
    captured_at = forms.DateTimeField(
        label=_("When it was sent (if known)"), required=False, widget=DateTimeLocalInput()
    )


class UploadLinkForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Section her files go to"), choices=Section.choices, initial=Section.LEGAL
    )
    max_files = forms.IntegerField(label=_("Files she may send"), min_value=1, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.QORGAU_EVIDENCE_UPLOAD_LINK_MAX_FILES
        self.fields["max_files"].max_value = most
        self.fields["max_files"].validators.append(MaxValueValidator(most))
        self.fields["max_files"].widget.attrs["max"] = most


class TakedownForm(forms.Form):
    item = forms.UUIDField(label=_("Item"))
    platform = forms.ChoiceField(label=_("Platform"), choices=OnlineAccount.Platform.choices)
    ask = forms.ChoiceField(label=_("What was asked"), choices=TakedownRequest.Ask.choices)
    sent_on = forms.DateField(label=_("Date sent"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=TakedownRequest.Status.choices, initial=TakedownRequest.Status.SENT
    )
    response_on = forms.DateField(
        label=_("Response date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TakedownUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TakedownRequest.Status.choices)
    response_on = forms.DateField(
        label=_("Response date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Why"), choices=PURPOSES)
