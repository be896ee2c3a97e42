from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "qorgau.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from qorgau.accounts.roles import Role
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register
        from qorgau.stats import tasks, views  # noqa: F401 - tasks registers the periodic rebuild

        register(
            NavItem(_("Statistics"), "stats:dashboard", frozenset({Role.ANALYST}), order=60),
            NavItem(
                _("Risk levels and outcomes"), "stats:calibration", frozenset({Role.SYSTEM_ADMIN}), order=61
            ),
        )
        register_panel(views.stats_panel, order=15)
