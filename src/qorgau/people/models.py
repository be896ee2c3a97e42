"""People in a case. Identifying data is encrypted; lookups go through keyed blind indexes."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedField


class Person(models.Model):
    class Role(models.TextChoices):
        SURVIVOR = "survivor", _("Survivor")
        PERPETRATOR = "perpetrator", _("Perpetrator")
        CHILD = "child", _("Child")
        WITNESS = "witness", _("Witness")
        GUARDIAN = "guardian", _("Guardian")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNKNOWN = "U", _("Not known")

    class Citizenship(models.TextChoices):
        KAZAKHSTAN = "KZ", _("Kazakhstan")
        OTHER = "other", _("Another country")
        STATELESS = "stateless", _("Stateless")
        UNKNOWN = "unknown", _("Not known")

    class Disability(models.TextChoices):
        NONE = "none", _("None")
        PHYSICAL = "physical", _("Physical")
        SENSORY = "sensory", _("Sensory (sight, hearing)")
        INTELLECTUAL = "intellectual", _("Intellectual")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
        UNKNOWN = "unknown", _("Not known")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role in the case"), max_length=16, choices=Role.choices)
    # Identifying: encrypted, names kept exactly as entered, in whatever script.
    family_name = EncryptedField(_("family name"), max_length=100)
    given_name = EncryptedField(_("given name"), max_length=100)
    patronymic = EncryptedField(_("patronymic"), max_length=100)
    other_names = EncryptedField(_("other names or spellings"), kind="json")
    iin = EncryptedField(_("IIN"), max_length=12)
    birth_date = EncryptedField(_("date of birth"), kind="date")
    phones = EncryptedField(_("phone numbers"), kind="json")
    address = EncryptedField(_("address"), max_length=500)
    document_number = EncryptedField(_("identity document number"), max_length=50)
    # Not identifying on their own: kept in clear for statistics.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    disability = models.CharField(
        _("disability"), max_length=16, choices=Disability.choices, default=Disability.UNKNOWN
    )
    citizenship = models.CharField(
        _("citizenship"), max_length=16, choices=Citizenship.choices, default=Citizenship.UNKNOWN
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.get_role_display()} {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)


class PersonIndex(models.Model):
    """Keyed blind indexes of a person: exact IIN and phone, folded name tokens.

    The digests are HMACs under QORGAU_INDEX_KEY: equal inputs give equal digests, and a
    database dump alone reveals nothing. Case and agency are copied here so a lookup can say
    "known to another agency" without opening anything.
    """

    class Kind(models.TextChoices):
        IIN = "iin"
        PHONE = "phone"
        NAME = "name"
        BIRTH = "birth"  # the birth date (ISO), for candidates with a mistyped name
        PAIR = "pair"  # two name parts, or a name part and the birth date (core.names.pair_tokens)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="index_entries")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]

    def __str__(self):
        return f"{self.kind}:{self.digest[:8]}"


class PairDecision(models.Model):
    """A supervisor's decision on a pair of person records: the same woman (merged: both cases
    keep their history, the records stay as they are and are linked) or not the same (the pair is
    never proposed again). Undoing a decision sets ``undone_at``; nothing is deleted."""

    class Verdict(models.TextChoices):
        SAME = "same", _("The same person")
        DIFFERENT = "different", _("Not the same person")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # person_a.pk < person_b.pk (as text), so a pair has one spelling.
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    probability = models.FloatField(default=0.0)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=models.Q(undone_at__isnull=True),
                name="people_one_live_decision_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.verdict} {self.pk}"


class PersonRegisterRef(models.Model):
    """The id an agency's register from before Qorgau gave her (`qorgau people import`): the
    import linked that record to a survivor the agency already held, or created the agency's
    record of her from it. One record id per agency, and one per person and agency, so a rerun
    of the same file skips what is already here."""

    class Outcome(models.TextChoices):
        LINKED = "linked", _("Linked to a survivor the agency held")
        CREATED = "created", _("Created from the register")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="register_refs")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    record_id = models.CharField(_("record id in the agency's register"), max_length=100)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    probability = models.FloatField(null=True, blank=True)
    imported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="people_register_ref_record"),
            models.UniqueConstraint(fields=["agency", "person"], name="people_register_ref_person"),
        ]

    def __str__(self):
        return f"{self.agency_id}:{self.record_id}"


class DuplicateRun(models.Model):
    """One run of the country-wide duplicate search (``people.duplicates``): when it finished
    and what it did. The review page says when the candidates it shows were found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    survivors = models.PositiveIntegerField(default=0)
    pairs_compared = models.PositiveBigIntegerField(default=0)
    pairs_stored = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"duplicates {self.finished_at:%Y-%m-%d %H:%M}"


class DuplicateCandidate(models.Model):
    """A pair of survivors the last run judged probably one woman, for a supervisor to decide.
    Never a merge: only a ``PairDecision`` links two records. ``reasons`` are codes
    (``field:level`` of ``people.matching``), rendered in the reader's language when shown."""

    run = models.ForeignKey(DuplicateRun, on_delete=models.CASCADE, related_name="candidates")
    # person_a.pk < person_b.pk (as text), as in PairDecision.
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="people_one_candidate_per_pair")
        ]

    def __str__(self):
        return f"candidate {self.probability:.2f}"
