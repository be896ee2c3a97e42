"""Demo evidence on cyber-violence cases: the kinds and the accounts on their incidents, a
screenshot (a generated image with an invented location in its EXIF, which the preview drops), a
link seen by her sister, a message as she showed it; requests to the platforms (takedown,
preservation, account data) with their answers; one package already exported for court.
Everything goes through the services (policy, timeline, audit, custody). All text is invented."""

import io
from datetime import timedelta

from django.db import transaction

from qorgau.accounts.roles import Role
from qorgau.cases import services as case_services
from qorgau.evidence import package, services, storage
from qorgau.evidence.models import EvidenceItem
from qorgau.evidence.upload import StagedFile

KINDS = [
    ["online_threats", "cyberstalking"],
    ["intimate_images", "sextortion"],
    ["tech_control"],
    ["impersonation", "doxxing", "online_harassment"],
]
PLATFORMS = ["telegram", "instagram", "whatsapp", "tiktok"]
# (what was asked, status, answered): one of each status across the demo cases
TAKEDOWNS = [
    ("takedown", "acknowledged", True),
    ("takedown", "done", True),
    ("account_data", "refused", True),
    ("preservation", "sent", False),
]


def _screenshot(n: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 640), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    for row in range(6):
        top = 40 + row * 95
        draw.rounded_rectangle(
            (20 + (row % 2) * 90, top, 250 + (row % 2) * 90, top + 70), 12, fill=(90, 140, 220)
        )
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"
    exif[0x8825] = {1: "N", 2: (51.0, 8.0 + n, 0.0), 3: "E", 4: (71.0, 25.0, 0.0)}  # invented location
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, exif=exif.tobytes())
    return out.getvalue()


def _stage(data: bytes) -> StagedFile:
    from qorgau.evidence import sniff

    writer = storage.ChunkWriter()
    for start in range(0, len(data), 64 * 1024):
        writer.write(data[start : start + 64 * 1024])
    size, sha256, _chunks = writer.finish()
    return StagedFile(writer, "screenshot.jpg", sniff.TYPES["image/jpeg"], size, sha256)


@transaction.atomic
def build(out, world: dict) -> dict:
    cases = [c for c in world.get("cases") or [] if c.status != "closed"]
    if not cases or EvidenceItem.objects.filter(case__in=cases).exists():
        out.write("already built")
        return {}
    from django.utils import timezone

    now = timezone.now()
    chosen = cases[:4]
    for n, case in enumerate(chosen):
        actor = case.assigned_to
        incident = case.incidents.order_by("occurred_on").first()
        if incident is None or actor is None:
            continue
        case_services.incident_cyber_update(
            actor=actor,
            case=case,
            incident_id=incident.pk,
            expected_version=0,
            subtypes=KINDS[n % len(KINDS)],
            accounts=[
                {"platform": PLATFORMS[n % 4], "handle": f"@demo_he_{n}_kz", "owner": "perpetrator"},
                {"platform": PLATFORMS[(n + 1) % 4], "handle": f"@demo_her_{n}", "owner": "survivor"},
            ],
        )
        services.evidence_file_add(
            actor=actor,
            case=case,
            section="legal",
            staged=_stage(_screenshot(n)),
            description="Демо: скриншот переписки с угрозами (вымышлено).",
            captured_at=now - timedelta(days=3 + n),
        )
        link = services.evidence_url_add(
            actor=actor,
            case=case,
            section="legal",
            url=f"https://example.org/demo/post/{1000 + n}",
            observed_at=now - timedelta(days=2 + n),
            observed_by="Әпкесі (демо)",
            description="Демо: оның суреттері жарияланған бет (ойдан құрастырылған).",
        )
        services.evidence_message_add(
            actor=actor,
            case=case,
            section="general",
            text="Демо: «Сені қайда жүргеніңді бәрібір білемін.» (ойдан құрастырылған)",
            sender=f"@demo_he_{n}_kz",
            captured_at=now - timedelta(days=4 + n),
        )
        # What was asked of the platform about the page, and how far it got.
        today = timezone.localdate()
        ask, status, answered = TAKEDOWNS[n % len(TAKEDOWNS)]
        services.takedown_add(
            actor=actor,
            case=case,
            item_id=link.pk,
            platform=PLATFORMS[n % 4],
            ask=ask,
            sent_on=today - timedelta(days=2 + n),
            reference=f"DEMO-{4200 + n}",
            status=status,
            response_on=today - timedelta(days=1) if answered else None,
        )
        if n == 0:
            services.takedown_add(
                actor=actor,
                case=case,
                item_id=link.pk,
                platform=PLATFORMS[0],
                ask="preservation",
                sent_on=today - timedelta(days=2),
                reference="DEMO-4299",
            )
    exported = 0
    first = chosen[0]
    exporter = next(
        (
            u
            for u in world.get("users", {}).values()
            if u.agency_id == first.holding_agency_id and u.has_role(Role.SUPERVISOR)
        ),
        None,
    )
    if exporter is not None:
        result = package.evidence_export(actor=exporter, case=first, purpose="court")
        for _part in result.stream:  # the package itself is not kept: its record and custody are
            pass
        exported = 1
    out.write(f"evidence on {len(chosen)} cyber-violence cases, {exported} package exported")
    return {}
