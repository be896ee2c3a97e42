from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "qorgau.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from qorgau.accounts.roles import Role
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register
        from qorgau.portal.views import inbox_panel

        register(
            NavItem(
                _("Contact requests"),
                "contact_requests:inbox",
                frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
                order=42,
            ),
        )
        register_panel(inbox_panel, order=20)
