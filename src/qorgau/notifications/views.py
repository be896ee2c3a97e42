from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qorgau.notifications import selectors, services
from qorgau.notifications.texts import render_text


def inbox(request):
    items = [(n, render_text(n)) for n in selectors.inbox(actor=request.user)]
    return render(request, "notifications/inbox.html", {"items": items})


@require_POST
def open_notification(request, notification_id):
    """Mark it read and go where it points (only within this site)."""
    item = next((n for n in selectors.inbox(actor=request.user) if n.pk == notification_id), None)
    if item is None:
        return redirect("notifications:inbox")
    services.mark_read(actor=request.user, notification_id=item.pk)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request):
    services.mark_read(actor=request.user)
    return redirect("notifications:inbox")
