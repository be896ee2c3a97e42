"""The generator's bulk path writes exactly what the services write for the same case.

Each spec is built twice — through the real services (bench/generator/via_services.py) and through
the bulk path with COPY (bench/generator/bulk.py) — and every row of both cases is compared after
decryption, with ids, case numbers and ciphertext nonces set aside. Referral specs are chosen so
that every final state of a referral is covered. The audit chain stays intact.
"""

import functools
import operator
import re
import uuid
from datetime import UTC, datetime

import pytest
from bench.generator.bulk import CaseRows, build_case, next_numbers, write
from bench.generator.spec import REFERRAL_PATHS, case_spec
from bench.generator.via_services import apply_with_services
from bench.generator.world import build_world
from django.db import models

from qorgau.cases.models import Case, CaseEvent
from qorgau.core.audit import audit_verify
from qorgau.core.fields import EncryptedField
from qorgau.core.models import AuditEvent
from qorgau.directory.models import ServiceType
from qorgau.notifications.models import Notification
from qorgau.people.models import PersonIndex
from qorgau.risk.models import SafetyPlan

pytestmark = pytest.mark.postgres
START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _specs(codes):
    """Specs that together end referrals in every state, with assessments, plans and notes."""
    wanted, chosen = set(REFERRAL_PATHS), []
    for index in range(400):
        spec = case_spec(7, index, codes, START, 300)
        finals = {r.final for r in spec.referrals}
        if finals - {f for s in chosen for f in (r.final for r in s.referrals)}:
            chosen.append(spec)
        if wanted <= {r.final for s in chosen for r in s.referrals} and any(
            s.assessment and s.safety_plan and s.notes for s in chosen
        ):
            return chosen
    raise AssertionError("no spec set covers every referral state")


def _row(obj, skip=()):
    out = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        value = getattr(obj, field.attname)
        out[field.name] = value
    return out


def _snapshot(case: Case) -> dict:
    """Everything the case left in the database, decrypted, in a stable order."""
    case = Case.objects.get(pk=case.pk)
    ids = {str(case.pk): "<case>", case.number: "<number>"}

    def name(objs, label):
        for n, obj in enumerate(objs):
            ids.setdefault(str(obj.pk), f"<{label}{n}>")
        return objs

    people = name(list(case.people.order_by("role")), "person")
    incidents = name(list(case.incidents.all()), "incident")
    notes = name(list(case.notes.order_by("created_at", "section", "is_account")), "note")
    consents = name(list(case.consents.order_by("purpose", "recipient_kind")), "consent")
    referrals = name(list(case.referrals.order_by("sent_at")), "referral")
    assessments = name(list(case.risk_assessments.all()), "assessment")
    plans = name(list(SafetyPlan.objects.filter(case=case)), "plan")
    shares = list(case.shares.order_by("granted_at"))

    def norm(value):
        if isinstance(value, uuid.UUID):
            value = str(value)
        if isinstance(value, str):
            return UUID.sub(lambda m: ids.get(m.group(0), "<other>"), ids.get(value, value))
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [norm(v) for v in value]
        return value

    def rows(objs, skip=("case",)):
        return [norm(_row(o, skip)) for o in objs]

    referral_ids = [r.pk for r in referrals]
    return {
        "case": norm(_row(case, ("number",))),
        "people": rows(people),
        "index": sorted(
            (ids[str(e.person_id)], e.kind, e.digest, e.agency_id)
            for e in PersonIndex.objects.filter(case=case)
        ),
        "incidents": rows(incidents),
        "perpetrators": sorted(
            (ids[str(link.person_id)], link.relationship)
            for i in incidents
            for link in i.perpetrator_links.all()
        ),
        "notes": rows(notes),
        "consents": rows(consents),
        "referrals": rows(referrals),
        "shares": rows(shares),
        "assessments": rows(assessments),
        "plans": rows(plans),
        "events": [
            norm((e.kind, e.at, e.actor_id, e.agency_id, e.section, e.params))
            for e in CaseEvent.objects.filter(case=case).order_by("at", "id")
        ],
        "notifications": sorted(
            norm((n.user_id, n.kind, n.url, n.params, n.dedupe_key, n.created_at))
            for n in Notification.objects.filter(
                functools.reduce(
                    operator.or_,
                    [models.Q(url__contains=str(pk)) for pk in [case.pk, *referral_ids]],
                )
            )
        ),
        "audit": [
            norm((a.action, a.at, a.actor_id, a.agency_id, a.object_type, a.object_id, a.purpose, a.detail))
            for a in AuditEvent.objects.filter(case_id=case.pk).order_by("seq")
        ],
    }


def test_bulk_case_equals_service_case(db):
    world = build_world(1)
    rw = next(iter(world.values()))
    services = {s.code: s for s in ServiceType.objects.all()}
    specs = _specs([rw.code])
    for spec in specs:
        made = apply_with_services(spec, rw)
        rows = CaseRows()
        bulk = build_case(rows, spec, rw, next_numbers([spec])[0], services)
        write(rows)
        assert _snapshot(bulk) == _snapshot(made), f"spec {spec.index} differs"
    # Every encrypted column of the bulk rows opens (bound to its row and field) and the chain holds.
    assert audit_verify().ok
    assert sum(len(s.referrals) for s in specs) >= len(REFERRAL_PATHS)
    assert isinstance(Case._meta.get_field("contact_times"), EncryptedField)
