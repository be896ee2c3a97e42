"""Screens of the scene look-up and the order notice. Thin: parse, call, render."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qorgau.core.i18n import LANGUAGE_CODES, current_language
from qorgau.protection import notice, scene
from qorgau.protection.scene_forms import SceneLookupForm


def scene_lookup(request):
    """GET: the form. POST: the look-up (the IIN and names stay out of URLs and server logs)."""
    if not scene.can_look_up(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = SceneLookupForm(request.POST or None)
    result = None
    limited = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = scene.scene_lookup(
                    actor=request.user,
                    reason=data["reason"],
                    reason_text=data["reason_text"].strip(),
                    iin=data["iin"],
                    family_name=data["family_name"].strip(),
                    given_name=data["given_name"].strip(),
                    birth_date=data["birth_date"],
                )
            except scene.LookupLimited:
                limited = True
                status = 429
                form.add_error(
                    None, _("You have used up your look-ups for now. Try again later or call the duty unit.")
                )
        else:
            status = 400
    return render(
        request,
        "protection/scene_lookup.html",
        {"form": form, "result": result, "limited": limited},
        status=status,
    )


def order_notice(request, case_id, order_id):
    lang = request.GET.get("lang", "")
    lang = lang if lang in LANGUAGE_CODES else current_language()
    pdf = notice.order_notice_print(actor=request.user, case_id=case_id, order_id=order_id, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="order-notice-{lang}.pdf"'
    return response
