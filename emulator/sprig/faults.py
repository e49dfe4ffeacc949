"""The mock Sprig's injected failures are the emulator's general ones (``emulator/faults.py``)."""

from ..faults import FaultConfigError, Faults

__all__ = ["FaultConfigError", "Faults"]
