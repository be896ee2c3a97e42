"""Input validation for cases, used by the HTML screens and by the API alike (one set of rules,
one set of translated messages)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import CASE_ROLES
from qorgau.accounts.selectors import staff_choices
from qorgau.cases.classification import QUESTIONS
from qorgau.cases.consent_scope import SCOPE_COUNTRY, SCOPE_HELP, SCOPE_REGION, scope_choices
from qorgau.cases.models import (
    Case,
    Consent,
    CyberSubtype,
    Incident,
    IncidentPerpetrator,
    OnlineAccount,
    Section,
)
from qorgau.core.forms import DateInput, TimeInput
from qorgau.core.i18n import LANGUAGE_NAMES
from qorgau.core.iin import IinError, iin_warnings, parse_iin
from qorgau.core.models import Region
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.directory.pickers import AgencyChoiceField
from qorgau.directory.selectors import agency_choices
from qorgau.people.models import Person

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNKNOWN = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
# Her language, named in the worker's language ("Kazakh", «казахский»).
LANGUAGE_CHOICES = [
    ("", _("Not asked")),
    *((c, LANGUAGE_NAMES[c]) for c, _n in settings.LANGUAGES),
    ("other", _("Other")),
]
REFERRAL_KINDS = [
    Agency.Kind.POLICE,
    Agency.Kind.HEALTH,
    Agency.Kind.LEGAL_AID,
    Agency.Kind.PSYCHOLOGICAL,
    Agency.Kind.SHELTER,
    Agency.Kind.SOCIAL_SERVICES,
    Agency.Kind.PROSECUTOR,
    Agency.Kind.CRISIS_CENTRE,
    Agency.Kind.FAMILY_SUPPORT_CENTRE,
    Agency.Kind.NGO,
    Agency.Kind.EDUCATION,
]


def clean_iin_text(raw: str) -> str:
    """An IIN with a valid check digit (both weight passes), or "" when none was given."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return parse_iin(raw).iin
    except IinError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


def _split_names(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]


def _not_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")
    return value


def clean_birth_year_value(value):
    """A year of birth between 1900 and this year: 2099 would read as an unborn child later on."""
    if value is not None and not 1900 <= value <= timezone.localdate().year:
        raise forms.ValidationError(
            _("The year of birth must be between 1900 and this year."), code="birth_year"
        )
    return value


class IdentityFields(forms.Form):
    """Who a person is. Names are kept exactly as typed, in any script."""

    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name or alias"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    other_names = forms.CharField(
        label=_("Other names or spellings"),
        max_length=300,
        required=False,
        help_text=_("Separate with commas, e.g. the name in Latin letters or a maiden name."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.FEMALE)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_year = forms.IntegerField(
        label=_("Year of birth, if the date is not known"), required=False, min_value=1900, max_value=2100
    )
    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=500, required=False)

    def clean_birth_date(self):
        value = _not_future(
            self.cleaned_data.get("birth_date"), _("The date of birth cannot be in the future.")
        )
        if value and value.year < 1900:
            raise forms.ValidationError(_("The date of birth must be between 1900 and today."), code="old")
        return value

    def clean_birth_year(self):
        return clean_birth_year_value(self.cleaned_data.get("birth_year"))

    def clean_iin(self):
        return clean_iin_text(self.cleaned_data.get("iin", ""))

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(exc.message, code="phone") from exc

    def identity(self) -> dict:
        """The cleaned identity as people.services expects it."""
        data = self.cleaned_data
        return {
            "family_name": data.get("family_name", ""),
            "given_name": data.get("given_name", ""),
            "patronymic": data.get("patronymic", ""),
            "other_names": _split_names(data.get("other_names", "")),
            "sex": data.get("sex") or Person.Sex.UNKNOWN,
            "birth_date": data.get("birth_date"),
            "birth_year": data.get("birth_year"),
            "iin": data.get("iin", ""),
            "phones": [data["phone"]] if data.get("phone") else [],
            "address": data.get("address", ""),
        }


