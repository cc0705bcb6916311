"""The floor app, its objects put out of the garbage collector's reach first.

``permanence`` calls ``gc.freeze()`` once its commands are built, which
spares the collector's passes over them, among them the collection the
interpreter makes on exit. This is the floor with the same call, to tell
that saving from the rest.
"""

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor_app import app

if __name__ == "__main__":
    gc.freeze()
    app()
