def test_smoke(probe):
    probe.check("""
    def f(x):
        return {"len": len(x), "upper": x.upper(), "f": f"{len(x):05d}|{x!r}"}
    """, ["abc", "", "héllo😀"])
