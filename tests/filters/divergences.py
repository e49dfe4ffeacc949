"""Where segfn knowingly differs from @segment/tsub 2.0.1: the one list, each with its reason.

The differential tests never generate these cases (the strategies import the names below), and
docs/semantics.md points here. Each entry: (what differs, why segfn does not reproduce it).
"""

from __future__ import annotations

DIVERGENCES = (
    ("Paths through JavaScript prototype members (toString, constructor, __proto__, find, ...)",
     "dlv reads inherited members, giving functions and prototype objects that JSON events never hold; "
     "segfn reads own keys only (missing is undefined)."),
    ("Transformer paths with a `length` segment through an array or string",
     "`delete arr.length` throws, and writing it truncates the array or throws RangeError; segfn "
     "raises an EvaluationError for any write of `length` and never emulates truncation."),
    ("Named (non-index) properties written onto an array by map_properties (e.g. `a.b` where `a` is a list)",
     "JSON.stringify never shows them, so the delivered event is the same; segfn drops the write, so a "
     "later matcher reading `a.b` sees undefined where tsub sees the value."),
    ("An array index far past the end (more than 1,000,000 holes) written by map_properties",
     "tsub makes a sparse array; segfn refuses with an EvaluationError instead of allocating it."),
    ("A `set` value written by map_properties and later changed by another transformer",
     "tsub inserts the rule's own config object, so a later drop_properties on it changes the rule for "
     "every later event; segfn inserts a copy (one event gives the same result, later events do not "
     "inherit the damage)."),
    ("JSON numbers beyond ±1.8e308 (Infinity) in an event that map_properties reads",
     "tsub's JSON round trip turns Infinity into null in its snapshot; segfn's snapshot does the same, "
     "but such numbers only arise from non-standard JSON and are not generated."),
    ("Adjacent lone surrogates (a high then a low surrogate written as two separate strings joined)",
     "JavaScript sees one astral character; Python keeps two code points. JSON text always joins them, "
     "so only Python-built events can hold them."),
    ("IR or FQL nested deeper than segfn compiles (Python's recursion limit; FQL is limited to 64 levels)",
     "tsub recurses on JavaScript's larger stack; segfn raises an EvaluationError for such an IR."),
    ("Routing-rule files whose outer shape is wrong (a rule that is not an object, matchers or "
     "transformers that are not lists)",
     "tsub throws on every event; segfn rejects the file when loading it, with the rule's path."),
)

# Names the strategies never use as keys or path segments (first entry above).
PROTOTYPE_NAMES = frozenset({
    "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf",
    "propertyIsEnumerable", "toLocaleString", "find", "includes", "indexOf", "map", "at", "concat",
    "slice", "split", "trim", "big", "link", "sub", "sup", "anchor", "bold", "fixed", "small", "strike",
})
