"""Shared data: administrative units and the append-only audit chain."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.i18n import LocalizedNameMixin


class Region(LocalizedNameMixin, models.Model):
    """A top-level administrative unit (oblys or city of republican significance), kept as data."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class AuditEvent(models.Model):
    """One link of the audit chain. Never updated or deleted (a PostgreSQL trigger refuses both).

    Holds who did what to which object and why — never survivor-identifying content.
    """

    # Display order across lanes only (a sequence on PostgreSQL; gaps allowed). The chain order is
    # (lane, lane_seq): each event links to the previous event of its lane.
    seq = models.BigIntegerField(primary_key=True)
    lane = models.SmallIntegerField()  # 0 is the root lane (the checkpoint job's anchors)
    lane_seq = models.BigIntegerField()  # 1, 2, 3, ... within the lane
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)  # not a foreign key: the chain outlives accounts
    actor_username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.UUIDField(null=True, db_index=True)
    purpose = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=8, blank=True)  # web, api, cli, job
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which audit key sealed this event ("" is QORGAU_AUDIT_KEY; others come from QORGAU_AUDIT_KEYS).
    # It changes only at an `audit.key_rotated` event (`qorgau audit rotate-key`).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["actor_id", "at"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["lane", "lane_seq"], name="core_auditevent_lane_pos"),
        ]

    def __str__(self):
        return f"#{self.seq} (lane {self.lane} #{self.lane_seq}) {self.action}"


class AuditHead(models.Model):
    """The head of one lane (`id` is the lane: 0 the root, 1..QORGAU_AUDIT_LANES the writers').

    Locking a lane's row (SELECT ... FOR UPDATE SKIP LOCKED) gives an append that lane; comparing
    it with the table lets `audit verify` notice events cut off the end of the lane. A trigger lets
    it only move forward over events already appended, and never be deleted (migrations 0005,
    0006); `chain_id`, the same on every lane, names this chain in the signed checkpoints.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)  # the lane_seq of the lane's newest event
    hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")  # the key new events use
    chain_id = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return f"lane {self.id} head #{self.seq}"


class KeyRotationState(models.Model):
    """Where `qorgau keys rotate` got to in each model, so an interrupted run resumes there."""

    model = models.CharField(max_length=100, primary_key=True)
    target_key_id = models.CharField(max_length=16)
    last_pk = models.CharField(max_length=64, blank=True)
    rows_resealed = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.model} -> {self.target_key_id}"
