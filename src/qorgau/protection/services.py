"""Every write of legal protection: protective orders and their recorded steps, breaches, and
the expiry job. Each function checks the policy, validates, writes, adds the case timeline entry
(codes only) and the audit event in one transaction. Updates take the version the caller saw
(`expected_version`): a second officer acting on an order someone just changed gets a Conflict."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.accounts.models import User
from qorgau.accounts.roles import Role
from qorgau.cases.models import Case, Section
from qorgau.cases.policies import agency_of, case_access
from qorgau.cases.services import _event, case_qs_select_for_update, locked_in_case
from qorgau.core.audit import audit_record
from qorgau.core.errors import Conflict
from qorgau.notifications.services import notify
from qorgau.people.models import Person
from qorgau.protection import policies
from qorgau.protection.models import (
    IN_FORCE,
    Condition,
    Decision,
    Hearing,
    OrderState,
    OrderStep,
    Proceeding,
    ProtectiveOrder,
    Violation,
)

# A clock a few minutes fast on the officer's phone is not "in the future".
CLOCK_SLACK = timedelta(minutes=5)
MAX_APPROACH_METRES = 5000
MIN_REASON = 10
# The most an order may start after it was issued (his release from custody, a later hour).
MAX_START_DELAY = timedelta(days=30)


def protective_order_qs_select_for_update() -> QuerySet[ProtectiveOrder]:
    return ProtectiveOrder.objects.select_for_update(of=("self",)).select_related("person", "issuing_agency")


def _lock_case(case: Case) -> Case:
    return case_qs_select_for_update().get(pk=case.pk)


def _locked_order(actor: User, case: Case, order_id, expected_version: int) -> ProtectiveOrder:
    """The case, then the order inside it, locked; 404 when the actor may not see it, 403 when
    she may see but not act on it, Conflict when it changed since she read it."""
    access = case_access(actor, case)
    if not policies.sees_orders(access):
        raise Http404
    case = _lock_case(case)
    order = locked_in_case(protective_order_qs_select_for_update(), case, order_id)
    if not policies.can_manage_order(actor, order, access):
        raise PermissionDenied
    if order.version != expected_version:
        raise Conflict
    return order


def _moment(value, field: str, *, now, not_before=None, before_text=""):
    if value is None:
        raise ValidationError({field: _("Give the date and time.")})
    if value > now + CLOCK_SLACK:
        raise ValidationError({field: _("This date and time is in the future.")})
    if not_before is not None and value < not_before:
        raise ValidationError({field: before_text})
    return value


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise ValidationError({field: _("Write the reason in a sentence or two.")})
    return text


def _perpetrator(case: Case, person_id) -> Person:
    try:
        return Person.objects.get(pk=person_id, case=case, role=Person.Role.PERPETRATOR)
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError):
        raise ValidationError(
            {"person": _("Choose a perpetrator of this case: an order binds only a perpetrator named in it.")}
        ) from None


def _clean_terms(*, conditions, approach_metres, conditions_text) -> tuple[list, int | None, str]:
    conditions = list(dict.fromkeys(conditions or []))
    unknown = [c for c in conditions if c not in Condition.values]
    if unknown:
        raise ValidationError({"conditions": _("Choose the conditions from the list.")})
    text = (conditions_text or "").strip()
    if not conditions and not text:
        raise ValidationError({"conditions": _("Choose at least one condition, or write one.")})
    if Condition.NO_APPROACH in conditions:
        if approach_metres is None or not 1 <= approach_metres <= MAX_APPROACH_METRES:
            raise ValidationError(
                {
                    "approach_metres": _("Give the distance in metres, from 1 to %(max)s.")
                    % {"max": MAX_APPROACH_METRES}
                }
            )
    else:
        approach_metres = None
    return conditions, approach_metres, text


def _issue_times(issued_at, starts_at, now):
    issued_at = _moment(issued_at or now, "issued_at", now=now)
    starts_at = starts_at or issued_at
    if starts_at < issued_at:
        raise ValidationError({"starts_at": _("An order cannot be in force before it was issued.")})
    if starts_at > issued_at + MAX_START_DELAY:
        raise ValidationError(
            {
                "starts_at": _("An order must come into force within %(days)s days of its issue.")
                % {"days": 30}
            }
        )
    return issued_at, starts_at


def _number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Give the order's number.")})
    return number


def _unique_number(agency, number: str, exclude=None) -> None:
    taken = ProtectiveOrder.objects.filter(issuing_agency=agency, number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"number": _("Your agency already has an order with this number.")})


@transaction.atomic
def protective_order_create(
    *,
    actor: User,
    case: Case,
    person_id,
    number: str,
    issuing_unit: str,
    conditions,
    approach_metres: int | None = None,
    conditions_text: str = "",
    issue: bool = True,
    issued_at=None,
    starts_at=None,
) -> ProtectiveOrder:
    """A police officer records an order on a case she works on: issued now (or at the time
    given), or kept as a draft to issue later."""
    access = case_access(actor, case)
    if not access.can_view:
        raise Http404
    if not policies.can_issue(actor, case, access):
        raise PermissionDenied
    case = _lock_case(case)
    now = timezone.now()
    person = _perpetrator(case, person_id)
    number = _number(number)
    unit = (issuing_unit or "").strip()
    if not unit:
        raise ValidationError({"issuing_unit": _("Name the issuing unit.")})
    conditions, approach_metres, text = _clean_terms(
        conditions=conditions, approach_metres=approach_metres, conditions_text=conditions_text
    )
    agency = agency_of(actor)
    _unique_number(agency, number)
    order = ProtectiveOrder(
        case=case,
        person=person,
        number=number,
        issuing_agency=agency,
        issuing_unit=unit,
        duration_days=settings.QORGAU_PROTECTIVE_ORDER_DAYS,
        conditions=conditions,
        approach_metres=approach_metres,
        conditions_text=text,
        created_by=actor,
    )
    if issue:
        order.issued_at, order.starts_at = _issue_times(issued_at, starts_at, now)
        order.expires_at = order.compute_expiry()
    order.save()
    _event(
        case,
        "protective_order_issued" if issue else "protective_order_drafted",
        actor,
        section=Section.SAFETY,
    )
    audit_record(
        actor=actor,
        action="protective_order.create",
        obj=order,
        case_id=case.pk,
        detail={"issued": issue, "conditions": conditions},
    )
    return order


@transaction.atomic
def protective_order_update(
    *, actor: User, case: Case, order_id, expected_version: int, changes: dict
) -> ProtectiveOrder:
    """Correct an order before it is served (number, unit, the person, the conditions, its
    times). After service nothing changes except through the recorded steps."""
    order = _locked_order(actor, case, order_id, expected_version)
    if order.served_at is not None:
        raise ValidationError(
            _("This order has been served: it can only be extended or ended early, with a reason.")
        )
    if order.state_at() in (OrderState.ENDED, OrderState.EXPIRED):
        raise ValidationError(_("This order is no longer in force and cannot be changed."))
    allowed = {"person_id", "number", "issuing_unit", "conditions", "approach_metres", "conditions_text"}
    allowed |= {"issued_at", "starts_at"} if order.issued_at else set()
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This cannot be changed here.")})
    if "person_id" in changes:
        order.person = _perpetrator(order.case, changes["person_id"])
    if "number" in changes:
        order.number = _number(changes["number"])
        _unique_number(order.issuing_agency, order.number, exclude=order)
    if "issuing_unit" in changes:
        order.issuing_unit = (changes["issuing_unit"] or "").strip()
        if not order.issuing_unit:
            raise ValidationError({"issuing_unit": _("Name the issuing unit.")})
    order.conditions, order.approach_metres, order.conditions_text = _clean_terms(
        conditions=changes.get("conditions", order.conditions),
        approach_metres=changes.get("approach_metres", order.approach_metres),
        conditions_text=changes.get("conditions_text", order.conditions_text),
    )
    if order.issued_at and ({"issued_at", "starts_at"} & set(changes)):
        order.issued_at, order.starts_at = _issue_times(
            changes.get("issued_at", order.issued_at), changes.get("starts_at"), timezone.now()
        )
        order.expires_at = order.compute_expiry()
    order.version += 1
    order.save()
    _event(order.case, "protective_order_corrected", actor, section=Section.SAFETY)
    audit_record(
        actor=actor,
        action="protective_order.update",
        obj=order,
        case_id=order.case_id,
        detail={"fields": sorted(changes)},
    )
    return order


@transaction.atomic
def protective_order_issue(
    *, actor: User, case: Case, order_id, expected_version: int, issued_at=None, starts_at=None
) -> ProtectiveOrder:
    order = _locked_order(actor, case, order_id, expected_version)
    if order.issued_at is not None:
        raise ValidationError(_("This order has already been issued."))
    order.issued_at, order.starts_at = _issue_times(issued_at, starts_at, timezone.now())
    order.duration_days = settings.QORGAU_PROTECTIVE_ORDER_DAYS
    order.expires_at = order.compute_expiry()
    order.version += 1
    order.save()
    _event(order.case, "protective_order_issued", actor, section=Section.SAFETY)
    audit_record(actor=actor, action="protective_order.issue", obj=order, case_id=order.case_id)
    return order


@transaction.atomic
def protective_order_serve(
    *, actor: User, case: Case, order_id, expected_version: int, served_at, served_how: str
) -> ProtectiveOrder:
    order = _locked_order(actor, case, order_id, expected_version)
    now = timezone.now()
    if order.issued_at is None:
        raise ValidationError(_("Issue the order before serving it."))
    if order.served_at is not None:
        raise ValidationError(_("This order has already been served."))
    if order.state_at(now) in (OrderState.ENDED, OrderState.EXPIRED):
        raise ValidationError(_("This order is no longer in force and cannot be served."))
    if served_how not in ProtectiveOrder.ServedHow.values:
        raise ValidationError({"served_how": _("Choose how the order was served.")})
    if served_at is not None and order.issued_at - timedelta(minutes=1) < served_at < order.issued_at:
        served_at = order.issued_at  # a form's minute, in the same minute as the issue
    served_at = _moment(
        served_at,
        "served_at",
        now=now,
        not_before=order.issued_at,
        before_text=_("An order cannot be served before it was issued."),
    )
    order.served_at, order.served_how, order.served_by = served_at, served_how, actor
    order.version += 1
    order.save()
    _event(order.case, "protective_order_served", actor, section=Section.SAFETY, served_how=served_how)
    audit_record(
        actor=actor,
        action="protective_order.serve",
        obj=order,
        case_id=order.case_id,
        detail={"how": served_how},
    )
    return order


@transaction.atomic
def protective_order_extend(
    *, actor: User, case: Case, order_id, expected_version: int, days: int, reason: str
) -> ProtectiveOrder:
    order = _locked_order(actor, case, order_id, expected_version)
    if order.served_at is None or order.state_at() not in IN_FORCE | {OrderState.SERVED}:
        raise ValidationError(_("Only a served order that is still in force can be extended."))
    longest = settings.QORGAU_PROTECTIVE_ORDER_MAX_EXTENSION_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= longest:
        raise ValidationError({"days": _("Extend it by 1 to %(max)s days.") % {"max": longest}})
    reason = _reason(reason)
    OrderStep.objects.create(
        order=order, kind=OrderStep.Kind.EXTEND, days=days, reason=reason, by=actor, agency=agency_of(actor)
    )
    order.extended_days += days
    order.expires_at = order.compute_expiry()
    order.expiry_notified_at = None  # a new expiry date: one new alert before it
    order.version += 1
    order.save()
    _event(order.case, "protective_order_extended", actor, section=Section.SAFETY, days=days)
    audit_record(
        actor=actor, action="protective_order.extend", obj=order, case_id=order.case_id, detail={"days": days}
    )
    return order


@transaction.atomic
def protective_order_end(
    *, actor: User, case: Case, order_id, expected_version: int, reason: str
) -> ProtectiveOrder:
    order = _locked_order(actor, case, order_id, expected_version)
    if order.issued_at is None or order.state_at() in (OrderState.ENDED, OrderState.EXPIRED):
        raise ValidationError(_("Only an issued order that is still in force can be ended early."))
    reason = _reason(reason)
    now = timezone.now()
    OrderStep.objects.create(
        order=order, kind=OrderStep.Kind.END, reason=reason, by=actor, agency=agency_of(actor)
    )
    order.ended_at = now
    order.version += 1
    order.save()
    _event(order.case, "protective_order_ended", actor, section=Section.SAFETY)
    audit_record(actor=actor, action="protective_order.end", obj=order, case_id=order.case_id)
    return order


# --- Breaches ----------------------------------------------------------------------------------------


def _police_of(agency_id) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, agency_id=agency_id, role_links__role__in=[Role.POLICE_OFFICER, Role.SUPERVISOR]
        ).distinct()
    )


def _caseworker_or_supervisors(case: Case) -> list[User]:
    if case.assigned_to_id and case.assigned_to.is_active:
        return [case.assigned_to]
    return list(
        User.objects.filter(
            is_active=True, agency_id=case.holding_agency_id, role_links__role=Role.SUPERVISOR
        ).distinct()
    )


@transaction.atomic
def violation_record(
    *,
    actor: User,
    case: Case,
    order_id,
    occurred_at,
    description: str,
    reported_by: str,
    evidence_reference: str = "",
) -> Violation:
    """A breach of an order in force: recorded, the risk re-assessment due now, the police of the
    issuing agency and the caseworker told. The conference proposal counts it from then on."""
    access = case_access(actor, case)
    if not policies.sees_orders(access):
        raise Http404
    case = _lock_case(case)
    order = locked_in_case(protective_order_qs_select_for_update(), case, order_id)
    if not policies.can_record_violation(actor, order, access):
        raise PermissionDenied
    now = timezone.now()
    occurred_at = _moment(occurred_at, "occurred_at", now=now)
    if not order.in_force_at(occurred_at):
        raise ValidationError(
            {"occurred_at": _("The order was not in force at that time (not yet served, expired or ended).")}
        )
    fields = breach_fields(
        actor, occurred_at=occurred_at, description=description, reported_by=reported_by,
        evidence_reference=evidence_reference,
    )  # fmt: skip
    violation = Violation.objects.create(order=order, case=case, **fields)
    order.version += 1
    order.save(update_fields=["version"])
    _event(case, "protective_order_breached", actor, section=Section.SAFETY, reported_by=reported_by)
    audit_record(
        actor=actor,
        action="order_violation.create",
        obj=violation,
        case_id=case.pk,
        detail={"order": str(order.pk), "reported_by": reported_by},
    )
    breach_follow_up(
        actor=actor,
        case=case,
        police_agency_id=order.issuing_agency_id,
        reason="order_breached",
        kind="protection_order_breached",
        params={"order": order.number},
        dedupe_key=f"order-breach:{violation.pk}",
    )
    return violation


def breach_fields(
    actor: User, *, occurred_at, description: str, reported_by: str, evidence_reference: str
) -> dict:
    """The checked fields of a breach record, of an order or of court requirements alike."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what happened.")})
    if reported_by not in Violation.ReportedBy.values:
        raise ValidationError({"reported_by": _("Choose who reported it.")})
    return {
        "occurred_at": occurred_at,
        "description": description,
        "reported_by": reported_by,
        "evidence_reference": (evidence_reference or "").strip(),
        "recorded_by": actor,
        "agency": agency_of(actor),
    }


