"""The safety plan: a structured document a caseworker writes with the survivor, and a discreet PDF.

The plan itself says what it is (the screens call its sections "Safe places", "Code word"...). The
PDF she may carry home does not: an abuser who finds it must see ordinary notes. Its title and
metadata say "Notes" in her language, its headings are plain words ("Places", "People", "Word"),
and it carries no name, no agency, no "Qorgau", no date and no word for violence or safety.

Stored as JSON (``SafetyPlan.to_dict()``) in an encrypted field of the model that will hold it: safe
places and contacts are among the most dangerous facts Qorgau keeps.
"""

from dataclasses import asdict, dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from qorgau.core.pdf import register_fonts
from qorgau.core.phones import PhoneError, format_phone, normalize_phone

MAX_LINES = 20
MAX_LINE_CHARS = 300
MAX_CONTACTS = 10


@dataclass(frozen=True)
class TrustedContact:
    name: str
    phone: str  # E.164; shown in international form
    note: str = ""


@dataclass(frozen=True)
class SafetyPlan:
    safe_places: tuple[str, ...] = ()
    trusted_contacts: tuple[TrustedContact, ...] = ()
    code_word: str = ""
    bag_items: tuple[str, ...] = ()  # codes of BAG_ITEMS she chose (printed in the PDF's language)
    emergency_bag: tuple[str, ...] = ()  # her own words: other documents and things to keep ready
    children: tuple[str, ...] = ()
    digital_safety: tuple[str, ...] = ()  # her own words about phone and internet
    digital_steps: tuple[str, ...] = ()  # codes of DIGITAL_STEPS she agreed to (in each printout's language)
    getting_help: tuple[str, ...] = ()  # the way to help: whom to call, the route to a safe place

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> "SafetyPlan":
        """A plan from form or API data. Raises ValidationError naming each bad field."""
        if not isinstance(data, dict):
            raise ValidationError(_("Send the plan as an object with its sections."))
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(data) - {name for name, *_titles in SECTIONS} - {"bag_items", "digital_steps"})
        if unknown:
            errors["non_field_errors"] = [
                _("Unknown sections: %(names)s") % {"names": ", ".join(map(str, unknown))}
            ]
        values: dict = {}
        for name in FIELDS:
            try:
                if name == "trusted_contacts":
                    values[name] = _contacts(data.get(name, []))
                elif name == "code_word":
                    values[name] = _line(data.get(name, ""))
                elif name == "bag_items":
                    values[name] = _codes(data.get(name, []))
                elif name == "digital_steps":
                    values[name] = _codes(data.get(name, []), DIGITAL_STEPS)
                else:
                    values[name] = _lines(data.get(name, []))
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    @property
    def bag_shown(self) -> list[str]:
        return bag_labels(self)

    @property
    def digital_shown(self) -> list[str]:
        return digital_labels(self)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIELDS)


# (field, title on screens, title in the discreet PDF)
SECTIONS = (
    ("safe_places", gettext_lazy("Safe places"), pgettext_lazy("discreet notes", "Places")),
    ("trusted_contacts", gettext_lazy("Trusted contacts"), pgettext_lazy("discreet notes", "People")),
    ("code_word", gettext_lazy("Code word"), pgettext_lazy("discreet notes", "Word")),
    (
        "emergency_bag",
        gettext_lazy("Documents and emergency bag"),
        pgettext_lazy("discreet notes", "To keep ready"),
    ),
    ("children", gettext_lazy("Children"), pgettext_lazy("discreet notes", "Children")),
    ("digital_safety", gettext_lazy("Digital safety"), pgettext_lazy("discreet notes", "Phone and internet")),
    ("getting_help", gettext_lazy("Getting help"), pgettext_lazy("discreet notes", "Numbers")),
)

FIELDS = (*(name for name, *_titles in SECTIONS), "bag_items", "digital_steps")

# What a caseworker can tick for the bag. The plan stores the code, never the words, so each
# printout names them in its own language; what she adds in her own words is kept as written.
BAG_ITEMS = {
    "identity_card": gettext_lazy("Identity card or passport"),
    "birth_certificates": gettext_lazy("Children's birth certificates"),
    "money": gettext_lazy("Money and bank cards"),
    "medicines": gettext_lazy("Medicines and prescriptions"),
    "keys": gettext_lazy("Spare keys"),
    "charger": gettext_lazy("Phone charger"),
    "document_copies": gettext_lazy("Copies of important documents"),
}
BAG_SUGGESTIONS = tuple(BAG_ITEMS.values())

# Digital-safety steps (technology-facilitated control: account takeover, spyware, trackers). The
# screen names each step plainly; the discreet PDF she may carry home uses the plain everyday
# words beside it, which say nothing about violence or spying to someone who finds the paper.
DIGITAL_STEPS = {
    "secure_accounts": gettext_lazy(
        "Secure her accounts: new passwords, two-step sign-in, sign out of every other device"
    ),
    "check_spyware": gettext_lazy(
        "Check her phone for spyware: unknown apps, apps with administrator rights, a changed cloud account"
    ),
    "location_sharing": gettext_lazy("Turn off location sharing and check who can see where she is"),
    "check_trackers": gettext_lazy("Check the car, bags and the children's things for GPS trackers and tags"),
    "safe_device": gettext_lazy("Use a safe device he has never had in his hands to contact help"),
    "keep_copies": gettext_lazy("Keep copies of messages and screenshots where he cannot reach them"),
}
DIGITAL_STEPS_DISCREET = {
    "secure_accounts": pgettext_lazy("discreet notes", "New passwords; sign out of other phones"),
    "check_spyware": pgettext_lazy("discreet notes", "Look through the apps on the phone"),
    "location_sharing": pgettext_lazy("discreet notes", "Location settings"),
    "check_trackers": pgettext_lazy("discreet notes", "Look through the bags and the car"),
    "safe_device": pgettext_lazy("discreet notes", "Use the other phone"),
    "keep_copies": pgettext_lazy("discreet notes", "Keep the copies somewhere else"),
}


