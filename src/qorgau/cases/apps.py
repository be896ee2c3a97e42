from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "qorgau.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from qorgau.accounts.roles import CASE_ROLES
        from qorgau.cases import panels, tasks  # noqa: F401 - registers the draft purge
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register

        register(
            NavItem(_("Cases"), "cases:list", CASE_ROLES, order=10),
            NavItem(_("New case"), "cases:intake", CASE_ROLES, order=11),
        )
        register_panel(panels.care_windows, order=5)
        register_panel(panels.my_cases, order=10)
        register_panel(panels.supervisor, order=20)
