from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "qorgau.campaigns"
    label = "campaigns"
    verbose_name = _("Prevention campaigns")

    def ready(self):
        from qorgau.accounts.roles import Role
        from qorgau.campaigns.views import dashboard_panel
        from qorgau.core.dashboard import register_panel
        from qorgau.core.nav import NavItem, register

        # Organisers: anyone but system admins and analysts (policies.can_organise decides per page).
        organisers = frozenset(set(Role.values) - {Role.SYSTEM_ADMIN, Role.ANALYST})
        register(
            NavItem(_("Events"), "campaigns:event_list", organisers, order=60),
            NavItem(
                _("Campaigns"), "campaigns:campaign_list", frozenset({Role.CAMPAIGN_COORDINATOR}), order=61
            ),
        )
        register_panel(dashboard_panel, order=60)
