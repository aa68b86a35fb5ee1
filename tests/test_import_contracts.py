"""The import contracts in pyproject.toml (checked by lint-imports in `make test`) stay complete."""

import pkgutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contract(kind):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == kind)


def modules_of(*packages):
    return {
        f"{package}.{info.name}"
        for package in packages
        for info in pkgutil.iter_modules([str(ROOT / package)])
    }


def test_the_pure_calculations_may_import_no_other_module_of_core_and_staffing():
    pure = contract("forbidden")
    sources = set(pure["source_modules"])
    modules = modules_of("core", "staffing")
    assert sources <= modules
    forbidden_here = {
        name for name in pure["forbidden_modules"] if name.startswith(("core.", "staffing."))
    }
    assert forbidden_here == modules - sources
    assert {"django", "municipalities", "servicepoints", "kokeilu"} <= set(
        pure["forbidden_modules"]
    )


def test_the_layers_are_every_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = contract("layers")["layers"]
    assert layers == ["kokeilu", "servicepoints", "staffing", "municipalities", "core"]
    assert set(layers) == set(config["tool"]["importlinter"]["root_packages"])
