"""Identifying data is encrypted by the application, bound to its row and field, and rotatable."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from tests.helpers import SURVIVOR_IIN, SURVIVOR_NAME, SURVIVOR_PHONE

from qorgau.accounts.roles import Role
from qorgau.core.crypto import CryptoError, generate_key_string
from qorgau.core.fields import Sealed
from qorgau.core.models import KeyRotationState
from qorgau.people.models import Person


@pytest.fixture
def case(make_user, open_case):
    return open_case(make_user(Role.CASEWORKER))


def raw_row(person_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT family_name, iin, phones, birth_date FROM people_person WHERE id = %s",
            [person_id.hex if connection.vendor == "sqlite" else person_id],
        )
        return cursor.fetchone()


def test_database_holds_only_ciphertext(case):
    survivor = case.people.get(role="survivor")
    family_name, iin, phones, birth_date = raw_row(survivor.pk)
    for stored in (family_name, iin, phones, birth_date):
        assert stored.startswith("q1.demo1.")
    assert SURVIVOR_NAME[0] not in family_name and SURVIVOR_IIN not in iin and SURVIVOR_PHONE not in phones
    reloaded = Person.objects.get(pk=survivor.pk)
    assert reloaded.family_name == SURVIVOR_NAME[0] and reloaded.iin == SURVIVOR_IIN
    assert reloaded.phones == [SURVIVOR_PHONE] and reloaded.birth_date.isoformat() == "1990-01-01"


def test_ciphertext_copied_to_another_row_does_not_open(case, open_case, make_user):
    other = open_case(make_user(Role.CASEWORKER), survivor={"family_name": "Көкжиекова"})
    victim, attacker = case.people.get(role="survivor"), other.people.get(role="survivor")
    Person.objects.filter(pk=attacker.pk).update(family_name=Sealed(raw_row(victim.pk)[0]))
    with pytest.raises(CryptoError) as exc:
        Person.objects.get(pk=attacker.pk).family_name  # noqa: B018
    assert exc.value.code == "aad_or_tamper"


def test_ciphertext_moved_to_another_field_does_not_open(case):
    survivor = case.people.get(role="survivor")
    Person.objects.filter(pk=survivor.pk).update(given_name=Sealed(raw_row(survivor.pk)[0]))
    with pytest.raises(CryptoError):
        Person.objects.get(pk=survivor.pk).given_name  # noqa: B018


def test_encrypted_fields_cannot_be_queried(case):
    with pytest.raises(TypeError):
        list(Person.objects.filter(family_name=SURVIVOR_NAME[0]))
    assert Person.objects.filter(address__isnull=False).exists()


def test_values_are_opened_only_when_read(case):
    person = Person.objects.get(role="survivor", case=case)
    assert isinstance(person.__dict__["iin"], Sealed)
    assert person.iin == SURVIVOR_IIN and not isinstance(person.__dict__["iin"], Sealed)


def test_deferred_encrypted_field_loads_on_access(case):
    person = Person.objects.only("id", "case_id").get(role="survivor", case=case)
    assert person.given_name == SURVIVOR_NAME[1]


def test_key_rotation_is_resumable_and_idempotent(case, open_case, make_user, settings, capsys):
    worker = make_user(Role.CASEWORKER)
    for _ in range(3):
        open_case(worker)
    new_ring = f"{generate_key_string('k2')},{settings.QORGAU_DATA_KEYS}"
    with override_settings(QORGAU_DATA_KEYS=new_ring):
        # An interrupted run: one batch of two rows per model, then it stops.
        call_command("keys", "rotate", "--batch-size", "2", "--max-batches", "1", "--no-progress")
        state = KeyRotationState.objects.get(model="people.person")
        assert state.last_pk and state.finished_at is None and state.rows_resealed == 2
        call_command("keys", "rotate", "--batch-size", "2", "--no-progress")  # resumes to the end
        assert KeyRotationState.objects.get(model="people.person").finished_at is not None
        capsys.readouterr()
        call_command("keys", "status")
        status = capsys.readouterr().out
        assert "people.person: k2:" in status and "demo1" not in status
        assert Person.objects.filter(case=case, role="survivor").get().family_name == SURVIVOR_NAME[0]
        capsys.readouterr()
        call_command("keys", "rotate", "--no-progress")  # nothing left to do
        assert "re-encrypted rows: 0" in capsys.readouterr().out
    # Once the old key is gone from the ring, the old ciphertext would not open: nothing uses it.
    with override_settings(QORGAU_DATA_KEYS=new_ring.split(",")[0]):
        assert Person.objects.filter(case=case, role="survivor").get().iin == SURVIVOR_IIN


def test_rotation_writes_an_audit_event(case, settings):
    from qorgau.core.models import AuditEvent

    with override_settings(QORGAU_DATA_KEYS=f"{generate_key_string('k3')},{settings.QORGAU_DATA_KEYS}"):
        call_command("keys", "rotate", "--no-progress")
    assert AuditEvent.objects.filter(action="keys.rotate", object_type="people.person").exists()


def test_keys_generate_prints_a_usable_key(capsys):
    call_command("keys", "generate", "k9")
    line = capsys.readouterr().out.strip()
    assert line.startswith("k9:")
    from qorgau.core.crypto import KeyRing

    assert KeyRing.from_string(line).active_id == "k9"
