"""A mock of Sprig's public API (v2 users and purge), validating what it receives and keeping state.

No Flask here (moto's split): ``models`` holds the state, ``responses`` answers one request,
``exceptions`` are Sprig's refusals, ``faults`` the failures a run injects, and ``mock.MockSprig`` puts
them together as a plain call and an in-process ``fetch`` transport. ``emulator/server/sprig.py``
mounts it over HTTP.
"""

from .exceptions import SprigError
from .faults import FaultConfigError, Faults
from .mock import HOSTS, MockSprig, Received
from .responses import DROPPED, Answer, SprigResponses

__all__ = ["DROPPED", "HOSTS", "Answer", "FaultConfigError", "Faults", "MockSprig", "Received", "SprigError",
           "SprigResponses"]
