"""One module per command (`<verb>_cmd.py`); each exposes `register(app)`.

Heavy imports stay inside the command bodies so `imvo --help` starts fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path

# Order shown in `imvo --help`.
COMMANDS = ("map", "validate", "check", "aggregate", "diff", "osh-match", "risk", "template")


# A command whose module is not named after it.
_MODULES = {"osh-match": "osh"}


def register_all(app) -> None:
    here = Path(__file__).parent
    for name in COMMANDS:
        module = _MODULES.get(name, name)
        if (here / f"{module}_cmd.py").exists():
            importlib.import_module(f".{module}_cmd", __name__).register(app)
