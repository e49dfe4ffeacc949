"""segfn: Segment Destination Functions in Python, replayed locally, compiled to JavaScript."""

__version__ = "0.1.0"
