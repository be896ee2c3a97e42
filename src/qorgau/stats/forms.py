"""The dashboards' filters: period (whole months), region, type of violence, age band."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.cases.classification import add_months
from qorgau.stats import dimensions
from qorgau.stats.figures import Filters

MAX_MONTHS = 36
FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF"))
LANGUAGES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


def _month(value: str, field: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise forms.ValidationError({field: _("Give a month as YYYY-MM.")}) from None


def default_period() -> tuple[date, date]:
    """The last twelve whole months."""
    today = timezone.localdate()
    end = add_months(date(today.year, today.month, 1), -1)
    return add_months(end, -11), end


class FilterForm(forms.Form):
    start = forms.CharField(label=_("From (month)"), required=False, max_length=7)
    end = forms.CharField(label=_("To (month)"), required=False, max_length=7)
    region = forms.ChoiceField(label=_("Region"), required=False)
    gbv_type = forms.ChoiceField(label=_("Type of violence"), required=False)
    age_band = forms.ChoiceField(label=_("Age band"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["region"].choices = [("", _("Whole country")), *dimensions.regions()]
        self.fields["gbv_type"].choices = everything + list(dimensions.GBV_TYPES)
        self.fields["age_band"].choices = everything + list(dimensions.AGE_BANDS)
        start, end = default_period()
        self.fields["start"].widget = forms.DateInput(attrs={"type": "month"})
        self.fields["end"].widget = forms.DateInput(attrs={"type": "month"})
        self.initial_period = (start, end)

    def clean(self):
        data = super().clean()
        default_start, default_end = self.initial_period
        start = _month(data["start"], "start") if data.get("start") else default_start
        end = _month(data["end"], "end") if data.get("end") else default_end
        today = timezone.localdate()
        if end > date(today.year, today.month, 1):
            raise forms.ValidationError({"end": _("The period cannot end in the future.")})
        if start > end:
            raise forms.ValidationError({"start": _("The period must start before it ends.")})
        if start < date(2000, 1, 1):
            raise forms.ValidationError({"start": _("The period cannot start before 2000.")})
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months > MAX_MONTHS:
            raise forms.ValidationError({"end": _("Choose at most 36 months.")})
        data["filters"] = Filters(
            start, end, data.get("region") or "", data.get("gbv_type") or "", data.get("age_band") or ""
        )
        return data


class DownloadForm(forms.Form):
    format = forms.ChoiceField(choices=FORMATS)
    lang = forms.ChoiceField(choices=LANGUAGES, required=False)
