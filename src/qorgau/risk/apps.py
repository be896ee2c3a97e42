from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "qorgau.risk"
    label = "risk"
    verbose_name = _("Risk assessment")

    def ready(self):
        from django.core import checks

        from qorgau.risk.checks import check_instruments, check_settings

        checks.register(check_instruments, "risk")
        checks.register(check_settings, "risk")
