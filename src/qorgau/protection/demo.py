"""Demo legal protection on the demo cases held by the police: orders active, expiring, breached,
expired and ended early; proceedings at every stage with hearings, shared with the region's
prosecutor's office and legal aid; one perpetrator named in cases of two regions. Everything goes
through the services (policy, timeline, audit); the shares stand for accepted referrals with her
consent. All text is invented."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qorgau.cases.models import Case, CaseShare, Consent
from qorgau.cases.policies import access_changed
from qorgau.core.demo import DEMO_REGIONS
from qorgau.core.iin import make_iin
from qorgau.people.models import Person
from qorgau.people.services import person_reindex
from qorgau.protection import requirement_services, services
from qorgau.protection.models import ProtectiveOrder

# (what, issued days ago, conditions)
ORDERS = [
    ("active", 8, ["no_contact", "no_calls"]),
    ("expiring", 27, ["no_approach", "no_weapons"]),
    ("breached", 5, ["no_contact", "leave_home"]),
    ("expired", 45, ["no_contact"]),
    ("ended", 12, ["no_calls"]),
]
# Court requirements: (conditions, decided days ago, months, programme sessions, breached)
REQUIREMENTS = [
    (["no_contact", "programme", "no_alcohol"], 40, 6, ["attended", "attended", "missed", "attended"], False),
    (["stay_away", "programme", "home_at_night"], 60, 6, ["attended", "missed", "missed"], True),
    (["no_contact", "stay_away"], 85, 3, [], False),  # ends within the alert days
]
STAGES = [("pre_trial", None), ("court", None), ("appeal", None), ("closed", "conviction")]


def _share(case, agency, actor):
    for purpose, extra in (("referral", {}), ("share", {"sections": ["general", "legal", "safety"]})):
        Consent.objects.create(
            case=case, purpose=purpose, recipient_agency=agency, method="written", recorded_by=actor, **extra
        )
    CaseShare.objects.create(
        case=case, agency=agency, source="referral", sections=["general", "legal", "safety"], granted_by=actor
    )


def _order(case, officer, person, n, what, days_ago, conditions, now):
    order = services.protective_order_create(
        actor=officer,
        case=case,
        person_id=person.pk,
        number=f"DEMO-{case.number[-6:]}-{n}",
        issuing_unit="Учаскелік полиция инспекторлары қызметі / Служба участковых инспекторов",
        conditions=conditions,
        approach_metres=200 if "no_approach" in conditions else None,
        conditions_text="Демо: оның жұмыс орнына бармау (ойдан құрастырылған).",
        issued_at=now - timedelta(hours=3),
    )
    order = services.protective_order_serve(
        actor=officer,
        case=case,
        order_id=order.pk,
        expected_version=order.version,
        served_at=now - timedelta(hours=1),
        served_how="in_person",
    )
    # Moved into the past, as the case builder does with its dates.
    back = timedelta(days=days_ago)
    ProtectiveOrder.objects.filter(pk=order.pk).update(
        issued_at=order.issued_at - back,
        starts_at=order.starts_at - back,
        served_at=order.served_at - back,
        expires_at=order.expires_at - back,
        created_at=order.created_at - back,
    )
    order.refresh_from_db()
    if what == "breached":
        services.violation_record(
            actor=officer,
            case=case,
            order_id=order.pk,
            occurred_at=now - timedelta(days=1, hours=4),
            description="Демо: ол түнде есік алдына келіп, айқайлады (ойдан құрастырылған).",
            reported_by="survivor",
            evidence_reference="Демо: хабарлама № 114/26",
        )
    elif what == "ended":
        services.protective_order_end(
            actor=officer,
            case=case,
            order_id=order.pk,
            expected_version=order.version,
            reason="Демо: сот ерекше талаптар белгіледі (ойдан).",
        )


def _proceeding(case, prosecutor, n, now):
    stage, outcome = STAGES[n % len(STAGES)]
    proceeding = services.proceeding_create(
        actor=prosecutor,
        case=case,
        kind="criminal" if n % 2 == 0 else "administrative",
        registration_number=f"DEMO-UD-{case.number[-6:]}",
        articles="108-1" if n % 2 == 0 else "73",
        representative="Демо: адвокат Сәуле Б. (ойдан)",
        interpreter_language="",
        arrangements=["separate_room", "no_confrontation"],
        tell_how="lawyer",
        tell_language="kk",
    )
    if stage != "pre_trial":
        proceeding = _decide(case, prosecutor, proceeding, "court", "")
        if stage == "appeal":
            proceeding = _decide(case, prosecutor, proceeding, "appeal", "")
        elif stage == "closed":
            proceeding = _decide(case, prosecutor, proceeding, "closed", outcome)
    if stage in ("pre_trial", "court", "appeal"):
        services.hearing_add(
            actor=prosecutor,
            case=case,
            proceeding_id=proceeding.pk,
            at=now + timedelta(days=1 + n % 6, hours=2),
            place="Демо: аудандық сот, 3-зал",
            purpose="Демо: куәгерлерден жауап алу",
        )


def _decide(case, actor, proceeding, stage, outcome):
    services.decision_record(
        actor=actor,
        case=case,
        proceeding_id=proceeding.pk,
        expected_version=proceeding.version,
        decided_on=timezone.localdate(),
        stage=stage,
        outcome=outcome,
        text="Демо: шешім (ойдан).",
        told_her=True,
    )
    proceeding.refresh_from_db()
    return proceeding


def _requirement(case, prosecutor, police, programme_agency, psychologist, spec, today):
    conditions, days_ago, months, sessions, breached = spec
    decided = today - timedelta(days=days_ago)
    requirement = requirement_services.requirement_create(
        actor=prosecutor,
        case=case,
        person_id=case.people.filter(role=Person.Role.PERPETRATOR).first().pk,
        court="Демо: аудандық сот / районный суд (ойдан)",
        decision_on=decided,
        months=months,
        conditions=conditions,
        conditions_text="Демо: оның ата-анасының үйіне бармау (ойдан).",
        monitoring_agency=police,
        programme_agency=programme_agency if "programme" in conditions else None,
    )
    for n, kind in enumerate(sessions):
        requirement.refresh_from_db()
        requirement_services.programme_attendance_record(
            actor=psychologist,
            requirement_id=requirement.pk,
            expected_version=requirement.version,
            kind=kind,
            on=decided + timedelta(days=7 * (n + 1)),
        )
    if breached:
        requirement_services.requirement_breach_record(
            actor=prosecutor,
            case=case,
            requirement_id=requirement.pk,
            occurred_at=timezone.now() - timedelta(days=2, hours=3),
            description="Демо: ол түнде үйде болмады, мас күйінде келді (ойдан).",
            reported_by="police",
            evidence_reference="Демо: рапорт № 27/12",
        )


@transaction.atomic
def build(out, world: dict) -> dict:
    if ProtectiveOrder.objects.filter(number__startswith="DEMO-").exists():
        out.write("already built\n")
        return {}
    users, agencies = world.get("users", {}), world.get("agencies", {})
    now = timezone.now()
    requirements = 0
    made, shared_iin = 0, make_iin(date(1984, 6, 12), "M", 4242) or make_iin(date(1984, 6, 12), "M", 4243)
    for region in DEMO_REGIONS.values():
        slug = region["slug"]
        officer, prosecutor = users.get(f"police.{slug}"), users.get(f"prosecutor.{slug}")
        police = agencies.get(f"police.{slug}")
        if officer is None or prosecutor is None or police is None:
            continue
        cases = [
            c
            for c in Case.objects.filter(holding_agency=police)
            .exclude(status=Case.Status.CLOSED)
            .order_by("number")
            if c.people.filter(role=Person.Role.PERPETRATOR).exists()
        ][: len(ORDERS)]
        if not cases:
            continue
        for n, case in enumerate(cases):
            person = case.people.filter(role=Person.Role.PERPETRATOR).first()
            if n == 0 and slug in ("astana", "almaty"):
                person.iin = shared_iin  # the same man, named in cases of two regions
                person.save()
                person_reindex(person)
            for kind in ("prosecutor", "legal"):
                if (agency := agencies.get(f"{kind}.{slug}")) is not None:
                    _share(case, agency, officer)
            access_changed()
            if n < len(STAGES):
                _proceeding(case, prosecutor, n, now)
        # Every kind of order, spread over the cases (a case may have two).
        for n, (what, days_ago, conditions) in enumerate(ORDERS):
            case = cases[n % len(cases)]
            person = case.people.filter(role=Person.Role.PERPETRATOR).first()
            _order(case, officer, person, n + 1, what, days_ago, conditions, now)
            made += 1
        programme_agency, psychologist = agencies.get(f"psych.{slug}"), users.get(f"psychologist.{slug}")
        if programme_agency is not None and psychologist is not None:
            for n, spec in enumerate(REQUIREMENTS):
                case = cases[n % len(cases)]
                _requirement(
                    case, prosecutor, police, programme_agency, psychologist, spec, timezone.localdate()
                )
                requirements += 1
    out.write(f"{made} protective orders, {requirements} court requirements, with proceedings\n")
    return {}
