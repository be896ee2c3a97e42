"""Writes of the data lifecycle: her erasure request decided and, where approved, carried out."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.cases.models import Case, Consent
from qorgau.cases.policies import access_changed
from qorgau.core.audit import audit_record
from qorgau.lifecycle import policies
from qorgau.lifecycle.models import AnonymisedCase, ErasureDecision
from qorgau.lifecycle.retention import case_anonymise

APPROVING = {ErasureDecision.Basis.CONSENT_WITHDRAWN, ErasureDecision.Basis.NO_LONGER_NEEDED}


@transaction.atomic
def erasure_decide(
    *, actor: User, case: Case, approved: bool, basis: str, requested_on: date
) -> ErasureDecision:
    """Record the decision on her request, by whom and on what basis. An approval anonymises the
    case now (as retention would), closes it, and withdraws her consent to statistics, so her
    incidents leave the next statistics rebuild and every release after it."""
    if not policies.can_decide_erasure(actor, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if basis not in ErasureDecision.Basis.values or (basis in APPROVING) != approved:
        raise ValidationError({"basis": _("Choose a basis that fits the decision.")})
    if requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("The date of her request cannot be in the future.")})
    if AnonymisedCase.objects.filter(case_id=case.pk).exists():
        raise ValidationError({"case": _("This case was already anonymised.")})
    now = timezone.now()
    decision = ErasureDecision.objects.create(
        case=case, requested_on=requested_on, approved=approved, basis=basis, decided_by=actor, decided_at=now
    )
    audit_record(
        actor=actor,
        action="erasure.decide",
        obj=decision,
        case_id=case.pk,
        detail={"approved": approved, "basis": basis},
    )
    if approved:
        Consent.objects.filter(
            case=case, purpose=Consent.Purpose.STATISTICS, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawn_by=actor)
        Case.objects.filter(pk=case.pk).update(
            status=Case.Status.CLOSED, closed_at=Coalesce("closed_at", now)
        )
        case_anonymise(case_id=case.pk, reason=AnonymisedCase.Reason.ERASURE, actor=actor)
        access_changed()
    return decision
