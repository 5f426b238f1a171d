"""imvo: map production chains and flag due-diligence risks from supplier spreadsheets.

The library is usable without the command line, e.g.::

    from imvo_cli import read_suppliers
    suppliers = read_suppliers("sample_data/suppliers.xlsx")
"""

__version__ = "0.1.0"

from .model import Flag, ImvoError, Issue, RiskAssessment, Supplier, SupplierList, ThemeRisk  # noqa: E402
from .policy import Policy, load_policy  # noqa: E402


def read_suppliers(path, **kwargs):
    """Read one supplier spreadsheet (see imvo_cli.ingest.read_suppliers)."""
    from .ingest import read_suppliers as _read

    return _read(path, **kwargs)


__all__ = ["Flag", "ImvoError", "Issue", "Policy", "RiskAssessment", "Supplier", "SupplierList",
           "ThemeRisk", "load_policy", "read_suppliers", "__version__"]