def digital_labels(plan: "SafetyPlan", discreet: bool = False) -> list[str]:
    """Digital safety as shown in the active language: the agreed steps, then her own words."""
    texts = DIGITAL_STEPS_DISCREET if discreet else DIGITAL_STEPS
    return [str(texts[code]) for code in plan.digital_steps] + list(plan.digital_safety)


def bag_code_for(text: str) -> str | None:
    """The code of a suggestion written out in any of the three languages (older plans kept the words)."""
    wanted = " ".join(str(text).split()).casefold()
    for lang in ("en", "kk", "ru"):
        with translation.override(lang):
            for code, label in BAG_ITEMS.items():
                if str(label).casefold() == wanted:
                    return code
    return None


def bag_labels(plan: "SafetyPlan") -> list[str]:
    """The bag as shown in the active language: the ticked items, then her own words."""
    return [str(BAG_ITEMS[code]) for code in plan.bag_items] + list(plan.emergency_bag)


def safety_plan_pdf(plan: SafetyPlan, lang: str) -> bytes:
    """The discreet PDF of a plan in kk, ru or en (A5, fits a bag)."""
    regular, bold = register_fonts()
    with translation.override(lang):
        title = pgettext_lazy("discreet notes", "Notes")
        buffer = BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A5,
            leftMargin=14 * mm,
            rightMargin=14 * mm,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
            title=str(title),
            author="",
            subject="",
            creator="",
            keywords="",
            lang=lang,
            invariant=True,  # no creation time in the file: when it was printed is nobody's business
        )
        # The space between sections is the heading's own space before it, never a spacer after
        # the last line: a trailing spacer that does not fit is carried to a page of its own, and
        # she would print an empty second sheet. A heading stays with its first line.
        heading = ParagraphStyle(
            "h", fontName=bold, fontSize=12, leading=15, spaceBefore=6 + 2 * mm, spaceAfter=3, keepWithNext=1
        )
        body = ParagraphStyle("b", fontName=regular, fontSize=10.5, leading=14, leftIndent=4 * mm)
        story = [Paragraph(escape(str(title)), ParagraphStyle("t", parent=heading, fontSize=15, leading=19))]
        for name, _screen_title, pdf_title in SECTIONS:
            lines = _pdf_lines(plan, name)
            if not lines:
                continue
            story.append(Paragraph(escape(str(pdf_title)), heading))
            story.extend(Paragraph(escape(line), body) for line in lines)
        doc.build(story)
    return buffer.getvalue()


def _pdf_lines(plan: SafetyPlan, name: str) -> list[str]:
    value = getattr(plan, name)
    if name == "code_word":
        return [value] if value else []
    if name == "trusted_contacts":
        return [" — ".join(p for p in (c.name, format_phone(c.phone), c.note) if p) for c in value]
    if name == "emergency_bag":
        return bag_labels(plan)
    if name == "digital_safety":
        return digital_labels(plan, discreet=True)
    return list(value)


def _codes(value, known=None) -> tuple[str, ...]:
    known = BAG_ITEMS if known is None else known
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Choose items from the list."))
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValidationError(_("Unknown items: %(names)s") % {"names": ", ".join(unknown[:5])})
    return tuple(dict.fromkeys(value))


def _line(value) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Write text here."))
    value = " ".join(value.split())
    if len(value) > MAX_LINE_CHARS:
        raise ValidationError(_("Keep each line under %(max)s characters.") % {"max": MAX_LINE_CHARS})
    return value


def _lines(value) -> tuple[str, ...]:
    if isinstance(value, str):  # a textarea: one entry a line
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Write one entry a line."))
    lines = tuple(line for line in (_line(v) for v in value) if line)
    if len(lines) > MAX_LINES:
        raise ValidationError(_("Write at most %(max)s lines here.") % {"max": MAX_LINES})
    return lines


def _contacts(value) -> tuple[TrustedContact, ...]:
    if not isinstance(value, list | tuple):
        raise ValidationError(_("List each contact with a name and a phone number."))
    if len(value) > MAX_CONTACTS:
        raise ValidationError(_("Write at most %(max)s contacts.") % {"max": MAX_CONTACTS})
    contacts = []
    for n, entry in enumerate(value, start=1):
        if isinstance(entry, TrustedContact):
            entry = asdict(entry)
        if not isinstance(entry, dict) or set(entry) - {"name", "phone", "note"}:
            raise ValidationError(
                _("Contact %(n)s: give a name, a phone number and an optional note.") % {"n": n}
            )
        name, note = _line(entry.get("name", "")), _line(entry.get("note", ""))
        if not name:
            raise ValidationError(_("Contact %(n)s: write a name.") % {"n": n})
        try:
            phone = normalize_phone(entry.get("phone", ""))
        except PhoneError:
            raise ValidationError(_("Contact %(n)s: this is not a valid phone number.") % {"n": n}) from None
        contacts.append(TrustedContact(name, phone, note))
    return tuple(contacts)
