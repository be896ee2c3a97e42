"""Role-aware navigation. Each app registers its entries in its AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    roles: frozenset[str]  # empty: every signed-in user
    order: int = 100


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def nav_for(user) -> list[dict]:
    if not (user.is_authenticated and getattr(user, "is_verified", lambda: False)()):
        return []
    roles = user.roles
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in _ITEMS
        if not item.roles or roles & item.roles
    ]
