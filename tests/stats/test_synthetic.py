"""The synthetic history the benchmark and the demo use: rows the application can read, and a
stopped run that resumes to the same history."""

from datetime import date

import pytest
from django.db import transaction

from qorgau.cases.models import Incident
from qorgau.core.iin import parse_iin
from qorgau.core.keys import blind
from qorgau.people.models import Person, PersonIndex
from qorgau.stats.refresh import rebuild
from qorgau.stats.synthetic import Plan, generate

END = date(2025, 6, 1)


def history() -> list[tuple]:
    return sorted(
        Incident.objects.values_list("case__number", "occurred_on", "gbv_type", "region_id", "survivor_age")
    )


@pytest.mark.django_db
def test_survivors_carry_an_iin_the_application_opens_and_finds(make_agency):
    make_agency()
    generate(Plan(incidents=300, end=END, months=12, pathway=False, duplicate_share=0.2))
    survivor = Person.objects.filter(role=Person.Role.SURVIVOR, birth_year__isnull=False).first()
    info = parse_iin(survivor.iin)  # decrypts with the data key ring and passes the checksum
    assert info.birth_date.year == survivor.birth_year
    digests = PersonIndex.objects.filter(person=survivor, kind="iin").values_list("digest", flat=True)
    assert list(digests) == [blind("iin", survivor.iin)]
    # The same incident recorded by the other agency under the same IIN is counted once.
    assert rebuild().duplicates > 0


@pytest.mark.django_db
def test_a_stopped_run_resumes_to_the_same_history(make_agency):
    make_agency()
    plan = {"end": END, "months": 12, "pathway": False, "chunk": 100}
    with transaction.atomic():  # the history of one uninterrupted run, then forgotten
        generate(Plan(incidents=300, **plan))
        whole = history()
        transaction.set_rollback(True)
    generate(Plan(incidents=200, **plan))  # stopped after two chunks
    made = generate(Plan(incidents=300, **plan))
    assert made["resumed_chunks"] == 2 and made["incidents"] == 300
    assert len(whole) == 300 and history() == whole
