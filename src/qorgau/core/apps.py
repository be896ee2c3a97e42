from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _audit_lanes_after_migrate(sender, using, **kwargs):
    """Every lane up to QORGAU_AUDIT_LANES gets its head (empty lanes only). In test mode an
    emptied chain gets its heads back too (the test runner empties every table between
    transactional tests, then sends post_migrate); in production a lost head is refused, never
    quietly re-created (migration 0005 creates lane 1's once)."""
    from qorgau.core.audit import audit_lanes_ensure

    audit_lanes_ensure()


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from qorgau.core.nav import NavItem, register

        register(NavItem(_("Dashboard"), "core:home", frozenset(), order=0))
        post_migrate.connect(_audit_lanes_after_migrate, sender=self)
