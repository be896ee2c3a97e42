"""Staff roles (DESIGN.md, "Who uses it") and the groups of them that rules refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    POLICE_OFFICER = "police_officer", _("Police officer")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    HEALTH_WORKER = "health_worker", _("Health worker")
    LAWYER = "lawyer", _("Lawyer")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    ANALYST = "analyst", _("Analyst")
    CAMPAIGN_COORDINATOR = "campaign_coordinator", _("Campaign coordinator")
    CONFERENCE_COORDINATOR = "conference_coordinator", _("Risk conference coordinator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Roles that work on survivors' cases. Everyone else (agency admin, analyst, campaign coordinator,
# system admin) never sees case content. The risk conference coordinator is deliberately not among
# them: running a region's conferences needs the agenda's minimum (qorgau.risk.policies), not the
# full case files of the coordinator's own agency.
CASE_ROLES = frozenset(
    {
        Role.CASEWORKER,
        Role.POLICE_OFFICER,
        Role.PROSECUTOR,
        Role.HEALTH_WORKER,
        Role.LAWYER,
        Role.PSYCHOLOGIST,
        Role.SHELTER_STAFF,
        Role.SUPERVISOR,
    }
)
