"""Dashboard panels for people who work on cases."""

from qorgau.cases import policies, selectors


def care_windows(request):
    windows = selectors.open_care_windows_for(actor=request.user)
    if not windows:
        return None
    return {"template": "cases/panels/care_windows.html", "windows": windows}


def my_cases(request):
    if not policies.works_on_cases(request.user):
        return None
    return {"template": "cases/panels/my_cases.html", "cases": selectors.my_open_cases(actor=request.user)}


def supervisor(request):
    if not (policies.works_on_cases(request.user) and request.user.has_role("supervisor")):
        return None
    return {
        "template": "cases/panels/supervisor.html",
        "counts": selectors.caseload_counts(actor=request.user),
        "grants": selectors.emergency_grants_to_review(actor=request.user),
        "requests": selectors.access_requests_for(actor=request.user),
    }
