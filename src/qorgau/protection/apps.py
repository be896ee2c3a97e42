from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "qorgau.protection"
    label = "protection"
    verbose_name = _("Legal protection")

    def ready(self):
        from qorgau.accounts.roles import Role
        from qorgau.cases import extensions
        from qorgau.core import nav
        from qorgau.core.dashboard import register_panel
        from qorgau.notifications.texts import register_texts
        from qorgau.protection import (  # noqa: F401 - tasks register jobs
            panels,
            requirement_scene,
            requirement_stats,
            requirement_texts,
            selectors,
            stats,
            tasks,
            texts,
        )
        from qorgau.protection.prefill import prior_incidents_prefill
        from qorgau.risk.selectors import register_breach_source, register_prefill_source

        extensions.register_case_section(panels.case_section, order=15)
        extensions.register_event_texts(texts.EVENT_TEXTS)
        extensions.register_param_labels(texts.EVENT_LABELS)
        register_texts(texts.NOTIFICATION_TEXTS)
        extensions.register_event_texts(requirement_texts.EVENT_TEXTS)
        extensions.register_param_labels(requirement_texts.EVENT_LABELS)
        register_texts(requirement_texts.NOTIFICATION_TEXTS)
        register_panel(panels.programmes, order=9)
        register_panel(panels.orders, order=7)
        register_panel(panels.legal_work, order=8)
        register_breach_source(selectors.breach_dates)
        register_prefill_source(prior_incidents_prefill)
        stats.register()
        nav.register(
            nav.NavItem(
                _("At the scene"), "protection:scene_lookup", frozenset({Role.POLICE_OFFICER}), order=25
            )
        )
        requirement_stats.register()
