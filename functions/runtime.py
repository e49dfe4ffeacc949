"""Old projects imported the runtime from here; it lives in ``segfn.runtime`` now.

``from functions.runtime import fetch`` keeps working (and compiles): every name is segfn.runtime's own.
"""

from segfn.runtime import *  # noqa: F401,F403
from segfn.runtime import __all__  # noqa: F401
