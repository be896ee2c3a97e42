"""Dashboard panels. Each app registers callables that return a panel for the user, or None."""

from collections.abc import Callable

_PANELS: list[tuple[int, Callable]] = []


def register_panel(func: Callable, order: int = 100) -> None:
    """`func(request)` returns {"template": ..., **context} or None when the panel does not apply."""
    if all(existing is not func for _, existing in _PANELS):
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda pair: pair[0])


def panels_for(request) -> list[dict]:
    return [panel for _, func in _PANELS if (panel := func(request)) is not None]