class SurvivorForm(IdentityFields):
    """Intake step 1: who she is, how she came, how to reach her safely."""

    entry_point = forms.ChoiceField(label=_("How did she come to us?"), choices=Case.EntryPoint.choices)
    region = forms.ModelChoiceField(
        label=_("Region where she lives"), queryset=Region.objects.filter(is_active=True), required=False
    )
    disability = forms.ChoiceField(
        label=_("Disability"), choices=Person.Disability.choices, initial=Person.Disability.UNKNOWN
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=Person.Citizenship.choices, initial=Person.Citizenship.KAZAKHSTAN
    )
    preferred_language = forms.ChoiceField(
        label=_("Language she prefers"), choices=LANGUAGE_CHOICES, required=False
    )
    contact_channel = forms.ChoiceField(
        label=_("Safe way to contact her"), choices=Case.ContactChannel.choices
    )
    contact_times = forms.CharField(
        label=_("Safe times and instructions"),
        max_length=500,
        required=False,
        help_text=_("For example: weekdays 10:00–12:00 only; never leave a message."),
    )
    female_staff = forms.BooleanField(label=_("She prefers to talk to a woman"), required=False)
    interpreter = forms.BooleanField(label=_("She needs an interpreter"), required=False)
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=50, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Case.Priority.choices, initial=Case.Priority.NORMAL
    )
    # Shown only when the IIN disagrees with the date of birth or sex typed beside it.
    iin_confirmed = forms.BooleanField(
        label=_("The IIN is right as it is (she confirms it; numbers issued since 2013 may differ)"),
        required=False,
        widget=forms.HiddenInput,
    )

    field_order = [
        "entry_point",
        "given_name",
        "family_name",
        "patronymic",
        "other_names",
        "sex",
        "birth_date",
        "birth_year",
        "iin",
        "iin_confirmed",
        "phone",
        "address",
        "region",
        "disability",
        "citizenship",
        "preferred_language",
        "contact_channel",
        "contact_times",
        "female_staff",
        "interpreter",
        "interpreter_language",
        "priority",
    ]

    def clean(self):
        data = super().clean()
        if not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", _("Enter a name or an alias she chooses."))
        if data.get("interpreter") and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Which language does the interpreter need?"))
        self._check_iin_against_birth(data)
        return data

    def _check_iin_against_birth(self, data):
        """Here, at step 1, not once the case is open: an IIN whose date or sex differs from what
        was typed beside it is pointed out, and she confirms it or it is corrected."""
        from qorgau.people.services import WARNING_TEXT

        if not data.get("iin") or "iin" in self.errors or "birth_date" in self.errors:
            return
        sex = data.get("sex") if data.get("sex") in ("F", "M") else None
        codes = iin_warnings(parse_iin(data["iin"]), birth_date=data.get("birth_date"), sex=sex)
        if not codes:
            return
        self.fields["iin_confirmed"].widget = forms.CheckboxInput()
        if not data.get("iin_confirmed"):
            self.add_error("iin", [str(WARNING_TEXT[code]) for code in codes])

    def identity(self) -> dict:
        data = super().identity()
        data.update(
            region=self.cleaned_data.get("region"),
            disability=self.cleaned_data.get("disability") or Person.Disability.UNKNOWN,
            citizenship=self.cleaned_data.get("citizenship") or Person.Citizenship.UNKNOWN,
        )
        return data

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "entry_point": data["entry_point"],
            "priority": data["priority"],
            "preferred_language": data.get("preferred_language", ""),
            "contact_channel": data["contact_channel"],
            "contact_times": data.get("contact_times", ""),
            "female_staff": data.get("female_staff", False),
            "interpreter": data.get("interpreter", False),
            "interpreter_language": data.get("interpreter_language", ""),
        }


def cyber_subtype_choices():
    return [(s.code, s.label) for s in CyberSubtype.objects.filter(is_active=True)]


