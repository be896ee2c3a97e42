from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "qorgau.directory"
    label = "directory"
    verbose_name = _("Service directory")

    def ready(self):
        from qorgau.accounts.roles import CASE_ROLES, Role
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register
        from qorgau.directory.views import capacity_panel

        register(
            NavItem(_("Directory"), "directory:search", frozenset(CASE_ROLES), order=40),
            NavItem(_("Capacity"), "directory:capacity", frozenset({Role.SHELTER_STAFF}), order=41),
            NavItem(_("Agency profile"), "directory:profile_edit", frozenset({Role.AGENCY_ADMIN}), order=79),
            NavItem(_("Service catalogue"), "directory:catalogue", frozenset({Role.SYSTEM_ADMIN}), order=82),
        )
        register_panel(capacity_panel, order=30)
