"""The one door, held by structure: views, API handlers, forms, dashboard panels, case-page
sections, template tags and templates never touch a protected model's manager or queryset. They
call a selector or a service. Only reference data (tests/*/door.py, REFERENCE_MODELS) is read
directly, and every other exception is on the reviewed allow-list (ALLOWED) with its reason.

The source is walked as syntax (ast), names are resolved against the imported modules, so an
alias or a model imported under another name is still seen. Adding a file of one of these kinds
to any app puts it under the rule without editing this test.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from tests.doors import merged

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "qorgau"
# Files whose code runs at the door: the rule applies to all of them.
DOOR_FILES = {"views.py", "api.py", "forms.py", "panels.py", "public.py"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Methods only a manager or a queryset has (list.count takes an argument, so `.count()` is one).
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "order_by",
    "in_bulk",
    "select_for_update",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "only",
    "defer",
    "distinct",
    "iterator",
    "none",
    "raw",
    "union",
}
NO_ARGUMENT_METHODS = {"exists", "first", "last", "count"}
LOOKUPS_404 = {"get_object_or_404", "get_list_or_404"}
TEMPLATE_TAG = re.compile(r"\{[{%](.*?)[%}]\}", re.S)
TEMPLATE_QUERY = re.compile(
    r"(?<![\w.])((?!forloop\.)[\w.]+\.(?:all|count|first|last|exists|none|iterator)|\w+_set)\b"
)


def reference_models() -> set:
    names = set(merged("REFERENCE_MODELS"))
    unknown = {n for n in names if n.lower() not in {m._meta.label_lower for m in apps.get_models()}}
    assert not unknown, f"REFERENCE_MODELS names models that do not exist: {sorted(unknown)}"
    return {apps.get_model(n) for n in names}


def door_files() -> list[Path]:
    """Every view, API, form, panel and template-tag module, and the module of every registered
    dashboard panel and case-page section or badge (wherever it lives)."""
    from qorgau.cases import extensions
    from qorgau.core import dashboard

    found = {p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    found = {
        p for p in found if p.name in DOOR_FILES or p.name.startswith("views_") or "templatetags" in p.parts
    }
    for _order, func in [*dashboard._PANELS, *extensions._SECTIONS, *extensions._BADGES]:
        found.add(Path(inspect.getsourcefile(func)).resolve())
    return sorted(found)


def _module_of(path: Path):
    return importlib.import_module(".".join(path.relative_to(SRC).with_suffix("").parts))


def _resolve(node, namespace):
    """The object a Name or dotted Attribute chain names in the module, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _is_model(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, models.Model)


class DoorVisitor(ast.NodeVisitor):
    def __init__(self, namespace, reference):
        self.namespace, self.reference = namespace, reference
        self.local_ok: set[str] = set()  # local names bound to a reference queryset or a selector's
        self.found: list[tuple[int, str, str]] = []

    def _root_ok(self, node) -> bool:
        """Whether a receiver chain starts at a reference model's manager, a selector's answer, or
        a local name bound to one of those."""
        while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
            if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
                return _is_model(model := _resolve(node.value, self.namespace)) and model in self.reference
            if isinstance(node, ast.Call):
                func = _resolve(node.func, self.namespace)
                if callable(func) and (getattr(func, "__module__", None) or "").endswith(".selectors"):
                    return True
                node = node.func
            else:
                node = node.value
        return isinstance(node, ast.Name) and node.id in self.local_ok

    def visit_Assign(self, node):
        if isinstance(node.value, ast.Call | ast.Attribute) and self._root_ok(node.value):
            self.local_ok.update(t.id for t in node.targets if isinstance(t, ast.Name))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in MANAGERS:
            model = _resolve(node.value, self.namespace)
            if not _is_model(model) or model not in self.reference:
                self.found.append((node.lineno, "manager", ast.unparse(node)))
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id in LOOKUPS_404:
            model = _resolve(node.args[0], self.namespace) if node.args else None
            if not (_is_model(model) and model in self.reference):
                self.found.append(
                    (node.lineno, "lookup", ast.unparse(node.func) + f"({ast.unparse(node.args[0])})")
                )
        elif (
            isinstance(func, ast.Attribute)
            and (
                func.attr in QUERYSET_METHODS
                or (func.attr in NO_ARGUMENT_METHODS and not node.args and not node.keywords)
            )
            and not self._root_ok(func.value)
            and not self._manager_below(func.value)
        ):
            self.found.append((node.lineno, "queryset", f"{ast.unparse(func.value)}.{func.attr}"))
        self.generic_visit(node)

    def _manager_below(self, node) -> bool:
        """A chain on `Model.objects` is reported once, at the manager."""
        while isinstance(node, ast.Call | ast.Attribute):
            if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
                return True
            node = node.func if isinstance(node, ast.Call) else node.value
        return False


