from qorgau.cases import policies as case_policies
from qorgau.referrals import selectors


def referrals_panel(request):
    if not case_policies.works_on_cases(request.user):
        return None
    incoming = [r for r in selectors.referrals_for(actor=request.user, direction="incoming", status="open")]
    overdue = selectors.overdue_for(actor=request.user)
    if not incoming and not overdue:
        return None
    return {"template": "referrals/panels/referrals.html", "incoming": incoming, "overdue": overdue}


def due_panel(request):
    due = selectors.due_work(actor=request.user)
    if not any(due.values()):
        return None
    return {"template": "referrals/panels/due.html", **due}
