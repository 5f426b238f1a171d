"""imvo: map production chains and flag due-diligence risks from supplier spreadsheets.

The library is usable without the command line, e.g.::

    from imvo_cli import read_suppliers
    suppliers = read_suppliers("sample_data/suppliers.xlsx")
"""

import importlib

__version__ = "0.1.0"

# The model and policy classes load on first use, so `imvo --version` and `imvo --help`
# do not pay for building a dozen dataclasses (about a third of the start-up time).
_LAZY = {"Flag": "model", "ImvoError": "model", "Issue": "model", "RiskAssessment": "model",
         "Supplier": "model", "SupplierList": "model", "ThemeRisk": "model",
         "Policy": "policy", "load_policy": "policy", "read_suppliers": "ingest"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Flag",
    "ImvoError",
    "Issue",
    "Policy",
    "RiskAssessment",
    "Supplier",
    "SupplierList",
    "ThemeRisk",
    "__version__",
    "load_policy",
    "read_suppliers",
]
