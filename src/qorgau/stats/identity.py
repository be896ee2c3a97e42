"""Which survivors are the same woman, across agencies: the one decision statistics needs.

`same_survivor_groups` is the only place that decides it, with the identity matching of
`people.matching`. Candidate pairs come from the blind indexes only: the same IIN, the same phone,
the same birth date together with a fully matching name token, or two fully matching name tokens. Only the persons in such pairs
are opened and compared; a pair is joined when the model's probability reaches
QORGAU_MATCH_THRESHOLD. A supervisor's decision overrides the model: "the same person" joins,
"not the same person" keeps the pair apart (as far as the rest of the grouping allows), and so do
two IINs more than one typing mistake apart, whatever the model says (statistics would rather count
a woman twice than join two). Relatives
who share a phone, a surname and a patronymic stay apart, since the model knows them.
"""

from django.conf import settings

from qorgau.people import matching
from qorgau.people.models import PairDecision, Person
from qorgau.people.selectors import blocked_pairs


def same_survivor_groups(person_ids: list) -> dict:
    """{person id: group number} for the survivors given (each person is in exactly one group)."""
    wanted = set(person_ids)
    pairs = blocked_pairs(wanted)
    involved = {p for pair in pairs for p in pair}
    prepared = {}
    involved_list = sorted(involved, key=str)
    for start in range(0, len(involved_list), 2000):
        for person in Person.objects.filter(pk__in=involved_list[start : start + 2000]):
            prepared[person.pk] = matching.prepare(_record(person))
    decisions = {
        (a, b): verdict
        for a, b, verdict in PairDecision.objects.filter(undone_at__isnull=True).values_list(
            "person_a_id", "person_b_id", "verdict"
        )
        if a in wanted and b in wanted
    }

    def verdict(a, b):
        return decisions.get((a, b)) or decisions.get((b, a))

    parent = {p: p for p in wanted}

    def find(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def join(a, b):
        a, b = find(a), find(b)
        if a != b:
            keep, drop = sorted((a, b), key=str)
            parent[drop] = keep

    threshold = settings.QORGAU_MATCH_THRESHOLD
    for a, b in sorted(decisions):
        if decisions[(a, b)] == PairDecision.Verdict.SAME:
            join(a, b)
    for a, b in sorted(pairs, key=lambda x: (str(x[0]), str(x[1]))):
        if verdict(a, b) == PairDecision.Verdict.DIFFERENT:
            continue
        if matching.compare_iin(prepared[a].iin, prepared[b].iin) == "differ":
            continue  # two different IINs are two women here, however alike the rest
        if matching.compare(prepared[a], prepared[b]).probability >= threshold:
            join(a, b)
    numbers: dict = {}
    return {p: numbers.setdefault(find(p), len(numbers) + 1) for p in sorted(wanted, key=str)}


def _record(person: Person) -> matching.Record:
    from qorgau.people.selectors import person_record

    return person_record(person)
