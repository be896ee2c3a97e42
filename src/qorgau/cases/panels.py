"""Dashboard panels for people who work on cases."""

from qorgau.cases import policies, selectors
from qorgau.cases.models import Case


def care_windows(request):
    windows = selectors.care_window_list(actor=request.user)
    if not windows:
        return None
    return {"template": "cases/panels/care_windows.html", "windows": windows}


def my_cases(request):
    if not policies.works_on_cases(request.user):
        return None
    cases = selectors.case_list(actor=request.user, mine=True, open_only=True, limit=10, purpose="dashboard")
    return {"template": "cases/panels/my_cases.html", "cases": cases}


def supervisor(request):
    if not (policies.works_on_cases(request.user) and request.user.has_role("supervisor")):
        return None
    return {
        "template": "cases/panels/supervisor.html",
        # Words, not codes: "Open: 2 · Closed: 1".
        "counts": [
            (Case.Status(status).label, n)
            for status, n in selectors.case_count_by_status(actor=request.user).items()
        ],
        "imported": selectors.imported_case_count(actor=request.user),
        "grants": selectors.emergency_grant_list_to_review(actor=request.user),
        "requests": selectors.access_request_list(actor=request.user),
    }
