from django import template

from qorgau.directory.links import refer_url

register = template.Library()


@register.simple_tag
def refer_link(agency_id, service_code, case=None) -> str:
    """`{% refer_link entry.agency_id service.code case as url %}`: "" until referrals exist."""
    return refer_url(agency_id=agency_id, service=service_code, case=case)