def _namespace(path: Path, tree) -> dict:
    """The module's globals, plus what its function-level imports bring in (`from x import Y`
    inside a function is resolved too)."""
    namespace = dict(vars(_module_of(path)))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = importlib.import_module(node.module)
            for alias in node.names:
                namespace.setdefault(alias.asname or alias.name, getattr(module, alias.name, None))
    return namespace


def python_violations(reference) -> list[tuple[str, str]]:
    found = []
    for path in door_files():
        tree = ast.parse(path.read_text(), str(path))
        visitor = DoorVisitor(_namespace(path, tree), reference)
        visitor.visit(tree)
        rel = path.relative_to(SRC).as_posix()
        found += [(f"{rel}::{code}", f"{rel}:{line}: {kind} {code}") for line, kind, code in visitor.found]
    return found


def template_violations() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        if "vendor" in path.parts:
            continue
        text = path.read_text()
        rel = path.relative_to(SRC).as_posix()
        for tag in TEMPLATE_TAG.finditer(text):
            for lookup in TEMPLATE_QUERY.findall(tag.group(1)):
                line = text.count("\n", 0, tag.start()) + 1
                found.append((f"{rel}::{lookup}", f"{rel}:{line}: template lookup {lookup}"))
    return found


def test_views_forms_panels_and_templates_go_through_the_door():
    allowed = merged("ALLOWED")
    found = python_violations(reference_models()) + template_violations()
    problems = sorted({where for key, where in found if key not in allowed})
    assert not problems, (
        "These read a protected model directly; call a selector or a service instead (or, for "
        "reference data or a reviewed exception, declare it in tests/<app>/door.py):\n  "
        + "\n  ".join(problems)
    )


def test_every_allow_list_entry_is_still_needed_and_has_a_reason():
    allowed = merged("ALLOWED")
    found = {key for key, _where in python_violations(reference_models()) + template_violations()}
    stale = sorted(set(allowed) - found)
    assert not stale, f"ALLOWED entries that match nothing any more (remove them): {stale}"
    assert all(isinstance(reason, str) and len(reason) > 15 for reason in allowed.values())
    assert all(len(r) > 15 for r in merged("REFERENCE_MODELS").values())


@pytest.mark.parametrize(
    "code",
    [
        "from qorgau.cases.models import Case\ndef v(request):\n    return Case.objects.filter(pk=1)\n",
        "from qorgau.cases import models as m\ndef v(request):\n    return m.Note._default_manager.all()\n",
        "from django.shortcuts import get_object_or_404\nfrom qorgau.cases.models import Consent\n"
        "def v(request, pk):\n    return get_object_or_404(Consent, pk=pk)\n",
        "def v(request, case):\n    return case.people.all()\n",
        "def v(request, case):\n    return case.notes.filter(section='health').exists()\n",
    ],
)
def test_the_rule_sees_a_direct_query_however_it_is_written(code):
    namespace: dict = {}
    exec(compile(code, "<door>", "exec"), namespace)  # resolves the imports as the real module would
    visitor = DoorVisitor(namespace, reference_models())
    visitor.visit(ast.parse(code))
    assert visitor.found, code


def test_the_rule_lets_reference_data_and_selectors_through():
    code = (
        "from qorgau.core.models import Region\nfrom qorgau.cases import selectors\n"
        "def v(request):\n    regions = Region.objects.filter(is_active=True)\n"
        "    return regions.order_by('sort'), selectors.case_list(actor=request.user)\n"
    )
    namespace: dict = {}
    exec(compile(code, "<door>", "exec"), namespace)
    visitor = DoorVisitor(namespace, reference_models())
    visitor.visit(ast.parse(code))
    assert visitor.found == []
