from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "qorgau.risk"
    label = "risk"
    verbose_name = _("Risk assessment")

    def ready(self):
        from django.core import checks

        from qorgau.accounts.roles import CASE_ROLES, Role
        from qorgau.cases import extensions
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register
        from qorgau.notifications.texts import register_texts
        from qorgau.risk import panels, texts
        from qorgau.risk.checks import check_instruments, check_settings

        checks.register(check_instruments, "risk")
        checks.register(check_settings, "risk")
        extensions.register_case_section(panels.case_section, order=10)
        extensions.register_case_badge(panels.case_badge, order=10)
        extensions.register_summary_part(panels.case_summary_part, order=10)
        for column in panels.list_columns():
            extensions.register_list_column(column)
        extensions.register_event_texts(texts.EVENT_TEXTS)
        extensions.register_param_labels(texts.EVENT_LABELS)
        register_texts(texts.NOTIFICATION_TEXTS)
        register_panel(panels.coordinator, order=4)
        register_panel(panels.reassessments, order=6)
        register_panel(panels.conference_actions, order=12)
        register(
            NavItem(
                _("Risk conferences"),
                "risk:conferences",
                CASE_ROLES | {Role.CONFERENCE_COORDINATOR},
                order=30,
            )
        )
