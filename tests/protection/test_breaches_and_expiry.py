"""A breach: the risk re-assessment becomes due now, "order breached" proposes the risk
conference (configurable), the police and the caseworker are told. The expiry alert job sends
once, however often it runs."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from tests.protection.conftest import issue, serve
from tests.risk.helpers import assess

from qorgau.notifications.models import Notification
from qorgau.protection import services
from qorgau.protection.models import Violation
from qorgau.protection.tasks import notify_expiring_orders
from qorgau.risk import selectors as risk_selectors
from qorgau.risk.services import reassessments_overdue_notify

pytestmark = pytest.mark.django_db


def breach(pw, order, *, actor=None, occurred_at=None, **overrides):
    data = {
        "description": "He phoned her eleven times at night.",
        "reported_by": "survivor",
        "evidence_reference": "Call log, report 114/26",
    }
    data.update(overrides)
    return services.violation_record(
        actor=actor or pw["officer"],
        case=pw["case"],
        order_id=order.pk,
        occurred_at=occurred_at or timezone.now() - timedelta(minutes=30),
        **data,
    )


@pytest.fixture
def served(pw):
    return serve(
        pw,
        issue(pw, issued_at=timezone.now() - timedelta(hours=2)),
        served_at=timezone.now() - timedelta(hours=1),
    )


def test_a_breach_makes_the_risk_reassessment_due_now(pw, served):
    case, worker = pw["case"], pw["worker"]
    assess(worker, case, yes=3)  # standard: next due in 60 days
    summary = risk_selectors.case_risk_get(actor=worker, case=case, access=_access(worker, case))
    assert not summary.overdue
    breach(pw, served)
    summary = risk_selectors.case_risk_get(actor=worker, case=case, access=_access(worker, case))
    assert summary.overdue and summary.next_due <= timezone.now()
    items, _unassessed = risk_selectors.reassessment_list_due(actor=worker)
    assert [i.case for i in items] == [case] and items[0].overdue
    # The overdue job tells her caseworker (once).
    assert reassessments_overdue_notify() == 1 and reassessments_overdue_notify() == 0
    # A new assessment starts the count again.
    assess(worker, case, yes=3)
    summary = risk_selectors.case_risk_get(actor=worker, case=case, access=_access(worker, case))
    assert not summary.overdue


def _access(actor, case):
    from qorgau.cases.policies import case_access

    return case_access(actor, case)


def test_order_breached_proposes_the_risk_conference(pw, served, settings):
    case = pw["case"]
    assert "order_breached" not in risk_selectors.proposal_for(case).check.codes
    breach(pw, served)
    proposal = risk_selectors.proposal_for(case)
    assert "order_breached" in proposal.check.codes and proposal.propose
    [met] = [m for m in proposal.check.criteria if m.criterion == "order_breached"]
    from django.utils import translation

    with translation.override("en"):
        assert "breached" in met.describe()
    settings.QORGAU_CONFERENCE_BREACH_CRITERION = False
    assert "order_breached" not in risk_selectors.proposal_for(case).check.codes


def test_a_breach_tells_the_police_and_the_caseworker(pw, served):
    breach(pw, served)
    told = set(
        Notification.objects.filter(kind="protection_order_breached").values_list("user__username", flat=True)
    )
    assert told == {"p.colleague", "p.worker"}  # the officer who recorded it knows already
    note = Notification.objects.filter(kind="protection_order_breached").first()
    assert note.params == {"number": pw["case"].number, "order": "PO-1"}
    assert pw["case"].events.filter(kind="protective_order_breached").exists()


def test_her_caseworker_may_record_a_breach_a_doctor_may_not(pw, served):
    breach(pw, served, actor=pw["worker"])
    with pytest.raises(PermissionDenied):
        breach(pw, served, actor=pw["doctor"])
    assert Violation.objects.count() == 1


@pytest.mark.parametrize(
    "when,overrides,field",
    [
        ("before_service", {}, "occurred_at"),
        ("future", {}, "occurred_at"),
        ("now", {"description": " "}, "description"),
        ("now", {"reported_by": "rumour"}, "reported_by"),
    ],
)
def test_bad_breaches_are_refused_and_change_nothing(pw, served, when, overrides, field):
    assess(pw["worker"], pw["case"], yes=3)
    moment = {
        "before_service": timezone.now() - timedelta(minutes=90),
        "future": timezone.now() + timedelta(hours=1),
        "now": timezone.now() - timedelta(minutes=1),
    }[when]
    with pytest.raises(ValidationError) as exc:
        breach(pw, served, occurred_at=moment, **overrides)
    assert field in exc.value.message_dict
    assert not Violation.objects.exists()
    assert not Notification.objects.exists()
    assert pw["case"].risk_assessments.get(is_current=True).reassess_by is None


def test_the_expiry_alert_is_sent_once_to_the_issuing_unit_and_the_caseworker(pw, settings):
    settings.QORGAU_PROTECTIVE_ORDER_ALERT_DAYS = 5
    start = timezone.now()
    order = serve(pw, issue(pw))
    with time_machine.travel(order.expires_at - timedelta(days=5, minutes=1)):
        assert notify_expiring_orders.call_local() == 0
    with time_machine.travel(order.expires_at - timedelta(days=5) + timedelta(minutes=1)):
        assert notify_expiring_orders.call_local() == 3  # two officers of the unit, her caseworker
        assert notify_expiring_orders.call_local() == 0
        assert services.orders_expiry_notify() == 0
    told = set(
        Notification.objects.filter(kind="protection_order_expiring").values_list("user__username", flat=True)
    )
    assert told == {"p.officer", "p.colleague", "p.worker"}
    assert start < order.expires_at


def test_an_extension_brings_one_new_alert_for_the_new_date(pw):
    order = serve(pw, issue(pw))
    with time_machine.travel(order.expires_at - timedelta(days=2)):
        assert services.orders_expiry_notify() == 3
        order.refresh_from_db()
        services.protective_order_extend(
            actor=pw["officer"],
            case=pw["case"],
            order_id=order.pk,
            expected_version=order.version,
            days=3,
            reason="The court hearing is next week.",
        )
        assert services.orders_expiry_notify() == 3
        assert services.orders_expiry_notify() == 0


def test_ended_and_unserved_orders_raise_no_alert(pw):
    unserved = issue(pw, number="PO-U")
    ended = serve(pw, issue(pw, number="PO-E"))
    services.protective_order_end(
        actor=pw["officer"],
        case=pw["case"],
        order_id=ended.pk,
        expected_version=ended.version,
        reason="Replaced by the court.",
    )
    with time_machine.travel(unserved.expires_at - timedelta(days=1)):
        assert services.orders_expiry_notify() == 0
