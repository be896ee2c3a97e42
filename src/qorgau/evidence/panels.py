"""The locker's place on the case page: a link, and the requests to platforms (one query; the
case page's read is already audited)."""


def case_section(request, detail):
    if not detail.access.sections:
        return None
    from qorgau.evidence.selectors import takedowns_of_case

    return {
        "template": "evidence/case_section.html",
        "case": detail.case,
        "takedowns": takedowns_of_case(case=detail.case, access=detail.access),
    }