class CyberFields(forms.Form):
    """The kinds of cyber-violence and up to ACCOUNT_ROWS platform accounts (platform, handle or
    URL, whose account). A row is used when its handle is filled in."""

    ACCOUNT_ROWS = 2

    def add_cyber_fields(self):
        self.fields["cyber_subtypes"] = forms.MultipleChoiceField(
            label=_("Cyber-violence"),
            choices=cyber_subtype_choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for row in range(1, self.ACCOUNT_ROWS + 1):
            self.fields[f"account_{row}_platform"] = forms.ChoiceField(
                label=_("Platform"), choices=[("", "—"), *OnlineAccount.Platform.choices], required=False
            )
            self.fields[f"account_{row}_handle"] = forms.CharField(
                label=_("Handle or URL"), max_length=500, required=False
            )
            self.fields[f"account_{row}_owner"] = forms.ChoiceField(
                label=_("Whose account"), choices=[("", "—"), *OnlineAccount.Owner.choices], required=False
            )

    def cyber_names(self) -> str:
        rows = [
            f"account_{r}_platform account_{r}_handle account_{r}_owner"
            for r in range(1, self.ACCOUNT_ROWS + 1)
        ]
        return " ".join(rows)

    def clean_accounts(self, data):
        for row in range(1, self.ACCOUNT_ROWS + 1):
            handle = (data.get(f"account_{row}_handle") or "").strip()
            if not handle:
                continue
            if not data.get(f"account_{row}_platform"):
                self.add_error(f"account_{row}_platform", _("Choose a platform from the list."))
            if not data.get(f"account_{row}_owner"):
                self.add_error(f"account_{row}_owner", _("Say whose account it is."))

    def cyber(self) -> dict:
        data = self.cleaned_data
        accounts = []
        for row in range(1, self.ACCOUNT_ROWS + 1):
            handle = (data.get(f"account_{row}_handle") or "").strip()
            if handle:
                accounts.append(
                    {
                        "platform": data.get(f"account_{row}_platform"),
                        "handle": handle,
                        "owner": data.get(f"account_{row}_owner"),
                    }
                )
        return {"subtypes": list(data.get("cyber_subtypes") or []), "accounts": accounts}


class OnlineAccountForm(forms.Form):
    """One account in the API: {"platform", "handle", "owner"}."""

    platform = forms.ChoiceField(label=_("Platform"), choices=OnlineAccount.Platform.choices)
    handle = forms.CharField(label=_("Handle or URL"), max_length=500)
    owner = forms.ChoiceField(label=_("Whose account"), choices=OnlineAccount.Owner.choices)


class IncidentCyberForm(CyberFields):
    """The cyber-violence of a recorded incident, edited on its own (with its version)."""

    ACCOUNT_ROWS = 3
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_cyber_fields()

    def clean(self):
        data = super().clean()
        self.clean_accounts(data)
        return data


class IncidentForm(CyberFields):
    """Intake step 2: what happened. The type comes from the questions, asked in order."""

    occurred_on = forms.DateField(label=_("Date of the incident"), widget=DateInput())
    occurred_at_time = forms.TimeField(label=_("Time (if known)"), required=False, widget=TimeInput())
    date_is_approximate = forms.BooleanField(label=_("The date is approximate"), required=False)
    reported_on = forms.DateField(
        label=_("First reported on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if she reports it for the first time today."),
    )
    region = forms.ModelChoiceField(
        label=_("Region where it happened"), queryset=Region.objects.filter(is_active=True)
    )
    settlement = forms.CharField(label=_("Settlement or address"), max_length=200, required=False)
    place = forms.ChoiceField(
        label=_("Place"), choices=Incident.Place.choices, initial=Incident.Place.UNKNOWN
    )
    money_or_goods_exchanged = forms.BooleanField(
        label=_("Money, goods or other benefits were exchanged"), required=False
    )
    abduction = forms.BooleanField(label=_("She was abducted or held"), required=False)
    harmful_practice = forms.ChoiceField(
        label=_("Harmful traditional practice"),
        choices=Incident.HarmfulPractice.choices,
        initial=Incident.HarmfulPractice.NONE,
    )
    children_present = forms.ChoiceField(
        label=_("Were children present?"), choices=YES_NO_UNKNOWN, required=False
    )
    weapon = forms.ChoiceField(
        label=_("Weapon used or threatened"), choices=Incident.Weapon.choices, initial=Incident.Weapon.UNKNOWN
    )
    injuries = forms.ChoiceField(
        label=_("Injuries"), choices=Incident.Injuries.choices, initial=Incident.Injuries.UNKNOWN
    )
    perpetrator_relationship = forms.ChoiceField(
        label=_("Who did it — relationship to her"), choices=IncidentPerpetrator.Relationship.choices
    )
    perpetrator_family_name = forms.CharField(
        label=_("Perpetrator's family name"), max_length=100, required=False
    )
    perpetrator_given_name = forms.CharField(
        label=_("Perpetrator's given name"), max_length=100, required=False
    )
    perpetrator_sex = forms.ChoiceField(
        label=_("Perpetrator's sex"), choices=Person.Sex.choices, initial=Person.Sex.MALE
    )
    perpetrator_iin = forms.CharField(label=_("Perpetrator's IIN"), max_length=20, required=False)
    perpetrator_birth_year = forms.IntegerField(
        label=_("Perpetrator's year of birth"), required=False, min_value=1900, max_value=2100
    )

    def clean_perpetrator_birth_year(self):
        return clean_birth_year_value(self.cleaned_data.get("perpetrator_birth_year"))

    account = forms.CharField(
        label=_("Her account, in her words"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Recorded once and shared only as she agrees. She should not have to tell it again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The six GBVIMS questions, in their fixed order (the first "yes" decides the type).
        for field_name, _type, question in QUESTIONS:
            self.fields[field_name] = forms.ChoiceField(
                label=question, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
        self.add_cyber_fields()
        self.order_fields(
            [
                "occurred_on",
                "occurred_at_time",
                "date_is_approximate",
                "reported_on",
                "region",
                "settlement",
                "place",
                *[q[0] for q in QUESTIONS],
            ]
        )

    def clean_occurred_on(self):
        return _not_future(
            self.cleaned_data.get("occurred_on"), _("The incident date cannot be in the future.")
        )

    def clean_perpetrator_iin(self):
        return clean_iin_text(self.cleaned_data.get("perpetrator_iin", ""))

    def clean_reported_on(self):
        return _not_future(
            self.cleaned_data.get("reported_on"), _("The report date cannot be in the future.")
        )

    def clean(self):
        data = super().clean()
        occurred, reported = data.get("occurred_on"), data.get("reported_on")
        if occurred and reported and reported < occurred:
            self.add_error("reported_on", _("It cannot have been reported before it happened."))
        self.clean_accounts(data)
        return data

    def incident_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "occurred_on": data["occurred_on"],
            "occurred_at_time": data.get("occurred_at_time"),
            "date_is_approximate": data.get("date_is_approximate", False),
            "reported_on": data.get("reported_on") or timezone.localdate(),
            "region": data["region"],
            "settlement": data.get("settlement", ""),
            "place": data["place"],
            "money_or_goods_exchanged": data.get("money_or_goods_exchanged", False),
            "abduction": data.get("abduction", False),
            "harmful_practice": data["harmful_practice"],
            "children_present": {"yes": True, "no": False}.get(data.get("children_present") or ""),
            "weapon": data["weapon"],
            "injuries": data["injuries"],
        }
        for field_name, _type, _question in QUESTIONS:
            fields[field_name] = data.get(field_name) == "yes"
        return fields

    def perpetrator(self) -> tuple[str, dict]:
        data = self.cleaned_data
        return data["perpetrator_relationship"], {
            "family_name": data.get("perpetrator_family_name", ""),
            "given_name": data.get("perpetrator_given_name", ""),
            "sex": data.get("perpetrator_sex") or Person.Sex.UNKNOWN,
            "iin": data.get("perpetrator_iin", ""),
            "birth_year": data.get("perpetrator_birth_year"),
        }


def need_choices():
    from qorgau.directory.models import ServiceType

    return [(s.code, s.name) for s in ServiceType.objects.filter(is_active=True).order_by("sort")]


class NeedsField(forms.MultipleChoiceField):
    """The help she asks for, from the service catalogue (choices read when the form is built)."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("What help does she ask for?"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=need_choices,
            **kwargs,
        )


class NeedsForm(forms.Form):
    needs = NeedsField()


class ConsentChoicesForm(forms.Form):
    """Intake step 3: the help she asks for, and what she agrees to (turned into Consent records)."""

    needs = NeedsField()
    statistics = forms.BooleanField(
        label=_("Her case may be counted in anonymised national statistics"), required=False
    )
    referral_kinds = forms.MultipleChoiceField(
        label=_("She agrees to be referred to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, k.label) for k in REFERRAL_KINDS],
    )
    referral_scope = forms.ChoiceField(
        label=_("Which of those agencies"),
        required=False,
        widget=forms.RadioSelect,
        choices=scope_choices(None),
        help_text=SCOPE_HELP,
    )
    share_sections = forms.MultipleChoiceField(
        label=_("Those agencies may see these parts of her case"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Section.choices,
    )
    contact = forms.BooleanField(label=_("Those agencies may contact her directly"), required=False)
    method = forms.ChoiceField(label=_("How she gave consent"), choices=Consent.Method.choices)
    expires_on = forms.DateField(label=_("Consent ends on (optional)"), required=False, widget=DateInput())
    given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=Consent.GivenBy.choices, initial=Consent.GivenBy.SURVIVOR
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    best_interest_reason = forms.CharField(
        label=_("Reason for the best-interest decision"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, survivor_age=None, region_id=None, **kwargs):
        self.survivor_age = survivor_age
        super().__init__(*args, **kwargs)
        self.region_id = _scope_field(self.fields["referral_scope"], region_id)

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the past."), code="past")
        return value

    def clean(self):
        data = super().clean()
        if data.get("share_sections") and not data.get("referral_kinds"):
            self.add_error(
                "share_sections", _("Choose the agencies first: sections are shared only with them.")
            )
        data["recipient_region"] = _scoped_region(data.get("referral_scope"), self.region_id)
        check_consent_giver(self, data, self.survivor_age)
        return data


def _scope_field(field, region_id):
    """Offer her region (the default) or the whole country; returns the region it may name."""
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    field.choices = scope_choices(region.name if region else None)
    field.initial = SCOPE_REGION if region else SCOPE_COUNTRY
    return region.pk if region else None


def _scoped_region(scope, region_id):
    """No answer is her region: the narrower scope is the default, never the whole country."""
    return region_id if scope != SCOPE_COUNTRY else None


def check_consent_giver(form, data, survivor_age):
    """A child's consent comes from a guardian or is a recorded best-interest decision."""
    given_by = data.get("given_by")
    child = survivor_age is not None and survivor_age < 18
    if child and given_by == Consent.GivenBy.SURVIVOR:
        form.add_error(
            "given_by", _("She is under 18: record her guardian's consent or a best-interest decision.")
        )
    if given_by == Consent.GivenBy.BEST_INTEREST:
        if not child:
            form.add_error("given_by", _("A best-interest decision replaces consent only for a child."))
        if len((data.get("best_interest_reason") or "").strip()) < 10:
            form.add_error("best_interest_reason", _("Explain the best-interest decision."))
    if given_by == Consent.GivenBy.GUARDIAN and not (data.get("guardian_name") or data.get("guardian")):
        form.add_error(
            "guardian_name" if "guardian_name" in form.fields else "guardian",
            _("Name the guardian who gave consent."),
        )


class ConsentForm(forms.Form):
    """One consent record, on the case page and in the API."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    recipient_agency = AgencyChoiceField(label=_("Receiving agency"), required=False)
    recipient_kind = forms.ChoiceField(
        label=_("Or every agency of this type"),
        required=False,
        choices=[("", "—"), *[(k.value, k.label) for k in REFERRAL_KINDS]],
    )
    recipient_scope = forms.ChoiceField(
        label=_("Which of those agencies"),
        required=False,
        widget=forms.RadioSelect,
        choices=scope_choices(None),
        help_text=SCOPE_HELP,
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"), required=False, widget=forms.CheckboxSelectMultiple, choices=Section.choices
    )
    method = forms.ChoiceField(label=_("How she gave consent"), choices=Consent.Method.choices)
    given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=Consent.GivenBy.choices, initial=Consent.GivenBy.SURVIVOR
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    best_interest_reason = forms.CharField(
        label=_("Reason for the best-interest decision"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given_on = forms.DateField(label=_("Given on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Ends on (optional)"), required=False, widget=DateInput())

    def __init__(self, *args, survivor_age=None, holder_id=None, region_id=None, **kwargs):
        self.survivor_age = survivor_age
        super().__init__(*args, **kwargs)
        self.region_id = _scope_field(self.fields["recipient_scope"], region_id)
        self.fields["recipient_agency"].offer(
            lambda: agency_choices(kinds=REFERRAL_KINDS, region_id=region_id, exclude_ids=[holder_id]),
            region_id=region_id,
        )

    def clean_given_on(self):
        return _not_future(self.cleaned_data.get("given_on"), _("Consent cannot be dated in the future."))

    def clean(self):
        data = super().clean()
        purpose = data.get("purpose")
        has_agency, has_kind = bool(data.get("recipient_agency")), bool(data.get("recipient_kind"))
        if purpose in (Consent.Purpose.REFERRAL, Consent.Purpose.SHARE, Consent.Purpose.CONTACT):
            if has_agency == has_kind:
                self.add_error("recipient_agency", _("Choose one receiving agency or one type of agency."))
        elif has_agency or has_kind:
            self.add_error("recipient_agency", _("Statistics consent has no receiving agency."))
        data["recipient_region"] = (
            _scoped_region(data.get("recipient_scope"), self.region_id) if has_kind else None
        )
        if purpose == Consent.Purpose.SHARE and not data.get("sections"):
            self.add_error("sections", _("Choose the sections she agrees to share."))
        given_on, expires_on = data.get("given_on") or timezone.localdate(), data.get("expires_on")
        if expires_on and expires_on < max(given_on, timezone.localdate()):
            self.add_error("expires_on", _("The end date must be today or later."))
        check_consent_giver(self, data, self.survivor_age)
        return data


class ConsentApiForm(ConsentForm):
    """A consent as the API takes it, with the same scope as the form: to a type of agency,
    `recipient_scope` "region" (her region, the default when it is known) or "country" (anywhere
    in Kazakhstan); or `recipient_region` naming her region's code. Another region, or "region"
    when hers is not known, is refused with the reason: a consent never silently widens."""

    recipient_region = forms.CharField(
        label=_("Her region's code (instead of “region”)"),
        required=False,
        max_length=8,
        help_text=_("Only her own region can be named; any other region is refused."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = self.fields["recipient_scope"]
        # Both answers are documented whatever the case; clean() says when "region" cannot apply.
        scope.choices = [
            (SCOPE_REGION, _("Only in her region")),
            (SCOPE_COUNTRY, _("Anywhere in Kazakhstan")),
        ]
        scope.help_text = _(
            "“region”: only agencies of that type in her region (the default when her region is "
            "known); “country”: anywhere in Kazakhstan (for the police, any police department in "
            "Kazakhstan could receive her referral)."
        )
        scope.error_messages["invalid_choice"] = _(
            "Choose “region” (only her region) or “country” (anywhere in Kazakhstan)."
        )

    def clean(self):
        named = (self.cleaned_data.get("recipient_region") or "").strip()
        scope = self.cleaned_data.get("recipient_scope") or ""
        data = super().clean()  # sets recipient_region from the scope, as the form does
        if not data.get("recipient_kind"):
            if named:
                self.add_error("recipient_region", _("A region applies only to consent to a type of agency."))
            return data
        here = Region.objects.filter(pk=self.region_id).first() if self.region_id else None
        if named:
            if not Region.objects.filter(pk=named).exists():
                self.add_error(
                    "recipient_region", _("There is no region with the code “%(code)s”.") % {"code": named}
                )
            elif scope == SCOPE_COUNTRY:
                self.add_error("recipient_region", _("Name a region or choose “country”, not both."))
            elif here is None:
                self.add_error(
                    "recipient_region",
                    _("Her region is not known: choose “country”, or record where she lives first."),
                )
            elif named != here.pk:
                self.add_error(
                    "recipient_region",
                    _("Only her own region (%(code)s, %(region)s) or the whole country can be chosen.")
                    % {"code": here.pk, "region": here.name},
                )
            else:
                data["recipient_region"] = here.pk
        elif scope == SCOPE_REGION and here is None:
            self.add_error(
                "recipient_scope",
                _("Her region is not known: choose “country”, or record where she lives first."),
            )
        return data


class NoteForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    body = forms.CharField(label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class CaseUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    needs = NeedsField()
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in Case.Status.choices if c[0] != "closed"]
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)
    assigned_to = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=staff_choices(roles=CASE_ROLES).none(), required=False
    )
    preferred_language = forms.ChoiceField(
        label=_("Language she prefers"), choices=LANGUAGE_CHOICES, required=False
    )
    contact_channel = forms.ChoiceField(
        label=_("Safe way to contact her"), choices=Case.ContactChannel.choices
    )
    contact_times = forms.CharField(label=_("Safe times and instructions"), max_length=500, required=False)
    female_staff = forms.BooleanField(label=_("She prefers to talk to a woman"), required=False)
    interpreter = forms.BooleanField(label=_("She needs an interpreter"), required=False)
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=50, required=False)

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["assigned_to"].queryset = staff_choices(agency=agency, roles=CASE_ROLES)


class PersonForm(IdentityFields):
    """Another person in the case: a perpetrator, a child, a witness, a guardian."""

    role = forms.ChoiceField(
        label=_("Role in the case"),
        choices=[(r, label) for r, label in Person.Role.choices if r != Person.Role.SURVIVOR],
    )

    field_order = [
        "role",
        "given_name",
        "family_name",
        "patronymic",
        "other_names",
        "sex",
        "birth_date",
        "birth_year",
        "iin",
        "phone",
        "address",
    ]

    def clean(self):
        data = super().clean()
        if not (data.get("given_name") or data.get("family_name") or data.get("iin")):
            self.add_error("given_name", _("Enter a name, an alias or an IIN."))
        return data


class PersonEditForm(IdentityFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EmergencyGrantForm(forms.Form):
    agency = AgencyChoiceField(label=_("Agency that needs access"))
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        widget=forms.CheckboxSelectMultiple,
        choices=Section.choices,
        initial=list(Section.values),
    )
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1, max_value=168, initial=72)
    reason = forms.CharField(
        label=_("Why her life is at risk and access cannot wait for consent"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, holder_id=None, region_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].offer(
            lambda: agency_choices(region_id=region_id, exclude_ids=[holder_id]), region_id=region_id
        )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The reviewer found the grant unjustified (or no longer needed): the access ends with it.
    end_access = forms.BooleanField(required=False)


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need access?"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Case number, IIN, phone or name"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Case.Status.choices]
    )
    mine = forms.BooleanField(label=_("Only my cases"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from qorgau.cases.extensions import LIST_COLUMNS

        sorts = [("", _("Newest first")), ("opened", _("Oldest first")), ("number", _("Case number"))]
        for column in LIST_COLUMNS.values():  # e.g. the risk level and the next assessment due
            sorts.append((column.key, column.label))
            self.fields[f"f_{column.key}"] = forms.ChoiceField(
                label=column.label,
                required=False,
                choices=[("", _("Any")), *((code, label) for code, label, _q in column.filters)],
            )
        self.fields["sort"].choices = sorts

    def list_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {name[2:]: value for name, value in data.items() if name.startswith("f_") and value}