def breach_follow_up(
    *, actor: User, case: Case, police_agency_id, reason: str, kind: str, params: dict, dedupe_key: str
) -> None:
    """What every breach brings, of an order or of court requirements (inside the caller's
    transaction, after its policy check): the case's risk re-assessment due now, and the police of
    the agency that issued or monitors it and the caseworker told. The risk conference proposal
    reads the breach dates through `risk.selectors.register_breach_source`."""
    from qorgau.risk.services import reassessment_bring_forward

    reassessment_bring_forward(case=case, at=timezone.now(), reason=reason)
    notify(
        users=[
            u for u in _police_of(police_agency_id) + _caseworker_or_supervisors(case) if u.pk != actor.pk
        ],
        kind=kind,
        url=f"/cases/{case.pk}/#protection",
        params={"number": case.number, **params},
        dedupe_key=dedupe_key,
    )


# --- The expiry job ----------------------------------------------------------------------------------


def orders_expiry_notify(*, now=None, batch: int = 500) -> int:
    """Tell the issuing unit (its police officers and supervisors) and the caseworker, once per
    expiry date, that a served order ends within QORGAU_PROTECTIVE_ORDER_ALERT_DAYS. Safe to run
    twice or in two workers: rows already told are skipped (and locked rows left to the other),
    and each notification's dedupe key holds the order and its expiry date."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS)
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                ProtectiveOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    served_at__isnull=False,
                    ended_at__isnull=True,
                    expiry_notified_at__isnull=True,
                    expires_at__gt=now,
                    expires_at__lte=horizon,
                )
                .select_related("case", "case__assigned_to")
                .order_by("expires_at")[:batch]
            )
            if not due:
                break
            for order in due:
                case = order.case
                sent += len(
                    notify(
                        users=_police_of(order.issuing_agency_id) + _caseworker_or_supervisors(case),
                        kind="protection_order_expiring",
                        url=f"/cases/{case.pk}/#protection",
                        params={
                            "number": case.number,
                            "order": order.number,
                            "date": timezone.localtime(order.expires_at).isoformat(),
                        },
                        dedupe_key=f"order-expiring:{order.pk}:{order.expires_at:%Y%m%d%H%M}",
                    )
                )
            ProtectiveOrder.objects.filter(pk__in=[o.pk for o in due]).update(expiry_notified_at=now)
            audit_record(
                actor=None,
                action="protective_order.expiry_notify",
                object_type="protection.protectiveorder",
                detail={"orders": len(due)},
            )
    return sent


# --- Proceedings -------------------------------------------------------------------------------------


def proceeding_qs_select_for_update() -> QuerySet[Proceeding]:
    return Proceeding.objects.select_for_update(of=("self",))


def clean_articles(articles) -> list[str]:
    if isinstance(articles, str):
        articles = [a for a in re.split(r"[,;\s]+", articles) if a]
    articles = [str(a).strip() for a in articles or [] if str(a).strip()]
    pattern = re.compile(settings.QORGAU_ARTICLE_PATTERN)
    wrong = [a for a in articles if not pattern.match(a)]
    if not articles or wrong:
        raise ValidationError(
            {"articles": _("Write the articles as numbers such as 73, 108-1 or 120.2, separated by commas.")}
        )
    return list(dict.fromkeys(articles))


HER_PART = (
    "representative",
    "interpreter_language",
    "accompaniment",
    "arrangements",
    "tell_how",
    "tell_language",
)


def _her_part(proceeding: Proceeding, data: dict) -> None:
    for name in HER_PART:
        if name in data:
            setattr(proceeding, name, data[name] if data[name] is not None else "")
    if not set(proceeding.arrangements or []) <= set(Proceeding.Arrangement.values):
        raise ValidationError({"arrangements": _("Choose the arrangements from the list.")})
    if proceeding.tell_how and proceeding.tell_how not in Proceeding.TellHow.values:
        raise ValidationError({"tell_how": _("Choose how she wants to be told.")})


def _legal_case(actor: User, case: Case):
    access = case_access(actor, case)
    if not policies.sees_proceedings(access):
        raise Http404
    if not policies.can_record_proceeding(actor, case, access):
        raise PermissionDenied
    return _lock_case(case)


@transaction.atomic
def proceeding_create(
    *,
    actor: User,
    case: Case,
    kind: str,
    registration_number: str,
    articles,
    stage: str = "pre_trial",
    **her_part,
) -> Proceeding:
    case = _legal_case(actor, case)
    if kind not in Proceeding.Kind.values:
        raise ValidationError({"kind": _("Choose criminal or administrative.")})
    if stage not in Proceeding.Stage.values or stage == Proceeding.Stage.CLOSED:
        raise ValidationError({"stage": _("Choose the stage it is at.")})
    number = (registration_number or "").strip()
    if not number:
        raise ValidationError({"registration_number": _("Give the registration number.")})
    unknown = set(her_part) - set(HER_PART)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This cannot be changed here.")})
    proceeding = Proceeding(
        case=case,
        kind=kind,
        registration_number=number,
        articles=clean_articles(articles),
        stage=stage,
        agency=agency_of(actor),
        created_by=actor,
    )
    _her_part(proceeding, her_part)
    proceeding.save()
    _event(case, "proceeding_opened", actor, section=Section.LEGAL, proceeding_kind=kind)
    audit_record(
        actor=actor, action="proceeding.create", obj=proceeding, case_id=case.pk, detail={"kind": kind}
    )
    return proceeding


@transaction.atomic
def proceeding_update(
    *, actor: User, case: Case, proceeding_id, expected_version: int, changes: dict
) -> Proceeding:
    """Her part in the proceeding (representative, interpreter, arrangements, how she is told)."""
    case = _legal_case(actor, case)
    proceeding = locked_in_case(proceeding_qs_select_for_update(), case, proceeding_id)
    if proceeding.version != expected_version:
        raise Conflict
    unknown = set(changes) - set(HER_PART)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This cannot be changed here.")})
    _her_part(proceeding, changes)
    proceeding.version += 1
    proceeding.save()
    audit_record(
        actor=actor,
        action="proceeding.update",
        obj=proceeding,
        case_id=case.pk,
        detail={"fields": sorted(changes)},
    )
    return proceeding


def reconciliation_warnings(case: Case, *, today=None, exclude=None) -> list[str]:
    """Why reconciliation is not allowed here (Law No. 72-VIII): she was a minor at an incident,
    or an earlier reconciliation in this case lies within the configured months."""
    from dateutil.relativedelta import relativedelta

    today = today or timezone.localdate()
    warnings = []
    if case.incidents.filter(survivor_age__lt=18).exists():
        warnings.append(str(_("The violence was against a minor: reconciliation is not allowed.")))
    months = settings.QORGAU_RECONCILIATION_REPEAT_MONTHS
    earlier = Proceeding.objects.filter(
        case=case,
        outcome=Proceeding.Outcome.RECONCILIATION,
        outcome_on__gte=today - relativedelta(months=months),
    )
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude.pk)
    if earlier.exists():
        warnings.append(
            str(
                _(
                    "An earlier reconciliation in this case was within %(months)s months: reconciliation is not allowed."
                )
                % {"months": months}
            )
        )
    return warnings


@transaction.atomic
def decision_record(
    *,
    actor: User,
    case: Case,
    proceeding_id,
    expected_version: int,
    decided_on,
    stage: str,
    outcome: str = "",
    text: str = "",
    supervisor_reason: str = "",
    told_her: bool = False,
) -> Decision:
    """A decision: the stage it reaches and, when it closes the proceeding, the outcome. A
    reconciliation the law does not allow is refused with the reason, unless a supervisor records
    her decision to proceed."""
    case = _legal_case(actor, case)
    proceeding = locked_in_case(proceeding_qs_select_for_update(), case, proceeding_id)
    if proceeding.version != expected_version:
        raise Conflict
    if proceeding.stage == Proceeding.Stage.CLOSED:
        raise ValidationError(_("This proceeding is closed."))
    if decided_on is None or decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision date cannot be in the future.")})
    if decided_on < timezone.localdate(proceeding.created_at) - timedelta(days=3650):
        raise ValidationError({"decided_on": _("Give the date of the decision.")})
    if stage not in Proceeding.Stage.values:
        raise ValidationError({"stage": _("Choose the stage it is at.")})
    if outcome and outcome not in Proceeding.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome from the list.")})
    if (stage == Proceeding.Stage.CLOSED) != bool(outcome):
        raise ValidationError({"outcome": _("A closed proceeding has an outcome, and only a closed one.")})
    reason = (supervisor_reason or "").strip()
    if outcome == Proceeding.Outcome.RECONCILIATION:
        warnings = reconciliation_warnings(case, exclude=proceeding)
        if warnings and not (policies.can_approve_reconciliation(actor) and len(reason) >= MIN_REASON):
            raise ValidationError(
                {
                    "supervisor_reason": [
                        *warnings,
                        str(_("A supervisor must record the decision to proceed, with the reason.")),
                    ]
                }
            )
    decision = Decision.objects.create(
        proceeding=proceeding,
        decided_on=decided_on,
        stage=stage,
        outcome=outcome,
        text=(text or "").strip(),
        supervisor_reason=reason,
        told_at=timezone.now() if told_her else None,
        by=actor,
    )
    proceeding.stage = stage
    if outcome:
        proceeding.outcome, proceeding.outcome_on = outcome, decided_on
    proceeding.version += 1
    proceeding.save()
    _event(case, "proceeding_decision", actor, section=Section.LEGAL, proceeding_stage=stage)
    audit_record(
        actor=actor,
        action="proceeding.decide",
        obj=proceeding,
        case_id=case.pk,
        detail={"stage": stage, "outcome": outcome, "supervisor_decision": bool(reason), "told": told_her},
    )
    return decision


@transaction.atomic
def decision_told_record(*, actor: User, case: Case, decision_id) -> Decision:
    """A record that she was told of a decision, in the way and language she asked for."""
    case = _legal_case(actor, case)
    try:
        decision = Decision.objects.select_for_update().get(pk=decision_id, proceeding__case=case)
    except (Decision.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if decision.told_at is None:
        decision.told_at = timezone.now()
        decision.save(update_fields=["told_at"])
        audit_record(actor=actor, action="decision.told", obj=decision, case_id=case.pk)
    return decision


@transaction.atomic
def hearing_add(*, actor: User, case: Case, proceeding_id, at, place: str, purpose: str = "") -> Hearing:
    case = _legal_case(actor, case)
    proceeding = locked_in_case(proceeding_qs_select_for_update(), case, proceeding_id)
    if proceeding.stage == Proceeding.Stage.CLOSED:
        raise ValidationError(_("This proceeding is closed."))
    if at is None or at <= timezone.now():
        raise ValidationError({"at": _("A hearing must be in the future.")})
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("Give the place of the hearing.")})
    hearing = Hearing.objects.create(
        proceeding=proceeding, case=case, at=at, place=place, purpose=(purpose or "").strip(), by=actor
    )
    _event(case, "hearing_scheduled", actor, section=Section.LEGAL)
    audit_record(actor=actor, action="hearing.create", obj=hearing, case_id=case.pk)
    return hearing


def hearing_reminders_send(*, now=None) -> int:
    """Remind her lawyers (the case's lawyers at agencies that work on it) and her caseworker of
    each hearing QORGAU_HEARING_REMINDER_DAYS before it. Idempotent through the dedupe key
    (hearing and how many days before)."""
    now = now or timezone.now()
    sent = 0
    for days in sorted(set(settings.QORGAU_HEARING_REMINDER_DAYS)):
        window = Hearing.objects.filter(at__gt=now, at__lte=now + timedelta(days=days)).select_related(
            "case", "case__assigned_to", "proceeding"
        )
        for hearing in window:
            case = hearing.case
            lawyers = _lawyers_of(case)
            sent += len(
                notify(
                    users=lawyers + _caseworker_or_supervisors(case),
                    kind="protection_hearing_reminder",
                    url=f"/cases/{case.pk}/#proceedings",
                    params={"number": case.number, "date": timezone.localtime(hearing.at).isoformat()},
                    dedupe_key=f"hearing:{hearing.pk}:{days}",
                )
            )
    return sent


def _lawyers_of(case: Case) -> list[User]:
    """Lawyers of the holding agency and of agencies the case was referred to with its legal section."""
    from qorgau.cases.models import CaseShare

    agencies = {case.holding_agency_id}
    agencies |= set(
        CaseShare.objects.filter(case=case, revoked_at__isnull=True).values_list("agency_id", flat=True)
    )
    candidates = User.objects.filter(
        is_active=True, agency_id__in=agencies, role_links__role=Role.LAWYER
    ).distinct()
    return [u for u in candidates if policies.sees_proceedings(case_access(u, case))]
