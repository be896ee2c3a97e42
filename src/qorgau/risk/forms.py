"""Input validation for risk work, shared by the screens and the API (one set of rules and
translated messages). Answers themselves are checked by the engine."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.accounts.models import Agency
from qorgau.core.i18n import pick
from qorgau.core.phones import PhoneError, normalize_phone
from qorgau.risk.engine import REASON_MAX_LENGTH
from qorgau.risk.levels import Answer, RiskLevel
from qorgau.risk.loader import available_instruments
from qorgau.risk.models import ConferenceAction, ConferenceReferral
from qorgau.risk.safety_plan import BAG_ITEMS, DIGITAL_STEPS, MAX_CONTACTS
from qorgau.risk.safety_plan import SafetyPlan as PlanDocument

LEVEL_CHOICES = [(level.key, level.label) for level in RiskLevel]
WORDS_MAX_LENGTH = 2000  # her words beside one answer
# Agencies that work on cases can take part in a conference; national bodies and the operator not.
CONFERENCE_KINDS = [
    k for k in Agency.Kind.values if k not in ("national_commission", "operator", "international")
]


def level_from_key(key: str) -> RiskLevel | None:
    return RiskLevel.from_key(key) if key else None


class JudgementFields(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=())
    judgement_level = forms.ChoiceField(
        label=_("Raise the level by professional judgement to"),
        required=False,
        choices=[("", _("No — keep the instrument's result")), *LEVEL_CHOICES],
        help_text=_(
            "Only above the instrument's result, with a written reason. The instrument's result is always kept."
        ),
    )
    judgement_reason = forms.CharField(
        label=_("Reason for your professional judgement"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.id, i.name()) for i in available_instruments()]

    def judgement(self) -> RiskLevel | None:
        return level_from_key(self.cleaned_data.get("judgement_level", ""))


class AssessmentForm(JudgementFields):
    """One radio group per question of the chosen instrument (yes, no, not known)."""

    def __init__(self, *args, instrument, prefill=None, **kwargs):
        """`prefill`: {item id: the incident that answers it}: such a question starts at "yes",
        marked so, unless the form is bound or resumed from a draft (`initial`)."""
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["instrument"].widget = forms.HiddenInput()
        self.fields["instrument"].initial = instrument.id
        self.items = []
        self.prefilled = {}
        for item in instrument.items:
            name = f"a_{item.id}"
            self.fields[name] = forms.ChoiceField(
                label=f"{item.number}. {item.label()}",
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question: yes, no or not known.")},
            )
            self.fields[f"w_{item.id}"] = forms.CharField(
                label=pick(item.hint) if item.hint else _("In her words (optional)"),
                required=False,
                max_length=WORDS_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            incident = (prefill or {}).get(item.id)
            if incident is not None and not self.is_bound and name not in self.initial:
                self.initial[name] = Answer.YES.value
                self.prefilled[name] = incident
            self.items.append((item, name))

    def item_fields(self):
        return [self[name] for _item, name in self.items]

    def questions(self):
        """(answer field, words field, the incident that pre-filled it or None) a question."""
        return [(self[name], self[f"w_{item.id}"], self.prefilled.get(name)) for item, name in self.items]

    @property
    def answered(self) -> int:
        if self.is_bound:
            return sum(1 for _item, name in self.items if self.data.get(name) in Answer.values)
        return sum(1 for _item, name in self.items if self.initial.get(name) in Answer.values)

    def answers(self) -> dict:
        return {item.id: self.cleaned_data.get(name, "") for item, name in self.items}

    def words(self) -> dict:
        return {item.id: self.cleaned_data.get(f"w_{item.id}", "") for item, _name in self.items}


# --- Safety plan -----------------------------------------------------------------------------------

LINE_SECTIONS = ("safe_places", "emergency_bag", "children", "digital_safety", "getting_help")
LINES_HELP = _("One entry a line.")


class SafetyPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    safe_places = forms.CharField(
        label=_("Safe places"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where she can go at once, day or night. One entry a line."),
    )
    code_word = forms.CharField(
        label=_("Code word"),
        required=False,
        max_length=300,
        help_text=_("A word or sign that tells a trusted person to call for help."),
    )
    bag_suggestions = forms.MultipleChoiceField(
        label=_("Documents and emergency bag"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(BAG_ITEMS.items()),
    )
    emergency_bag = forms.CharField(
        label=_("Other things to keep ready"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
    )
    children = forms.CharField(
        label=_("Children"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the children know to do, who may collect them. One entry a line."),
    )
    digital_steps = forms.MultipleChoiceField(
        label=_("Digital safety"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(DIGITAL_STEPS.items()),
    )
    digital_safety = forms.CharField(
        label=_("Other digital-safety steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
    )
    getting_help = forms.CharField(
        label=_("Getting help"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Whom to call and the route to a safe place. One entry a line."),
    )

    def __init__(self, *args, contact_rows: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # as many rows as were sent, so nothing typed is dropped
            sent = [k for k in self.data if k.startswith("contact_name_")]
            contact_rows = max(
                [contact_rows, *(int(k.rsplit("_", 1)[1]) + 1 for k in sent if k.rsplit("_", 1)[1].isdigit())]
            )
        self.contact_rows = min(contact_rows, MAX_CONTACTS)
        for n in range(self.contact_rows):
            number = {"n": n + 1}
            self.fields[f"contact_name_{n}"] = forms.CharField(
                label=_("Name (contact %(n)s)") % number, required=False, max_length=300
            )
            self.fields[f"contact_phone_{n}"] = forms.CharField(
                label=_("Phone (contact %(n)s)") % number,
                required=False,
                max_length=32,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )
            self.fields[f"contact_note_{n}"] = forms.CharField(
                label=_("Note (contact %(n)s)") % number, required=False, max_length=300
            )

    @classmethod
    def initial_for(cls, document: PlanDocument, version: int) -> dict:
        initial = {
            "version": version,
            "code_word": document.code_word,
            "bag_suggestions": list(document.bag_items),
            "digital_steps": list(document.digital_steps),
        }
        for name in LINE_SECTIONS:
            initial[name] = "\n".join(getattr(document, name))
        for n, contact in enumerate(document.trusted_contacts):
            initial.update(
                {
                    f"contact_name_{n}": contact.name,
                    f"contact_phone_{n}": contact.phone,
                    f"contact_note_{n}": contact.note,
                }
            )
        return initial

    def contact_rows_bound(self):
        return [
            (self[f"contact_name_{n}"], self[f"contact_phone_{n}"], self[f"contact_note_{n}"])
            for n in range(self.contact_rows)
        ]

    def clean(self):
        data = super().clean()
        contacts = []
        for n in range(self.contact_rows):
            name, phone, note = (
                data.get(f"contact_{part}_{n}", "").strip() for part in ("name", "phone", "note")
            )
            if not (name or phone or note):
                continue
            if not name:
                self.add_error(f"contact_name_{n}", _("Write the contact's name."))
            try:
                normalize_phone(phone)
            except PhoneError:
                self.add_error(f"contact_phone_{n}", _("This is not a valid phone number."))
            contacts.append({"name": name, "phone": phone, "note": note})
        if self.errors:
            return data
        plan = {name: data.get(name, "") for name in LINE_SECTIONS}
        plan.update(
            code_word=data.get("code_word", ""),
            trusted_contacts=contacts,
            bag_items=list(data.get("bag_suggestions", [])),
            digital_steps=list(data.get("digital_steps", [])),
        )
        try:
            self.plan = PlanDocument.from_dict(plan)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                target = "bag_suggestions" if name == "bag_items" else name
                self.add_error(target if target in self.fields else None, messages)
        return data


# --- Referral and conference -----------------------------------------------------------------------


class ReferralForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("Basis of the referral"), choices=ConferenceReferral.Basis.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why without her agreement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when she does not agree: why her life is at risk (at least 20 characters)."),
    )


class ConferenceForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(
        label=pgettext_lazy("venue", "Place"),
        required=False,
        max_length=200,
        help_text=_("A meeting room; never a shelter's address."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, region_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(
            region_id=region_id, is_active=True, kind__in=CONFERENCE_KINDS
        ).order_by("name_en")


class ConferenceEditForm(ConferenceForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AgendaAddForm(forms.Form):
    referral = forms.UUIDField(label=_("Referred case"))


class ContributionForm(forms.Form):
    body = forms.CharField(
        label=_("What your agency knows about this case"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Facts that matter for her safety: incidents, orders, contacts with him, "
            "children, what your agency can do."
        ),
    )
    share = forms.BooleanField(
        label=_(
            "My agency decides to share this with the participants of this conference, for this case only."
        ),
        error_messages={"required": _("Confirm the decision to share before you send.")},
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_agency = forms.ModelChoiceField(label=_("Owner agency"), queryset=Agency.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agency_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency_ids is not None:  # without them (the API schema), no agency can be chosen
            self.fields["owner_agency"].queryset = Agency.objects.filter(pk__in=list(agency_ids)).order_by(
                "name_en"
            )

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ConferenceAction.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SurvivorViewForm(forms.Form):
    text = forms.CharField(
        label=_("Her view"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What she fears, what she wants to happen, what she agrees to — in her words."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was discussed and decided for this case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
