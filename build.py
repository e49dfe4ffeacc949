"""Compile every function in functions/ to dist/ (the same job as ``segfn build``).

Usage: python build.py [FILES] [-o DIR]
"""

import sys

from segfn.commands.build import build

if __name__ == "__main__":
    sys.exit(build.main(args=sys.argv[1:], prog_name="python build.py", standalone_mode=True))
