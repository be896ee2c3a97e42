from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qorgau.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from qorgau.core.nav import NavItem, register

        register(NavItem(_("Possible duplicates"), "people:duplicates", frozenset({"supervisor"}), order=25))

        from qorgau.lifecycle.retention import register_anonymiser

        register_anonymiser(_forget_register_refs)


def _forget_register_refs(case_id) -> int:
    """Anonymising a case also forgets which record of an agency's old register she was: the
    record id would lead back to her in that register."""
    from qorgau.people.models import PersonRegisterRef

    deleted, _kinds = PersonRegisterRef.objects.filter(person__case_id=case_id).delete()
    return deleted
