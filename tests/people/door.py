"""The one door: the people app in the matrix (tests/doors.py)."""

from tests.doors import Route, case_staff, staff

ORDER = 40
own_supervisor = staff("supervisor", at=("own",))


def build(world):
    from datetime import date

    from tests.helpers import CASE_FIELDS, incident_data, survivor_data

    from qorgau.cases import services as case_services
    from qorgau.people import services

    worker, supervisor = world.data["worker"], world.data["supervisor"]
    case = world.data["case"]

    def open_with(**survivor):
        opened, _w = case_services.case_open(
            actor=worker,
            survivor=survivor_data(**survivor),
            case_fields=dict(CASE_FIELDS),
            incident=incident_data(),
            perpetrator=None,
            account="",
            consents=[],
        )
        return opened.people.get(role="survivor")

    # Her again, typed in passport Latin by a colleague: a duplicate for the review.
    again = open_with(family_name="ZHANDOSOVA", given_name="AIGUL", patronymic="", other_names=[])
    sister = open_with(given_name="Secret-sister-Dana", iin="", birth_date=date(1994, 7, 2), other_names=[])
    herself = case.people.get(role="survivor")
    decision = services.pair_decide(
        actor=supervisor, person_a_id=herself.pk, person_b_id=sister.pk, verdict="different"
    )
    world.ids.update(pair_decision_id=decision.pk, survivor_pk=herself.pk, duplicate_pk=again.pk)
    world.data.update(duplicate=again)
    world.secret("Secret-sister-Dana", case_staff("own"))  # her agency's case list shows her
    from qorgau.people.duplicates import find_duplicates

    find_duplicates(processes=1)  # the nightly search: the review page shows her pair


ROUTES = {
    # Every supervisor has her own agency's list (empty elsewhere in the world).
    "people:duplicates": Route(read=staff("supervisor")),
    "people:pair_decide": Route(
        write=own_supervisor,
        payload={"person_a": "{survivor_pk}", "person_b": "{duplicate_pk}", "verdict": "same"},
    ),
    "people:pair_undo": Route(
        write=own_supervisor, params={"decision_id": "pair_decision_id"}, payload={"version": "1"}
    ),
}
