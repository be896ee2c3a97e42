from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.accounts.models import Agency
from qorgau.core.forms import mark_languages
from qorgau.core.models import Region
from qorgau.directory.models import SECTIONS, AgencyProfile, ServiceType
from qorgau.directory.services import MAX_BEDS, PROFILE_FIELDS

SECTION_LABELS = {
    "general": pgettext_lazy("service category", "General"),
    "health": pgettext_lazy("service category", "Health"),
    "legal": pgettext_lazy("service category", "Legal"),
    "psychological": pgettext_lazy("service category", "Psychological"),
    "safety": _("Safety"),
}


class SearchForm(forms.Form):
    """GET form: every filter optional, unknown values are field errors rather than a crash."""

    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(is_active=True),
        required=False,
        empty_label=_("All regions"),
    )
    service = forms.ChoiceField(label=_("Service"), required=False)
    free_beds = forms.BooleanField(label=_("Has free beds now"), required=False)
    accepts_children = forms.BooleanField(label=_("Accepts children"), required=False)
    accessible = forms.BooleanField(label=_("Step-free access"), required=False)
    accepts_disabilities = forms.BooleanField(label=_("Accepts people with disabilities"), required=False)
    case = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any service"))] + [(s.code, s.name) for s in services]

    def filters(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("case", None)
        region = data.pop("region")
        return {"region": region.code if region else None, **data, "service": data["service"] or None}


class CapacityForm(forms.Form):
    beds_free = forms.IntegerField(label=_("Free beds now"), min_value=0, max_value=MAX_BEDS)
    beds_total = forms.IntegerField(
        label=_("Beds in total"),
        min_value=0,
        max_value=MAX_BEDS,
        required=False,
        help_text=_("Change it only when the number of beds itself changes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beds_free"].widget.attrs.update(inputmode="numeric")
        self.fields["beds_total"].widget.attrs.update(inputmode="numeric")


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=AgencyProfile.Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered"), widget=forms.CheckboxSelectMultiple, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = AgencyProfile
        fields = list(PROFILE_FIELDS)
        widgets = {"address": forms.TextInput}
        help_texts = {
            "public_phone": _("For example +7 700 000 00 00."),
            "hours": _("For example: Mon–Fri 09:00–18:00."),
        }

    def __init__(self, *args, services, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.code, s.name) for s in services]
        self.fields["public_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["address"].max_length = 300
        if agency.kind == Agency.Kind.SHELTER:
            # Shown for clarity, but the service keeps it on whatever is posted.
            self.fields["address_confidential"].disabled = True
            self.fields["address_confidential"].help_text = _(
                "A shelter's address is always confidential: only staff who work on cases see it."
            )


class CatalogueForm(forms.ModelForm):
    shares_sections = forms.MultipleChoiceField(
        label=_("Case-note sections a referral shares"),
        choices=[(s, SECTION_LABELS[s]) for s in SECTIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    provider_kinds = forms.MultipleChoiceField(
        label=_("Agency types that provide it"),
        choices=Agency.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ServiceType
        fields = [
            "name_kk",
            "name_ru",
            "name_en",
            "description_kk",
            "description_ru",
            "description_en",
            "shares_sections",
            "deadline_hours",
            "urgent_deadline_hours",
            "provider_kinds",
            "sort",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_languages(self)
