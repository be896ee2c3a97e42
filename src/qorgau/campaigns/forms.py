from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.campaigns.models import Campaign, Event, EventLanguage, Letter, Partner, TargetGroup
from qorgau.core.i18n import pick
from qorgau.core.models import Region

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _regions():
    return Region.objects.filter(is_active=True)


class CampaignForm(forms.ModelForm):
    coordinators = forms.ModelMultipleChoiceField(
        label=_("Coordinators"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name_kk",
            "name_ru",
            "name_en",
            "starts_on",
            "ends_on",
            "signatory_name_kk",
            "signatory_title_kk",
            "signatory_name_ru",
            "signatory_title_ru",
            "signatory_name_en",
            "signatory_title_en",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}
        help_texts = {
            "signatory_name_kk": _("Leave the signatory blank to use the platform's default signature."),
        }

    def __init__(self, *args, coordinator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinators"].queryset = coordinator_choices
        self.fields["coordinators"].label_from_instance = lambda u: f"{u.display_name} · {u.agency.name}"
        if self.instance.pk:
            self.fields["coordinators"].initial = list(self.instance.coordinators.all())
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):  # the service validates and saves; the form only parses
        pass


class EventForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None)
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    venue = forms.CharField(
        label=_("Venue"), max_length=300, required=False, help_text=_("Address and room.")
    )
    online_url = forms.CharField(
        label=_("Online link"),
        max_length=500,
        required=False,
        widget=forms.URLInput,
        help_text=_("For an online or hybrid event."),
    )
    moderator = forms.CharField(label=_("Moderator"), max_length=200, required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=EventLanguage.choices, widget=forms.CheckboxSelectMultiple
    )
    is_public = forms.BooleanField(
        label=_("Show on the public calendar once approved"),
        required=False,
        initial=True,
        help_text=_("Untick for closed events, e.g. training for police officers."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, campaigns, keep_campaign=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["region"].queryset = _regions()
        if keep_campaign:
            del self.fields["campaign"]  # past the draft stage an event stays in its campaign
        for name in ("contact_name", "contact_phone", "contact_email"):
            self.fields[name].help_text = _("Seen by coordinators only, never published.")


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Partner organisation"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Partner.Kind.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of organisation."))
        return data


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Speaker's name"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Position and organisation"), max_length=200, required=False)
    report_title = forms.CharField(label=_("Title of the report"), max_length=300, required=False)
    show_publicly = forms.BooleanField(
        label=_("The speaker agreed to have the name published"), required=False
    )


PartnerFormSet = forms.formset_factory(PartnerForm, extra=3, max_num=30, validate_max=True)
SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=3, max_num=50, validate_max=True)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Event.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=pgettext_lazy("remark", "Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    participants_total = forms.IntegerField(
        label=_("Participants in total"), min_value=1, max_value=1_000_000
    )
    key_messages = forms.CharField(label=_("Key messages"), max_length=4000, widget=forms.Textarea)
    recommendations = forms.CharField(
        label=_("Recommendations"), max_length=4000, required=False, widget=forms.Textarea
    )
    media_links = forms.CharField(
        label=_("Media links"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line: news, posts, videos about the event."),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to %(size)s MB each. Seen by staff only, never published."),
    )

    def __init__(self, *args, photo_limit_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = self.fields["photos"].help_text % {"size": photo_limit_mb}
        for value, label in TargetGroup.choices:
            self.fields[f"group_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=1_000_000, required=False
            )

    def text_fields(self):
        return [self[name] for name in ("key_messages", "recommendations", "media_links", "photos")]

    def group_fields(self):
        return [self[f"group_{value}"] for value in TargetGroup.values]

    def participants(self) -> dict:
        return {value: self.cleaned_data.get(f"group_{value}") for value in TargetGroup.values}

    def links(self) -> list[str]:
        return (self.cleaned_data.get("media_links") or "").splitlines()


class LetterIssueForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the letters"), choices=Letter.Language.choices)
    recipients = forms.MultipleChoiceField(
        label=_("Recipients from the event"), required=False, widget=forms.CheckboxSelectMultiple
    )
    others = forms.CharField(
        label=_("Active participants"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One full name per line, written as it should appear on the letter."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        role = Letter.RecipientRole
        self.organiser = event.organiser
        # key -> (name, role) of everyone the event record names
        self.people = {f"organiser:{event.organiser_id}": (event.organiser.name, role.ORGANISER)}
        if event.moderator:
            self.people["moderator"] = (event.moderator, role.MODERATOR)
        for speaker in event.speakers.all():
            self.people[f"speaker:{speaker.pk}"] = (speaker.name, role.SPEAKER)
        for partner in event.partners.all():
            self.people[f"partner:{partner.pk}"] = (partner.name, role.PARTNER)
        self.fields["recipients"].choices = [
            (key, f"{name} — {Letter.RecipientRole(r).label}") for key, (name, r) in self.people.items()
        ]

    def clean(self):
        data = super().clean()
        picked = set(data.get("recipients") or [])
        chosen = [person for key, person in self.people.items() if key in picked]  # in the page's order
        if chosen and chosen[0][1] == Letter.RecipientRole.ORGANISER and data.get("language"):
            # An agency is thanked under its name in the letter's language, not the page's.
            names = {code: getattr(self.organiser, f"name_{code}") for code in ("kk", "ru", "en")}
            chosen[0] = (pick(names, data["language"]), Letter.RecipientRole.ORGANISER)
        chosen += [
            (line, Letter.RecipientRole.PARTICIPANT) for line in (data.get("others") or "").splitlines()
        ]
        if not any(name.strip() for name, _role in chosen):
            raise ValidationError(_("Choose or type at least one recipient."))
        data["chosen"] = chosen
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is the letter revoked?"), max_length=500)


class EventFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Event.Status.choices], required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["region"].queryset = _regions()


class CalendarFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=_("All regions")
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Event.Kind.choices], required=False
    )
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "region": data["region"].pk if data.get("region") else "",
            "kind": data.get("kind") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("The code printed under the QR code, e.g. ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
