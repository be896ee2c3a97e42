from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from qorgau.core.nav import NavItem, register

        register(NavItem(_("Dashboard"), "core:home", frozenset(), order=0))
