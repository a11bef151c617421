"""Render dbt macros from a manifest without a dbt process, for the shared metric macros.

Metric macros are pure text composition; what they may use is exactly what this context offers
(adapter.dispatch and adapter.type, target.type, execute, var for the render mode only, return, tojson/fromjson,
exceptions, log, every package's namespace, and the own package's and root project's macros by bare name). Anything else is
a clear error naming the macro. The CLI, the plugin and the macros all render through here, so the
SQL a measure gets is the same whichever trigger ran.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional

import jinja2
import jinja2.ext
import jinja2.nodes

from dbt_omni.project import lookup

# dbt's and the adapters' own macros: never what a metric calls, so not loaded.
INTERNAL_PACKAGES = {"dbt"} | {f"dbt_{name}" for name in (
    "postgres", "duckdb", "snowflake", "bigquery", "redshift", "databricks", "spark", "trino", "athena",
    "fabric", "sqlserver", "clickhouse")}
# dbt's own adapter inheritance, for dispatch's search of <adapter>__name.
PARENT_ADAPTERS = {"redshift": ["postgres"], "databricks": ["spark"], "duckdb": [], "postgres": []}


class MacroError(Exception):
    """A macro raised, was missing, or used something this renderer does not offer."""


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


def _raise_return(value: Any) -> None:
    raise _Return(value)


class _Exceptions:
    @staticmethod
    def raise_compiler_error(message: str) -> None:
        raise MacroError(str(message))

    @staticmethod
    def warn(message: str) -> str:
        return ""


class _Undefined(jinja2.StrictUndefined):
    """Using anything dbt would offer but this renderer does not is an error, not empty text."""


REQUIRED = object()  # signature(): an argument without a default
COMPUTED = object()  # signature(): a default that is an expression, not a constant


class MacroRenderer:
    def __init__(self, macros: Optional[Any], adapter_type: str, root_project: str, variables: Mapping[str, Any],
                 search_orders: Optional[Mapping[str, tuple]] = None):
        self.adapter_type = adapter_type
        self.root_project = root_project
        self.variables = dict(variables)
        self.search_orders = dict(search_orders or {})  # dbt_project.yml's dispatch: namespace -> packages
        self._sources: dict = {}  # (package, name) -> macro_sql
        for macro in (macros or {}).values():
            package = lookup(macro, "package_name", "")
            if package in INTERNAL_PACKAGES:
                continue  # dbt's and adapters' own macros are never what a metric calls
            self._sources[(package, lookup(macro, "name"))] = lookup(macro, "macro_sql", "")
        self._compiled: dict = {}
        self._signatures: dict = {}
        self.env = jinja2.Environment(extensions=[jinja2.ext.do, jinja2.ext.loopcontrols], undefined=_Undefined)
        self.packages = sorted({package for package, _ in self._sources})

    def has(self, package: str, name: str) -> bool:
        return (package, name) in self._sources

    def macro_names(self, package: str) -> list:
        return sorted(name for pkg, name in self._sources if pkg == package)

    # -- the Jinja context -------------------------------------------------------------------------

    def _context(self, package: str) -> dict:
        """What a macro of `package` sees: its own package's macros by bare name, and namespaces."""
        renderer = self
        context = {
            "return": _raise_return,
            "tojson": lambda value, sort_keys=False: json.dumps(value, sort_keys=sort_keys),
            "fromjson": lambda text, default=None: json.loads(text) if text else default,
            "exceptions": _Exceptions,
            "log": lambda message, info=False: "",
            "var": renderer._var,
            "target": {"type": self.adapter_type},
            "execute": True,
            "adapter": _Adapter(self, package),
        }
        for pkg in self.packages:
            context[pkg] = _Namespace(self, pkg)
        for own_package in (package, self.root_project):  # a package's own macros win over the root's
            for pkg, name in self._sources:
                if pkg == own_package:
                    context.setdefault(name, _MacroCall(self, pkg, name))
        return context

    def _var(self, name: str, default: Any = None) -> Any:
        """Only the render mode: a project var would give Omni's measure the value of the run that
        exported it, and a later `dbt run --vars` another one in dbt, with nothing to tell them apart."""
        if name not in self.variables:
            raise MacroError(f"it reads var('{name}'), and a shared metric cannot: Omni's measure would keep the "
                             "value of the export while dbt runs take theirs; make it a macro argument "
                             "(meta.omni.measures.<name>.args)")
        return self.variables[name]

    def macro(self, package: str, name: str) -> "_MacroCall":
        if (package, name) not in self._sources:
            raise MacroError(f"macro {package}.{name} is not in the manifest")
        return _MacroCall(self, package, name)

    def _jinja_macro(self, package: str, name: str):
        key = (package, name)
        if key not in self._compiled:
            try:
                template = self.env.from_string(self._sources[key])
                # Rendering the file defines its macros in the context, as make_module does; but a module
                # exports no name starting with "_", which a package's private helpers have.
                context = template.new_context(self._context(package))
                "".join(template.root_render_func(context))
            except jinja2.TemplateError as exc:
                raise MacroError(f"cannot compile macro {package}.{name}: {exc}") from None
            self._compiled[key] = context.vars[name]
        return self._compiled[key]

    def signature(self, package: str, name: str) -> dict:
        """Argument name -> default (REQUIRED where there is none), read from the macro's source once."""
        key = (package, name)
        if key not in self._signatures:
            self._signatures[key] = self._read_signature(package, name)
        return dict(self._signatures[key])

    def _read_signature(self, package: str, name: str) -> dict:
        try:
            tree = self.env.parse(self._sources[(package, name)])
        except jinja2.TemplateError as exc:
            raise MacroError(f"cannot compile macro {package}.{name}: {exc}") from None
        for node in tree.find_all(jinja2.nodes.Macro):
            if node.name != name:
                continue
            arguments = [arg.name for arg in node.args]
            required = len(arguments) - len(node.defaults)
            out = {arg: REQUIRED for arg in arguments[:required]}
            for arg, default in zip(arguments[required:], node.defaults, strict=True):
                try:
                    out[arg] = default.as_const()
                except jinja2.nodes.Impossible:
                    out[arg] = COMPUTED  # `factor=2 * scale`: not passed unless given, so the macro works it out
            return out
        raise MacroError(f"macro {package}.{name} has no {{% macro {name}(...) %}} block")


