"""People screens: candidates while she is registered (htmx), duplicate review for supervisors."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qorgau.core.errors import Conflict
from qorgau.people import matching, policies, selectors, services
from qorgau.people.policies import SearchLimited


def _typed_record(post) -> matching.Record:
    """What she has typed so far at intake (anything unparsable is simply left out)."""
    try:
        born = date.fromisoformat(post.get("birth_date", "")[:10])
    except ValueError:
        born = None
    return matching.Record(
        given_name=post.get("given_name", "")[:100],
        surname=post.get("family_name", "")[:100],
        patronymic=post.get("patronymic", "")[:100],
        birth_date=born,
        sex=post.get("sex", "")[:1],
        iin=post.get("iin", "")[:20],
        phones=tuple(p for p in [post.get("phone", "")[:32]] if p),
    )


def _enough(record: matching.Record) -> bool:
    names = len(record.given_name.strip()) >= 2 and len(record.surname.strip()) >= 2
    return bool(
        record.iin or record.phones or names or (record.birth_date and (record.given_name or record.surname))
    )


@require_POST
def candidates(request):
    """htmx, while she types: people who may be her. Needs an intake open in this session (or
    a draft of hers); each search counts towards the user's limit and is logged."""
    if not policies.can_search_people(request.user):
        raise PermissionDenied
    record = _typed_record(request.POST)
    if not _enough(record):
        return render(request, "people/_candidates.html", {"candidates": [], "live": True})
    try:
        found = selectors.candidate_search(
            actor=request.user,
            query=record,
            purpose="intake",
            session=request.session,
            draft_id=request.POST.get("draft_id") or None,
        )
    except SearchLimited:
        status = 200 if request.headers.get("HX-Request") else 429
        return render(request, "people/_candidates.html", {"limited": True, "live": True}, status=status)
    return render(request, "people/_candidates.html", {"candidates": found, "live": True})


def step_candidates(request, *, draft, cleaned: dict) -> list:
    """The candidates shown on step 2 of an intake (with the request-access form)."""
    record = matching.Record(
        given_name=cleaned.get("given_name", ""),
        surname=cleaned.get("family_name", ""),
        patronymic=cleaned.get("patronymic", ""),
        birth_date=cleaned.get("birth_date"),
        birth_year=cleaned.get("birth_year"),
        sex=cleaned.get("sex", ""),
        iin=cleaned.get("iin", ""),
        phones=tuple(p for p in [cleaned.get("phone", "")] if p),
    )
    if not _enough(record):
        return []
    try:
        return selectors.candidate_search(actor=request.user, query=record, draft_id=draft.pk)
    except (SearchLimited, PermissionDenied):
        return []


# --- Duplicate review ------------------------------------------------------------------------------


@require_GET
def duplicates(request):
    """Supervisors: pairs of survivors that are probably one woman, side by side."""
    pairs = selectors.duplicate_pair_list(actor=request.user)
    decisions = selectors.pair_decision_list(actor=request.user)
    last_run = selectors.duplicate_last_run(actor=request.user)
    return render(
        request, "people/duplicates.html", {"pairs": pairs, "decisions": decisions, "last_run": last_run}
    )


@require_POST
def pair_decide(request):
    try:
        services.pair_decide(
            actor=request.user,
            person_a_id=request.POST.get("person_a", ""),
            person_b_id=request.POST.get("person_b", ""),
            verdict=request.POST.get("verdict", ""),
            probability=_float(request.POST.get("probability", "")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Decision recorded. You can undo it below."))
    return redirect("people:duplicates")


@require_POST
def pair_undo(request, decision_id):
    try:
        services.pair_decision_undo(
            actor=request.user,
            decision_id=decision_id,
            expected_version=_int(request.POST.get("version", "")),
        )
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Decision undone: both records are as they were."))
    return redirect("people:duplicates")


def _float(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return 0.0


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return -1
