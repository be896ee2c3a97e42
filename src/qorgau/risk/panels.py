"""Where risk work appears on other pages: the case page (a section and a header badge) and the
dashboard (re-assessments due, conference actions, the coordinator's work)."""

from django.utils.translation import gettext as _

from qorgau.cases.policies import works_on_cases
from qorgau.core.forms import kept_form
from qorgau.risk import policies, selectors
from qorgau.risk.forms import ReferralForm


def _summary(request, detail):
    # The section and the badge of one page share one read.
    cache = getattr(request, "_risk_summary", {})
    if detail.case.pk not in cache:
        cache[detail.case.pk] = selectors.case_risk_get(
            actor=request.user, case=detail.case, access=detail.access
        )
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
        "toc": [("risk", _("Risk and safety"))],
        "case": case,
        "risk": summary,
        "may_assess": policies.can_assess(request.user, case, detail.access),
        "may_refer": may_refer,
        "may_refer_without_consent": may_refer
        and policies.can_refer(request.user, case, "risk_to_life", detail.access),
        "referral_form": (kept_form(request, "conference_referral_form") or ReferralForm())
        if may_refer
        else None,
    }


def case_badge(request, detail):
    summary = _summary(request, detail)
    if summary is None:
        return None
    return {"template": "risk/_badge.html", "current": summary.current, "overdue": summary.overdue}


def reassessments(request):
    if not works_on_cases(request.user):
        return None
    items, unassessed = selectors.reassessment_list_due(actor=request.user)
    if not items and not unassessed:
        return None
    return {"template": "risk/panels/reassessments.html", "items": items, "unassessed": unassessed}


def conference_actions(request):
    actions = selectors.conference_action_list(actor=request.user)
    if not actions:
        return None
    return {"template": "risk/panels/actions.html", "actions": actions}


def coordinator(request):
    if not policies.is_coordinator(request.user):
        return None
    return {
        "template": "risk/panels/coordinator.html",
        "waiting": selectors.conference_referral_list_waiting(actor=request.user),
        "upcoming": selectors.conference_list_upcoming(actor=request.user),
        "follow_up": selectors.conference_referral_list_follow_up(actor=request.user),
    }


def case_summary_part(actor, detail):
    """The risk part of the printed case summary (only for readers who see the safety section).
    The safety plan itself is never printed here: it has its own discreet printout for her."""
    from django.utils import formats, timezone

    summary = selectors.case_risk_get(actor=actor, case=detail.case, access=detail.access)
    if summary is None:
        return None

    def day(value):
        return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT") if value else "—"

    current = summary.current
    if current is None:
        return _("Risk and safety"), [(_("Level"), _("No risk assessment yet."))]
    rows = [
        (_("Level"), current.get_level_display()),
        (_("Date"), day(current.assessed_at)),
        (_("Next assessment due"), day(summary.next_due) + (f" ({_('late')})" if summary.overdue else "")),
        (_("Safety plan"), day(summary.plan.updated_at) if summary.plan else "—"),
    ]
    return _("Risk and safety"), rows


# --- Columns of the case list ----------------------------------------------------------------------


def _due_within(days: int):
    def q(name):
        from datetime import timedelta

        from django.db.models import Q
        from django.utils import timezone

        return Q(**{f"{name}__lte": timezone.now() + timedelta(days=days)})

    return q


def list_columns():
    from django.db.models import Q
    from django.utils import formats, timezone
    from django.utils.translation import gettext_lazy

    from qorgau.cases.extensions import ListColumn
    from qorgau.risk.levels import RiskLevel
    from qorgau.risk.templatetags.risk_tags import level_class

    def level_filter(level):
        return lambda name: Q(**{name: int(level)})

    def day(value):
        text = formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
        return f"{text} ({_('late')})" if value <= timezone.now() else text

    return [
        ListColumn(
            key="risk",
            label=gettext_lazy("Risk level"),
            section="safety",
            annotation=selectors.current_level_annotation,
            display=lambda value: RiskLevel(value).label,
            css=level_class,
            filters=tuple((level.key, level.label, level_filter(level)) for level in RiskLevel),
        ),
        ListColumn(
            key="due",
            label=gettext_lazy("Next assessment due"),
            section="safety",
            annotation=selectors.next_due_annotation,
            display=day,
            css=lambda value: "danger" if value <= timezone.now() else "",
            filters=(
                ("overdue", gettext_lazy("Overdue"), _due_within(0)),
                ("week", gettext_lazy("Due within 7 days"), _due_within(7)),
            ),
        ),
    ]
