"""Pickers of agencies and people for the case forms (referral, consent, emergency access, the
case plan). They offer only agencies that take cases (and provide the chosen service), her
region first and then by name; a search box narrows the list (app.js; without JavaScript the list
is short and grouped). What they offer comes from selectors; what they accept is checked again
by the services, which give the true reason for a refusal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.directory.selectors import agencies_taking_cases

SEARCH_ATTRS = {"data-searchable": "", "data-search-label": _("Search by name or region")}


def _agency_label(agency) -> str:
    return f"{agency.name} — {agency.region.name}"


class AgencyChoiceField(forms.ModelChoiceField):
    """Accepts any agency that takes cases; shows what `offer` was given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", agencies_taking_cases())
        super().__init__(**kwargs)
        self.widget.attrs.update(SEARCH_ATTRS)

    def label_from_instance(self, obj):
        return _agency_label(obj)

    def offer(self, agencies, *, region_id=None) -> None:
        """Show these agencies (a callable, read when the form is drawn, not when it is built)."""
        self.widget.choices = lambda: self._grouped(agencies(), region_id)

    @staticmethod
    def _grouped(agencies, region_id) -> list:
        here = [(a.pk, _agency_label(a)) for a in agencies if region_id and a.region_id == region_id]
        rest = [(a.pk, _agency_label(a)) for a in agencies if not (region_id and a.region_id == region_id)]
        choices: list = [("", "—")]
        if here and rest:
            choices += [(_("In her region"), here), (_("Other regions"), rest)]
        else:
            choices += here + rest
        return choices


class PersonChoiceField(forms.ModelChoiceField):
    """Staff of the agencies taking part in the case, shown with their agency."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(SEARCH_ATTRS)

    def label_from_instance(self, obj):
        return f"{obj.display_name} — {obj.agency.name}" if obj.agency_id else obj.display_name
