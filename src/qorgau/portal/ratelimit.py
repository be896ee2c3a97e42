"""A per-address limit on public submissions, in the shared cache (Redis or the database cache in
production, so every web process counts together).

The address is hashed before it becomes a cache key: the cache never holds visitors' addresses.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache


def client_key(request, scope: str) -> str:
    """A cache key for this client address and purpose; the address itself is not in it."""
    address = get_client_ip_address(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()[:32]
    return f"qorgau:rl:{scope}:{digest}"


def allow(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once the address has made more than `limit` in the window."""
    key = client_key(request, scope)
    cache.add(key, 0, timeout=window_seconds)  # starts the window; no-op if it is running
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
