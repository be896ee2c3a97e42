"""An agency's duty phone (shown to police at the scene with its orders): edited on the agency
form, stored in E.164 whatever way it is typed, a wrong number refused with a translated error."""

import pytest
from django.urls import reverse

from qorgau.accounts.models import Agency
from qorgau.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _form(agency, **changes):
    data = {
        "kind": agency.kind,
        "region": agency.region_id,
        "name_kk": agency.name_kk,
        "name_ru": agency.name_ru,
        "name_en": agency.name_en,
        "is_active": "on",
        "duty_phone": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def sysadmin(make_user, make_agency):
    return make_user(Role.SYSTEM_ADMIN, agency=make_agency(Agency.Kind.OPERATOR))


def test_the_duty_phone_is_stored_in_one_form(login_client, sysadmin, make_agency):
    police = make_agency(Agency.Kind.POLICE)
    client = login_client(sysadmin)
    url = reverse("accounts:agency_edit", args=[police.pk])
    assert "duty_phone" in client.get(url).content.decode()
    response = client.post(url, _form(police, duty_phone="8 (700) 000-91-01"))
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.duty_phone == "+77000009101"


@pytest.mark.parametrize("typed", ["12", "+7 700 000 91 01 #5", "call the desk"])
def test_a_wrong_duty_phone_is_refused_and_nothing_changes(login_client, sysadmin, make_agency, typed):
    police = make_agency(Agency.Kind.POLICE)
    client = login_client(sysadmin)
    response = client.post(reverse("accounts:agency_edit", args=[police.pk]), _form(police, duty_phone=typed))
    assert response.status_code == 200
    assert "Enter the duty phone as a full number" in response.content.decode()
    police.refresh_from_db()
    assert police.duty_phone == ""


def test_the_model_refuses_a_number_not_in_e164():
    from django.core.exceptions import ValidationError

    from qorgau.accounts.models import validate_duty_phone

    validate_duty_phone("+77000009101")
    with pytest.raises(ValidationError):
        validate_duty_phone("8 700 000 91 01")


def test_demo_duty_phones_are_in_the_synthetic_range():
    from qorgau.accounts.demo import demo_duty_phone
    from qorgau.core.phones import normalize_phone

    for n in (1, 42, 999):
        phone = demo_duty_phone(n)
        assert phone.startswith("+77000009") and normalize_phone(phone) == phone
