"""A mock of Sprig's public API (v2 users and purge), validating what it receives and keeping state.

No Flask here: ``mock.MockSprig`` answers requests as plain calls; ``emulator/server/sprig.py`` mounts
it over HTTP.
"""

from .exceptions import SprigError
from .mock import DROPPED, HOSTS, Answer, FaultConfigError, Faults, MockSprig, Received

__all__ = ["DROPPED", "HOSTS", "Answer", "FaultConfigError", "Faults", "MockSprig", "Received", "SprigError"]
