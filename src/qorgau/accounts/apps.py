from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qorgau.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from qorgau.accounts.roles import Role
        from qorgau.core.nav import NavItem, register

        register(
            NavItem(_("Staff"), "accounts:staff_home", frozenset({Role.AGENCY_ADMIN}), order=80),
            NavItem(_("Agencies"), "accounts:agency_list", frozenset({Role.SYSTEM_ADMIN}), order=81),
            NavItem(_("Account security"), "accounts:security", frozenset({Role.SUPERVISOR}), order=82),
        )
