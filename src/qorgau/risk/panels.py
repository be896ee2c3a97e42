"""Where risk work appears on other pages: the case page (a section and a header badge) and the
dashboard (re-assessments due, conference actions, the coordinator's work)."""

from qorgau.cases.policies import works_on_cases
from qorgau.risk import policies, selectors
from qorgau.risk.forms import ReferralForm


def _summary(request, detail):
    # The section and the badge of one page share one read.
    cache = getattr(request, "_risk_summary", {})
    if detail.case.pk not in cache:
        cache[detail.case.pk] = selectors.case_risk(actor=request.user, case=detail.case, access=detail.access)
        request._risk_summary = cache
    return cache[detail.case.pk]


def case_section(request, detail):
    summary = _summary(request, detail)
    if summary is None:
        return None
    case = detail.case
    may_refer = summary.proposal.propose and policies.can_refer(request.user, case, access=detail.access)
    return {
        "template": "risk/case_section.html",
        "case": case,
        "risk": summary,
        "may_assess": policies.can_assess(request.user, case, detail.access),
        "may_refer": may_refer,
        "may_refer_without_consent": may_refer and policies.can_refer(request.user, case, "risk_to_life",
                                                                      detail.access),
        "referral_form": ReferralForm() if may_refer else None,
    }


def case_badge(request, detail):
    summary = _summary(request, detail)
    if summary is None:
        return None
    return {"template": "risk/_badge.html", "current": summary.current, "overdue": summary.overdue}


def reassessments(request):
    if not works_on_cases(request.user):
        return None
    items, unassessed = selectors.reassessments_for(actor=request.user)
    if not items and not unassessed:
        return None
    return {"template": "risk/panels/reassessments.html", "items": items, "unassessed": unassessed}


def conference_actions(request):
    actions = selectors.my_agency_actions(actor=request.user)
    if not actions:
        return None
    return {"template": "risk/panels/actions.html", "actions": actions}


def coordinator(request):
    if not policies.is_coordinator(request.user):
        return None
    return {
        "template": "risk/panels/coordinator.html",
        "waiting": selectors.waiting_referrals(actor=request.user),
        "upcoming": selectors.upcoming_conferences(actor=request.user),
        "follow_up": selectors.follow_up(actor=request.user),
    }
