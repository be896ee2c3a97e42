"""The registry the one-door tests read: what each app declares about its own data.

Each app that joins adds one small module, `tests/<app>/door.py`, with any of:

- `REFERENCE_MODELS = {"app.Model": "why anyone may read it directly"}` — reference data that
  views, forms and templates may query (regions, the service catalogue, the agency directory).
  Every other model is protected: only selectors and services touch it.
- `ALLOWED = {"qorgau/app/file.py::<code>": "reason"}` — reviewed exceptions to the structural
  rule, keyed by the file and the offending expression as written (`ast.unparse`), so moving a
  line keeps the entry and changing the code drops it. Templates: `"qorgau/app/templates/x.html::
  <lookup>"`.
- `build(world)` — adds the app's objects to the matrix's shared world (`world.ids[...]` for URL
  parameters, `world.secret(...)` for what must not leak and who may read it).
- `ROUTES = {"namespace:name": Route(...)}` — who may read and who may write each URL pattern;
  API operations are covered through their URL pattern's name.
- `EXEMPT = {"namespace:name": "reason"}` — routes the matrix does not walk (public pages, the
  API schema), each with its reason.

tests/test_one_door_structure.py and tests/test_route_matrix.py are the engines; neither names an
app. See docs/developing.md, "Joining the one door".
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).parent


def door_modules() -> list:
    """Every app's door module, in a stable order."""
    modules = []
    for path in sorted(TESTS.glob("*/door.py")):
        modules.append(importlib.import_module(f"tests.{path.parent.name}.door"))
    return modules


def merged(attribute: str) -> dict:
    """One dictionary from every door module's `attribute`; a key declared twice is an error."""
    found: dict = {}
    for module in door_modules():
        for key, value in getattr(module, attribute, {}).items():
            if key in found:
                raise AssertionError(f"{key!r} is declared twice in tests/*/door.py ({attribute})")
            found[key] = value
    return found


# --- The matrix's vocabulary: actors, audiences, routes, the shared world -------------------------

# Where an actor works, seen from the world's case: the agency that holds it, an agency with no
# grant and no share (in another region), an agency with a supervisor's emergency grant (general
# and safety sections) and an accepted referral.
RELATIONS = ("own", "other", "granted")


@dataclass
class Actor:
    relation: str | None  # None: not signed in
    role: str | None
    user: Any = None
    client: Any = None

    def __repr__(self) -> str:
        return f"{self.role}@{self.relation}" if self.user else "anonymous"


Audience = Callable[[Actor], bool]


def nobody(actor: Actor) -> bool:
    return False


def signed_in(actor: Actor) -> bool:
    return actor.user is not None


def staff(*roles: str, at: tuple = RELATIONS) -> Audience:
    """Signed-in staff with one of these roles at an agency of these relations."""
    return lambda actor: actor.user is not None and actor.role in roles and actor.relation in at


def case_staff(*at: str) -> Audience:
    from qorgau.accounts.roles import CASE_ROLES

    return staff(*CASE_ROLES, at=at or RELATIONS)


def either(*audiences: Audience) -> Audience:
    return lambda actor: any(audience(actor) for audience in audiences)


@dataclass(frozen=True)
class Route:
    """Who may read a URL pattern (GET answers 200 or 302 to them, and nothing that says anything
    to anyone else) and who may write through it (every other method changes nothing for the
    rest). `params` maps a URL parameter to a key of `world.ids` when the names differ."""

    read: Audience = nobody
    write: Audience = nobody
    params: dict = field(default_factory=dict)
    payload: dict | None = None  # string values may name world ids: {"case": "{case_id}"}
    read_answers: frozenset | None = None  # what readers get when it is not 200 (a redirect)


class WorldIds(dict):
    """The world's URL parameter values. Two door modules naming an id alike would walk one app's
    route with the other's object (a 404 that looks like a refusal): a second value is refused."""

    def __setitem__(self, key, value):
        if key in self and self[key] != value:
            raise AssertionError(f"world id {key!r} is already set by another door module: pick another name")
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


@dataclass
class World:
    """Built once per test module by the matrix, then by each door module's `build(world)`."""

    agencies: dict = field(default_factory=dict)  # relation -> Agency
    actors: dict = field(default_factory=dict)  # (relation, role) -> Actor
    ids: dict = field(default_factory=WorldIds)  # URL parameter values
    secrets: list = field(default_factory=list)  # (text, who may know it)
    data: dict = field(default_factory=dict)  # whatever one builder hands the next
    _staff: dict = field(default_factory=dict)

    def secret(self, text: str, may_know: Audience) -> str:
        self.secrets.append((text, may_know))
        return text

    def actor(self, relation: str, role: str) -> Actor:
        return self.actors[(relation, role)]

    anonymous: Any = None

    def staff_user(self, role: str, relation: str):
        """A colleague who sets the world up (not one of the actors the matrix signs in as)."""
        if (role, relation) not in self._staff:
            from tests.helpers import PASSWORD

            from qorgau.accounts.models import User, UserRole

            user = User.objects.create(
                username=f"setup.{role}.{relation}",
                agency=self.agencies[relation],
                must_change_password=False,
            )
            user.set_password(PASSWORD)
            user.save()
            UserRole.objects.create(user=user, role=role)
            self._staff[(role, relation)] = user
        return self._staff[(role, relation)]
