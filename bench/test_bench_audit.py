"""How fast the audit chain appends and verifies (every audited read takes the head row)."""

import pytest

from qorgau.core.audit import audit_record, audit_verify
from qorgau.core.models import AuditEvent


@pytest.mark.django_db
def test_bench_audit_append(benchmark, make_user):
    actor = make_user("caseworker")
    benchmark(lambda: audit_record(actor=actor, action="case.view", object_type="cases.case", object_id="x"))


@pytest.mark.django_db
def test_bench_audit_verify_10k(benchmark, make_user):
    actor = make_user("caseworker")
    for _ in range(10_000):
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id="x")
    result = benchmark.pedantic(audit_verify, rounds=3, iterations=1)
    assert result.ok and result.checked == AuditEvent.objects.count()
