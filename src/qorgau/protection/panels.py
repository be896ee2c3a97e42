"""Where legal protection appears on other pages: a section of the case page and a dashboard panel."""

from qorgau.protection import policies, requirement_selectors, selectors


def case_section(request, detail):
    protection = selectors.case_protection_get(actor=request.user, case=detail.case, access=detail.access)
    if protection is None:
        return None
    return {
        "template": "protection/case_section.html",
        "case": detail.case,
        "protection": protection,
        "proceedings": selectors.case_proceedings_get(
            actor=request.user, case=detail.case, access=detail.access
        ),
        "may_record_proceeding": policies.can_record_proceeding(request.user, detail.case, detail.access),
        "requirements": requirement_selectors.case_requirements_get(
            actor=request.user, case=detail.case, access=detail.access
        ),
    }


def orders(request):
    due = selectors.protective_order_list_attention(actor=request.user)
    if not due:
        return None
    return {"template": "protection/panels/orders.html", "orders": due}


def legal_work(request):
    """Prosecutors and lawyers: hearings this week, proceedings by stage, orders expiring,
    court requirements ending."""
    work = selectors.legal_work_get(actor=request.user)
    if work is None:
        return None
    return {
        "template": "protection/panels/legal_work.html",
        "work": work,
        "requirements": requirement_selectors.legal_requirements_ending(
            actor=request.user, case_ids=work.case_ids
        ),
    }


def programmes(request):
    """The agency that runs correction programmes: the people a court sent to it."""
    rows = requirement_selectors.programme_list(actor=request.user)
    if not rows:
        return None
    return {"template": "protection/panels/programmes.html", "rows": rows[:10]}
