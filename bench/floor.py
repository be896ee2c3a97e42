"""The floor of the load test: what a signed-in Django page costs on this server with nothing of
Qorgau's own work — the whole middleware stack (session, sign-in and second factor, CSRF, CSP,
security headers), one query by primary key, a few bytes of HTML. No decryption, no policy, no
audit event, no template. The case page's throughput is reported as a fraction of this one's.

Bench-only (bench/settings_floor.py): it reads a case row without the policy, which no page of
the product may do.
"""

from django.http import HttpResponse

from qorgau.cases.models import Case


def floor(request, case_id):
    number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first()
    return HttpResponse(f"<!doctype html><title>floor</title><p>{number or '-'}</p>")
