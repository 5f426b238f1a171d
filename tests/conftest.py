import sys
from pathlib import Path

# tests import their small helper modules (e.g. html_factory) by name
sys.path.insert(0, str(Path(__file__).resolve().parent))
