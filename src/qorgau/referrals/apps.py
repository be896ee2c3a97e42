from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "qorgau.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from qorgau.accounts.roles import CASE_ROLES
        from qorgau.cases.extensions import register_case_section, register_event_texts, register_param_labels
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register
        from qorgau.notifications.texts import register_texts
        from qorgau.referrals import panels, tasks  # noqa: F401 - registers the periodic job
        from qorgau.referrals.models import PlanAction, WellbeingRating
        from qorgau.referrals.views import pathway_section

        register(NavItem(_("Referrals"), "referrals:list", CASE_ROLES, order=12))
        register_panel(panels.referrals_panel, order=8)
        register_panel(panels.due_panel, order=9)
        register_panel(panels.approvals_panel, order=3)
        register_case_section(pathway_section, order=50)
        register_param_labels(
            {"action_status": dict(PlanAction.Status.choices), "moment": dict(WellbeingRating.Moment.choices)}
        )
        register_event_texts(
            {
                "referral_sent": _("Referral sent to %(agency)s (%(service)s)"),
                "referral_accept": _("%(agency)s accepted the referral (%(service)s)"),
                "referral_decline": _("%(agency)s declined the referral (%(service)s)"),
                "referral_start": _("%(agency)s started work (%(service)s)"),
                "referral_complete": _("%(agency)s completed the referral (%(service)s)"),
                "referral_not_attended": _("She did not attend at %(agency)s (%(service)s)"),
                "referral_withdraw": _("Referral to %(agency)s withdrawn (%(service)s)"),
                "referral_overdue": _("Referral to %(agency)s is overdue (%(service)s)"),
                "service_delivered": _("Service given: %(service)s"),
                "plan_changed": _("The case plan changed"),
                "plan_action_status": _("A plan action is now “%(action_status)s”"),
                "wellbeing_recorded": _("Her safety and wellbeing rating was recorded (%(moment)s)"),
                "plan_submitted": _("The case plan was sent for approval"),
                "plan_approved": _("The case plan was approved"),
                "plan_returned": _("The case plan was returned with comments"),
                "closure_requested": _("Closure requested"),
                "closure_approved": _("The case was closed"),
                "closure_rejected": _("Closure was not approved"),
                "closure_returned": _("The closure was returned with comments"),
                "case_reopened": _("The case was reopened"),
            }
        )
        register_texts(
            {
                "referral_new": _("A new referral for your agency (case %(number)s)."),
                "referral_urgent": _("An URGENT referral for your agency (case %(number)s)."),
                "referral_accept": _("Your referral was accepted (case %(number)s)."),
                "referral_decline": _("Your referral was declined (case %(number)s)."),
                "referral_start": _("Work started on your referral (case %(number)s)."),
                "referral_complete": _("Your referral was completed (case %(number)s)."),
                "referral_not_attended": _("She did not attend the referral (case %(number)s)."),
                "referral_withdraw": _("A referral to your agency was withdrawn (case %(number)s)."),
                "referral_overdue": _("A referral is overdue (case %(number)s)."),
                "plan_submitted": _("A case plan waits for your approval (case %(number)s)."),
                "plan_returned": _("Your case plan was returned with comments (case %(number)s)."),
                "closure_returned": _(
                    "Your request to close the case was returned with comments (case %(number)s)."
                ),
                "emergency_reviewed": _("Your emergency access grant was reviewed (case %(number)s)."),
            }
        )