class _MacroCall:
    def __init__(self, renderer: MacroRenderer, package: str, name: str):
        self.renderer, self.package, self.name = renderer, package, name

    def __call__(self, *args, **kwargs):
        jinja_macro = self.renderer._jinja_macro(self.package, self.name)
        try:
            return str(jinja_macro(*args, **kwargs))
        except _Return as returned:
            return returned.value
        except jinja2.UndefinedError as exc:
            raise MacroError(f"macro {self.package}.{self.name} uses something only dbt offers: {exc}") from None
        except MacroError:
            raise
        except Exception as exc:  # a user's macro: `1/0`, `'a' + 1`, a bad filter argument
            raise MacroError(f"macro {self.package}.{self.name} raised {type(exc).__name__}: {exc}") from None


class _Namespace:
    def __init__(self, renderer: MacroRenderer, package: str):
        self._renderer, self._package = renderer, package

    def __getattr__(self, name: str):
        if name.startswith("__"):  # dunder names are Python's, not macros (single: a package's own helpers)
            raise AttributeError(name)
        return self._renderer.macro(self._package, name)


class _Adapter:
    def __init__(self, renderer: MacroRenderer, package: str):
        self._renderer, self._package = renderer, package

    def type(self) -> str:
        return self._renderer.adapter_type

    def dispatch(self, macro_name: str, macro_namespace: Optional[str] = None):
        """dbt's search: the project's dispatch search_order for the namespace, else the root project,
        then the namespace; in each package <adapter>__, its parents, default__."""
        renderer = self._renderer
        namespace = macro_namespace or self._package
        prefixes = [renderer.adapter_type, *PARENT_ADAPTERS.get(renderer.adapter_type, []), "default"]
        packages = renderer.search_orders.get(namespace) or [renderer.root_project, namespace]
        for package in dict.fromkeys(packages):
            for prefix in prefixes:
                if renderer.has(package, f"{prefix}__{macro_name}"):
                    return renderer.macro(package, f"{prefix}__{macro_name}")
        raise MacroError(f"no implementation of {namespace}.{macro_name} for adapter {renderer.adapter_type}")
