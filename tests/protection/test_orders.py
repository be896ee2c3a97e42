"""Protective orders: the derived state with a frozen clock, each service with its refusals and
bad input (nothing changed), and nothing editable after service except the recorded steps."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.protection.conftest import issue, serve

from qorgau.core.errors import Conflict
from qorgau.core.models import AuditEvent
from qorgau.protection import services
from qorgau.protection.models import OrderState, OrderStep, ProtectiveOrder

pytestmark = pytest.mark.django_db


def _extend(pw, order, days=10, reason="She fears him after his release.", actor=None):
    return services.protective_order_extend(
        actor=actor or pw["officer"],
        case=pw["case"],
        order_id=order.pk,
        expected_version=order.version,
        days=days,
        reason=reason,
    )


def test_state_is_derived_through_the_whole_life_with_both_edges(pw, settings):
    settings.QORGAU_PROTECTIVE_ORDER_DAYS = 30
    settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS = 5
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        draft = issue(pw, number="PO-D", issue=False)
        assert draft.state_at() == OrderState.DRAFT
        # Issued now, in force from tomorrow (his release from custody).
        order = issue(pw, number="PO-S", starts_at=start + timedelta(days=1))
        assert order.state_at() == OrderState.ISSUED
        order = serve(pw, order, served_at=start)
    expires = start + timedelta(days=31)
    assert order.expires_at == expires
    assert order.state_at(start + timedelta(hours=1)) == OrderState.SERVED
    assert order.state_at(start + timedelta(days=1)) == OrderState.ACTIVE
    assert order.state_at(expires - timedelta(days=5, seconds=1)) == OrderState.ACTIVE
    assert order.state_at(expires - timedelta(days=5)) == OrderState.EXPIRING
    assert order.state_at(expires - timedelta(seconds=1)) == OrderState.EXPIRING
    assert order.state_at(expires) == OrderState.EXPIRED
    with time_machine.travel(start + timedelta(days=2), tick=False):
        ended = services.protective_order_end(
            actor=pw["officer"],
            case=pw["case"],
            order_id=order.pk,
            expected_version=order.version,
            reason="The court imposed special requirements instead.",
        )
        assert ended.state_at() == OrderState.ENDED
    # An issued order never served expires all the same.
    unserved = ProtectiveOrder.objects.get(number="PO-D")
    assert unserved.state_at(expires + timedelta(days=400)) == OrderState.DRAFT


def test_an_officer_issues_an_order_on_a_referred_case(pw):
    order = issue(pw, approach_metres=None)
    assert order.duration_days == 30 and order.issuing_agency == pw["police"]
    assert order.expires_at == order.starts_at + timedelta(days=30)
    assert pw["case"].events.filter(kind="protective_order_issued").exists()
    assert AuditEvent.objects.filter(action="protective_order.create", case_id=pw["case"].pk).exists()


def test_the_duration_comes_from_configuration(pw, settings):
    settings.QORGAU_PROTECTIVE_ORDER_DAYS = 10
    order = issue(pw)
    assert order.expires_at - order.starts_at == timedelta(days=10)


@pytest.mark.parametrize(
    "who,error", [("worker", PermissionDenied), ("doctor", PermissionDenied), ("stranger", Http404)]
)
def test_only_a_police_officer_working_on_the_case_issues(pw, who, error):
    with pytest.raises(error):
        issue(pw, actor=pw[who])
    assert not ProtectiveOrder.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"person_id": "survivor"}, "person"),
        ({"person_id": "not-a-uuid"}, "person"),
        ({"conditions": [], "conditions_text": ""}, "conditions"),
        ({"conditions": ["fly_away"]}, "conditions"),
        ({"conditions": ["no_approach"], "approach_metres": None}, "approach_metres"),
        ({"conditions": ["no_approach"], "approach_metres": 90000}, "approach_metres"),
        ({"number": "  "}, "number"),
        ({"issuing_unit": ""}, "issuing_unit"),
        ({"issued_at": "future"}, "issued_at"),
        ({"starts_at": "before"}, "starts_at"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(pw, overrides, field):
    now = timezone.now()
    if overrides.get("person_id") == "survivor":
        overrides["person_id"] = pw["case"].people.get(role="survivor").pk
    if overrides.get("issued_at") == "future":
        overrides["issued_at"] = now + timedelta(days=1)
    if overrides.get("starts_at") == "before":
        overrides["issued_at"], overrides["starts_at"] = now - timedelta(hours=1), now - timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:
        issue(pw, **overrides)
    assert field in exc.value.message_dict
    assert not ProtectiveOrder.objects.exists()
    assert not pw["case"].events.filter(kind__startswith="protective_order").exists()


def test_a_number_is_unique_in_the_issuing_agency(pw):
    issue(pw, number="PO-7")
    with pytest.raises(ValidationError) as exc:
        issue(pw, number="PO-7")
    assert "number" in exc.value.message_dict
    assert ProtectiveOrder.objects.count() == 1


def test_a_draft_is_corrected_then_issued(pw):
    draft = issue(pw, issue=False)
    assert draft.issued_at is None and draft.expires_at is None
    fixed = services.protective_order_update(
        actor=pw["officer"],
        case=pw["case"],
        order_id=draft.pk,
        expected_version=1,
        changes={"number": "PO-1a", "conditions": ["leave_home"]},
    )
    assert fixed.version == 2 and fixed.number == "PO-1a" and fixed.conditions == ["leave_home"]
    issued = services.protective_order_issue(
        actor=pw["officer"], case=pw["case"], order_id=draft.pk, expected_version=2
    )
    assert issued.state_at() == OrderState.ISSUED


def test_nothing_is_editable_after_service_except_the_recorded_steps(pw):
    order = serve(pw, issue(pw))
    with pytest.raises(ValidationError):
        services.protective_order_update(
            actor=pw["officer"],
            case=pw["case"],
            order_id=order.pk,
            expected_version=order.version,
            changes={"conditions": ["no_weapons"]},
        )
    order.refresh_from_db()
    assert order.conditions == ["no_contact", "no_calls"]
    before = order.expires_at
    extended = _extend(pw, order, days=10)
    assert extended.expires_at == before + timedelta(days=10)
    [step] = OrderStep.objects.filter(order=order)
    assert step.kind == "extend" and step.days == 10 and step.reason.startswith("She fears")


@pytest.mark.parametrize(
    "days,reason,field",
    [(0, "A reason long enough.", "days"), (31, "A reason long enough.", "days"), (5, "short", "reason")],
)
def test_an_extension_needs_days_in_range_and_a_reason(pw, days, reason, field):
    order = serve(pw, issue(pw))
    with pytest.raises(ValidationError) as exc:
        _extend(pw, order, days=days, reason=reason)
    assert field in exc.value.message_dict
    order.refresh_from_db()
    assert order.extended_days == 0 and not OrderStep.objects.exists()


def test_serving_refuses_a_stale_version_a_second_service_and_a_time_before_issue(pw):
    order = issue(pw, issued_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError) as exc:
        serve(pw, order, served_at=timezone.now() - timedelta(hours=3))
    assert "served_at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.protective_order_serve(
            actor=pw["officer"],
            case=pw["case"],
            order_id=order.pk,
            expected_version=order.version,
            served_at=timezone.now(),
            served_how="by_pigeon",
        )
    served = serve(pw, order)
    with pytest.raises(Conflict):
        serve(pw, order)  # the version read before the first service
    with pytest.raises(ValidationError):
        serve(pw, served)
    served.refresh_from_db()
    assert served.version == 2


def test_steps_are_for_the_issuing_agency_only(pw, make_user, make_agency):
    from tests.protection.conftest import share_by_referral

    from qorgau.accounts.models import Agency
    from qorgau.accounts.roles import Role

    other_police = make_agency(Agency.Kind.POLICE, name="Police Q")
    share_by_referral(pw["case"], other_police, ["legal", "safety"], pw["worker"])
    outsider = make_user(Role.POLICE_OFFICER, agency=other_police)
    order = serve(pw, issue(pw))
    with pytest.raises(PermissionDenied):
        _extend(pw, order, actor=outsider)
    with pytest.raises(PermissionDenied):
        _extend(pw, order, actor=pw["worker"])
    _extend(pw, order, actor=pw["colleague"])  # a colleague of the issuing unit may


def test_an_ended_order_takes_no_further_step(pw):
    order = serve(pw, issue(pw))
    order = services.protective_order_end(
        actor=pw["officer"],
        case=pw["case"],
        order_id=order.pk,
        expected_version=order.version,
        reason="Issued on the wrong person.",
    )
    with pytest.raises(ValidationError):
        _extend(pw, order)
    with pytest.raises(ValidationError):
        services.protective_order_end(
            actor=pw["officer"],
            case=pw["case"],
            order_id=order.pk,
            expected_version=order.version,
            reason="Twice over, no.",
        )
