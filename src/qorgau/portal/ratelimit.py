"""A per-address limit on public submissions, in the shared cache (Redis or the database cache in
production, so every web process counts together).

The address is hashed before it becomes a cache key: the cache never holds visitors' addresses.
Each key holds the times of the counted events, not a counter: the window is then exact whatever
the cache does with timeouts (Django's database cache resets a key's timeout to its default of
five minutes on every `incr`, which turned a 60-minute window into "5 minutes after the last try").
"""

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache


def client_key(request, scope: str) -> str:
    """A cache key for this client address and purpose; the address itself is not in it."""
    address = get_client_ip_address(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()[:32]
    return f"qorgau:rl:{scope}:{digest}"


def _recent(key: str, window_seconds: int, now: float) -> list[float]:
    return [t for t in cache.get(key) or [] if now - t < window_seconds]


def used(request, scope: str, window_seconds: int) -> int:
    """How many events this address has had counted in the last `window_seconds`."""
    return len(_recent(client_key(request, scope), window_seconds, time.time()))


def is_limited(request, scope: str, limit: int, window_seconds: int) -> bool:
    return used(request, scope, window_seconds) >= limit


def count(request, scope: str, limit: int, window_seconds: int) -> None:
    """Count one event for this address (only what the limit is about: an accepted request, an
    unknown code). At most `limit` times are kept: older ones cannot matter any more."""
    count_key(client_key(request, scope), limit, window_seconds)


def thing_key(scope: str, thing: str) -> str:
    """A cache key for a limit on one thing rather than one address (one upload link)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{thing}".encode()).hexdigest()[:32]
    return f"qorgau:rl:{scope}:{digest}"


def key_limited(key: str, limit: int, window_seconds: int) -> bool:
    return len(_recent(key, window_seconds, time.time())) >= limit


def count_key(key: str, limit: int, window_seconds: int) -> None:
    now = time.time()
    times = [*_recent(key, window_seconds, now), now][-max(limit, 1) :]
    cache.set(key, times, timeout=window_seconds)
