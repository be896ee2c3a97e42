"""How the long people jobs (the duplicate search, a register import) report how far they are,
without knowing who listens: the command line draws bars on stderr, tests and the web ignore it."""

from collections.abc import Callable

# A stage's name and its total (None when unknown) -> a function taking how many more are done.
Progress = Callable[[str, int | None], Callable[[int], None]]


def no_progress(stage: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None
