"""The Python-subset to Segment Functions JavaScript compiler (see docs/python-subset.md).

Pure: no Flask, no click. ``compile_module(path)`` gives a ``Bundle`` (JavaScript + manifest);
``CompileError`` lists every problem of a file, each ``file:line:col: message`` with a caret.
"""

from .bundle import Bundle, compile_module, write_bundle
from .errors import CompileError, Problem

__all__ = ["Bundle", "CompileError", "Problem", "compile_module", "write_bundle"]
