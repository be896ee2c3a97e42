"""The perpetrator signal in the risk instruments: when another case in the country names the same
man ("prior incidents known elsewhere", `selectors.perpetrator_links`), the instruments'
prior-violence question starts at "yes", marked as pre-filled, and she can change it. Registered
with `risk.selectors.register_prefill_source`; the risk app does not import protection."""

from django.utils.translation import gettext_lazy as _

from qorgau.cases.policies import case_access
from qorgau.core.audit import audit_record
from qorgau.people.models import Person
from qorgau.protection import policies

# The questions that ask about his violence beyond this relationship (risk/instruments/*):
# checklist-24's "Has the abuser hurt anyone else — children, relatives, a former partner?".
PRIOR_VIOLENCE_ITEMS = ("hurt_others",)


def prior_incidents_prefill(*, actor, case, item_ids) -> dict:
    from qorgau.protection.selectors import perpetrator_links
    from qorgau.risk.selectors import PrefillNote

    wanted = [item for item in PRIOR_VIOLENCE_ITEMS if item in item_ids]
    if not wanted:
        return {}
    if policies.perpetrator_signal_level(actor, case_access(actor, case)) == policies.SIGNAL_NONE:
        return {}
    known = any(
        perpetrator_links(person).other_case_ids
        for person in Person.objects.filter(case=case, role=Person.Role.PERPETRATOR)
        if person.iin or person.phones or person.birth_date
    )
    if not known:
        return {}
    audit_record(
        actor=actor,
        action="perpetrator_link.view",
        object_type="cases.case",
        object_id=str(case.pk),
        case_id=case.pk,
        purpose="risk_prefill",
        detail={"items": wanted},
    )
    note = _("Pre-filled: prior incidents by him are known elsewhere in Qorgau. Check it with her.")
    return {item: PrefillNote(str(note)) for item in wanted}
