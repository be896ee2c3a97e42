"""De-identified facts for statistics, rebuilt by the worker from consented cases (refresh.py).

Nothing here names a person, a case or an agency: each row is one counted thing with the
categories it is counted by. `survivor` is a number given afresh at every rebuild to the
incidents of one survivor (so repeats can be counted), meaningless outside that rebuild.
Statistics read only these tables (through `db.stats_alias()`), never the case tables.
"""

from django.db import models


class IncidentFact(models.Model):
    """One incident, counted once however many agencies recorded it."""

    survivor = models.PositiveIntegerField()
    occurred_on = models.DateField()
    month = models.DateField()  # first day of the month it was first reported
    region = models.CharField(max_length=2)
    gbv_type = models.CharField(max_length=20)
    age_band = models.CharField(max_length=8)
    sex = models.CharField(max_length=1)
    disability = models.CharField(max_length=16)
    relationship = models.CharField(max_length=20)
    delay_band = models.CharField(max_length=10)
    entry_point = models.CharField(max_length=20)
    ctx_ipv = models.BooleanField(default=False)
    ctx_child_sexual_abuse = models.BooleanField(default=False)
    ctx_early_marriage = models.BooleanField(default=False)
    ctx_sexual_exploitation = models.BooleanField(default=False)
    ctx_sexual_slavery = models.BooleanField(default=False)
    ctx_harmful_practice = models.BooleanField(default=False)
    # Dimensions other apps contribute through the registry ({"cyber_subtype": "..."}).
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["month", "region"]), models.Index(fields=["survivor", "occurred_on"])]

    def __str__(self):
        return f"{self.gbv_type} {self.month:%Y-%m}"


class IncidentCount(models.Model):
    """The incident facts counted ahead by the rebuild, for the national dashboard: per month,
    region and one breakdown value, for every type and age band together ("" in both), for each
    type alone, and for each age band alone. A page reads a year of these (a few thousand rows)
    instead of grouping a year of facts (some 80,000 at a million incidents) by every breakdown.
    `dimension` is a breakdown's code, "month" for the count itself (no value), or a context
    flag ("ctx_ipv", value "true" or "false")."""

    month = models.DateField()
    region = models.CharField(max_length=2)
    gbv_type = models.CharField(max_length=20, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    dimension = models.CharField(max_length=64)
    value = models.CharField(max_length=64, null=True)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["gbv_type", "age_band", "month"])]

    def __str__(self):
        return f"{self.dimension}={self.value} {self.month:%Y-%m}: {self.n}"


class Fact(models.Model):
    """One counted thing of the pathway, risk work or outcomes, in one shape for all of them.

    `kind` says what it is (a referral, a service given, an assessment, ... or a kind another app
    registers); `a` and `b` are its two categories, `flag`, `flag2` and `number` its measures —
    what each means per kind is written in `facts.py` beside the code that fills it."""

    kind = models.CharField(max_length=32)
    region = models.CharField(max_length=2)
    month = models.DateField()
    a = models.CharField(max_length=64, blank=True)
    b = models.CharField(max_length=64, blank=True)
    flag = models.BooleanField(null=True)
    flag2 = models.BooleanField(null=True)
    number = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "month"])]

    def __str__(self):
        return f"{self.kind} {self.month:%Y-%m}"


class Refresh(models.Model):
    """One rebuild of the facts: when, and how much it counted (never who)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    incidents_consented = models.PositiveIntegerField(default=0)
    incidents_counted = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    facts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"refresh {self.finished_at:%Y-%m-%d %H:%M}"


class PatternCache(models.Model):
    """A suppression pattern that passed the attacker audit, by the digest of the exact cells,
    relations and settings it protects: the same data gives the same pattern, computed once."""

    digest = models.CharField(max_length=64, primary_key=True)
    suppressed = models.JSONField()  # indexes into the release's sorted cell list
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.digest[:12]
