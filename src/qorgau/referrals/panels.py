from qorgau.cases import policies as case_policies
from qorgau.referrals import selectors


def referrals_panel(request):
    if not case_policies.works_on_cases(request.user):
        return None
    incoming = selectors.referral_list(actor=request.user, direction="incoming", status="open")
    overdue = selectors.referral_list_overdue(actor=request.user)
    if not incoming and not overdue:
        return None
    return {"template": "referrals/panels/referrals.html", "incoming": incoming, "overdue": overdue}


def due_panel(request):
    due = selectors.due_work(actor=request.user)
    if not any(due.values()):
        return None
    return {"template": "referrals/panels/due.html", **due}


def approvals_panel(request):
    """A supervisor's "waiting for my approval": plans, closures and emergency grants."""
    waiting = selectors.approval_list_waiting(actor=request.user)
    if not any(waiting.values()):
        return None
    return {"template": "referrals/panels/approvals.html", **waiting}
