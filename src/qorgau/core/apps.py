from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _audit_head_after_flush(sender, using, **kwargs):
    """The test runner empties every table between transactional tests (and then sends
    post_migrate): give the emptied chain its head back. Only in test mode: in production a missing
    head is refused, never quietly re-created (migration 0005 creates it once)."""
    from django.conf import settings

    if not settings.TESTING:
        return
    from qorgau.core.models import AuditEvent, AuditHead

    if not AuditHead.objects.using(using).exists() and not AuditEvent.objects.using(using).exists():
        AuditHead.objects.using(using).create(id=1)


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from qorgau.core.nav import NavItem, register

        register(NavItem(_("Dashboard"), "core:home", frozenset(), order=0))
        post_migrate.connect(_audit_head_after_flush, sender=self)
