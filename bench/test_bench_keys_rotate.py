"""`qorgau keys rotate`: time to re-encrypt 10,000 persons (six encrypted fields each).

Run: make bench PYTEST_ARGS="-k rotate"   (add TEST_DATABASE_URL=... for PostgreSQL)
"""

from datetime import date

import pytest
from django.test import override_settings

from qorgau.core.crypto import generate_key_string
from qorgau.core.models import KeyRotationState
from qorgau.core.rotation import rotate_model
from qorgau.people.models import Person

PERSONS = 10_000


@pytest.mark.django_db
def test_bench_rotate_10k_persons(benchmark, make_user, open_case, settings):
    case = open_case(make_user("caseworker"))
    Person.objects.bulk_create(
        [
            Person(
                case=case,
                role="witness",
                family_name=f"Көкжиекова{i}",
                given_name="Айгүл",
                patronymic="Ерланқызы",
                iin="900101400404",
                birth_date=date(1990, 1, 1),
                phones=[f"+7700000{i % 10000:04d}"],
                address="Сарыарқа ауданы",
            )
            for i in range(PERSONS)
        ],
        batch_size=1000,
    )
    fields = [f for f in Person._meta.concrete_fields if f.__class__.__name__ == "EncryptedField"]
    ring = [settings.QORGAU_DATA_KEYS]
    overrides = []

    def fresh_key():
        # Each round puts a new key first; the previous ones stay to open what they sealed.
        ring.insert(0, generate_key_string(f"r{len(ring)}"))
        overrides.append(override_settings(QORGAU_DATA_KEYS=",".join(ring)))
        overrides[-1].enable()
        KeyRotationState.objects.all().delete()
        return (), {}

    try:
        changed = benchmark.pedantic(
            lambda: rotate_model(Person, fields, batch_size=500), setup=fresh_key, rounds=3, iterations=1
        )
    finally:
        for override in reversed(overrides):
            override.disable()
    assert changed >= PERSONS
