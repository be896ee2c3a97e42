"""What a consent's recipient means, in words a worker reads at the moment of consent and of
referral: "every police-type agency" silently covered every police department in the country."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.accounts.models import Agency

# The choice offered beside a type of agency; her region is the default.
SCOPE_REGION, SCOPE_COUNTRY = "region", "country"


def scope_choices(region_name: str | None):
    if not region_name:
        return [(SCOPE_COUNTRY, gettext_lazy("Anywhere in Kazakhstan"))]
    return [
        (SCOPE_REGION, _("Only in her region (%(region)s)") % {"region": region_name}),
        (SCOPE_COUNTRY, gettext_lazy("Anywhere in Kazakhstan")),
    ]


SCOPE_HELP = gettext_lazy(
    "“Anywhere in Kazakhstan” means any agency of that type in the country: for the police, any "
    "police department in Kazakhstan could receive her referral."
)


def consent_recipient_text(consent) -> str:
    if consent.recipient_agency_id:
        return consent.recipient_agency.name
    if not consent.recipient_kind:
        return "—"
    kind = str(dict(Agency.Kind.choices).get(consent.recipient_kind, consent.recipient_kind))
    if consent.recipient_region_id:
        return _("any agency of the type “%(kind)s” in %(region)s") % {
            "kind": kind,
            "region": consent.recipient_region.name,
        }
    return _("any agency of the type “%(kind)s” anywhere in Kazakhstan") % {"kind": kind}
