"""Who may organise, see, approve and cancel what (policies.py, through the services and pages)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from tests.campaigns.conftest import event_data

from qorgau.campaigns import services
from qorgau.campaigns.models import Event
from qorgau.core.models import Region

S = Event.Status


def _create(world, actor, region="71", **overrides):
    data = event_data(**overrides)
    data.pop("region_id")
    return services.event_create(
        actor=actor, campaign=world["campaign"], region=Region.objects.get(pk=region), **data
    )


def test_national_coordinator_approves_any_region(world, make_event):
    event = make_event(by=world["almaty_organiser"], status=S.SUBMITTED, region_id="75")
    assert services.event_transition(actor=world["national"], event=event, to=S.APPROVED).status == S.APPROVED


def test_regional_coordinator_approves_only_their_region(world, make_event):
    astana = make_event(status=S.SUBMITTED)
    almaty = make_event(by=world["almaty_organiser"], status=S.SUBMITTED, region_id="75")
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=world["regional"], event=almaty, to=S.APPROVED)
    almaty.refresh_from_db()
    assert almaty.status == S.SUBMITTED
    assert (
        services.event_transition(actor=world["regional"], event=astana, to=S.APPROVED).status == S.APPROVED
    )


def test_the_region_of_the_event_counts_not_the_organisers(world, make_event):
    # An Astana NGO holds an event in Almaty: Almaty's coordinator approves it, Astana's cannot.
    event = make_event(status=S.SUBMITTED, region_id="75")
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=world["regional"], event=event, to=S.APPROVED)
    assert (
        services.event_transition(actor=world["regional_almaty"], event=event, to=S.APPROVED).status
        == S.APPROVED
    )


def test_nobody_approves_their_own_event_but_a_colleague_may(world):
    own = _create(world, world["regional"], title="Akimat's own lecture")
    services.event_transition(actor=world["regional"], event=own, to=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=world["regional"], event=own, to=S.APPROVED)
    assert services.event_transition(actor=world["regional2"], event=own, to=S.APPROVED).status == S.APPROVED

    commission = _create(world, world["national"], title="Commission round table")
    services.event_transition(actor=world["national"], event=commission, to=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=world["national"], event=commission, to=S.APPROVED)
    assert (
        services.event_transition(actor=world["regional"], event=commission, to=S.APPROVED).status
        == S.APPROVED
    )


def test_organisers_cannot_approve(world, make_event):
    event = make_event(status=S.SUBMITTED)
    for actor in (world["organiser"], world["colleague"], world["almaty_organiser"]):
        with pytest.raises(PermissionDenied):
            services.event_transition(actor=actor, event=event, to=S.APPROVED)


def test_organisers_edit_only_their_own_agencys_events(world, make_event):
    event = make_event()
    services.event_update(actor=world["colleague"], event=event, title="Renamed by a colleague")
    for actor in (world["almaty_organiser"], world["national"], world["regional"]):
        with pytest.raises(PermissionDenied):
            services.event_update(actor=actor, event=event, title="Not theirs")
    event.refresh_from_db()
    assert event.title == "Renamed by a colleague"


@pytest.mark.parametrize("who", ["analyst", "sysadmin"])
def test_analysts_and_system_admins_do_not_organise(world, who):
    with pytest.raises(PermissionDenied):
        _create(world, world[who])
    assert not Event.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "sysadmin"])
def test_analysts_and_system_admins_get_no_campaign_pages(world, client, login_client, who):
    login_client(world[who])
    for name in ("campaigns:event_list", "campaigns:campaign_list", "campaigns:event_create"):
        assert client.get(reverse(name)).status_code == 403


def test_drafts_are_the_organisers_own(world, make_event, client, login_client):
    event = make_event()
    url = reverse("campaigns:event_detail", args=[event.pk])
    for who in ("national", "regional", "almaty_organiser"):
        login_client(world[who])
        assert client.get(url).status_code == 404  # not even its existence is shown
    login_client(world["colleague"])
    assert client.get(url).status_code == 200


def test_coordinators_see_submitted_events_of_their_region_only(world, make_event, client, login_client):
    event = make_event(status=S.SUBMITTED)
    url = reverse("campaigns:event_detail", args=[event.pk])
    login_client(world["regional_almaty"])
    assert client.get(url).status_code == 404
    login_client(world["regional"])
    page = client.get(url).content.decode()
    assert "Approve" in page and event.title in page


def test_only_national_coordinators_manage_campaigns(world):
    for who in ("regional", "organiser", "analyst", "sysadmin"):
        with pytest.raises(PermissionDenied):
            services.campaign_copy_next_year(actor=world[who], campaign=world["campaign"])


def test_organisers_see_campaigns_and_whom_to_ask_but_cannot_manage_them(world, client, login_client):
    world["campaign"].coordinators.set([world["regional"]])
    login_client(world["organiser"])
    page = client.get(reverse("campaigns:campaign_list")).content.decode()
    assert "16 Days 2026" in page and "Test regional" in page
    assert "New campaign" not in page and "Copy for next year" not in page
    assert client.get(reverse("campaigns:campaign_create")).status_code == 403
    response = client.post(reverse("campaigns:campaign_copy", args=[world["campaign"].pk]))
    assert response.status_code == 403
