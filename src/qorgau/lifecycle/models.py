"""What the data lifecycle remembers: retention runs, anonymised cases, erasure decisions and
where a blind-index rebuild got to. None of it holds survivor-identifying data."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One retention job. `as_of` is fixed when the run starts, so a resumed run selects the same
    cases whatever the clock says now; each case is done in its own transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    as_of = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    cases_total = models.PositiveIntegerField(default=0)
    cases_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"retention {self.as_of:%Y-%m-%d} {self.cases_done}/{self.cases_total}"


class AnonymisedCase(models.Model):
    """A case whose identifying data, free text and evidence are gone; its clear statistical
    fields (types, dates, regions, categories) remain for the statistics rebuild."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        ERASURE = "erasure", _("Her request for erasure")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    case_type = models.CharField(max_length=16)
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField()
    values_removed = models.PositiveIntegerField(default=0)
    rows_removed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.case_id} ({self.reason})"


class ErasureDecision(models.Model):
    """Her request for erasure and who decided it, on what basis (approved or refused)."""

    class Basis(models.TextChoices):
        CONSENT_WITHDRAWN = "consent_withdrawn", _("She withdrew consent and nothing requires keeping it")
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed for the purpose it was collected")
        PROCEEDINGS = "proceedings", _("Refused: needed for criminal or court proceedings")
        CHILD_PROTECTION = "child_protection", _("Refused: a child's protection requires keeping it")
        LEGAL_DUTY = "legal_duty", _("Refused: the law requires keeping it")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    requested_on = models.DateField()
    approved = models.BooleanField()
    basis = models.CharField(max_length=24, choices=Basis.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.case_id} {'approved' if self.approved else 'refused'}"


class IndexRebuildState(models.Model):
    """Where `qorgau keys reindex` got to: people are walked in primary-key order."""

    target = models.CharField(max_length=64, primary_key=True)  # index key id + folding version
    last_pk = models.CharField(max_length=64, blank=True)
    people_done = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"reindex {self.target}: {self.people_done}"
