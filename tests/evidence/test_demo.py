"""Demo evidence: several cyber-violence cases with files, links and messages; one package exported;
every stored file opens and matches its hash; building twice adds nothing. (Only the builders it
needs: accounts, cases, evidence.)"""

import io

from qorgau.cases.models import IncidentCyber
from qorgau.evidence import storage
from qorgau.evidence.models import EvidenceExport, EvidenceItem, TakedownRequest


def _build():
    from qorgau.accounts import demo as accounts_demo
    from qorgau.cases import demo as cases_demo
    from qorgau.evidence import demo

    out, world = io.StringIO(), {}
    for builder in (accounts_demo, cases_demo, demo):
        world.update(builder.build(out, world) or {})
    return world


def test_demo_evidence(db):
    _build()
    counts = (EvidenceItem.objects.count(), EvidenceExport.objects.count(), IncidentCyber.objects.count())
    _build()
    assert (
        EvidenceItem.objects.count(),
        EvidenceExport.objects.count(),
        IncidentCyber.objects.count(),
    ) == counts
    assert counts[0] >= 12 and counts[1] == 1 and counts[2] >= 3
    assert len({i.case_id for i in EvidenceItem.objects.all()}) >= 3
    takedowns = TakedownRequest.objects.all()
    assert takedowns.count() >= 4 and {t.status for t in takedowns} == {
        "sent",
        "acknowledged",
        "done",
        "refused",
    }
    cyber_cases = set(IncidentCyber.objects.values_list("incident__case_id", flat=True))
    assert {t.case_id for t in takedowns} <= cyber_cases
    for item in EvidenceItem.objects.filter(kind="file"):
        storage.verify(item.pk, storage.item_key(item), item.sha256, item.size)
