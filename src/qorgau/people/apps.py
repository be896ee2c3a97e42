from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qorgau.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from qorgau.core.nav import NavItem, register

        register(NavItem(_("Possible duplicates"), "people:duplicates", frozenset({"supervisor"}), order=25))
