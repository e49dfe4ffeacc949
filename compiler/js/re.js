// re: patterns are translated to JavaScript when the bundle is built (compiler/regex.py); these
// are the Pattern and Match objects, with code-point positions and Python's sub/split/findall.

// @helper $Pattern
class $Pattern {
  constructor(source, flags, pattern, groups, names) {
    this.$src = source; this.$flags = flags; this.pattern = pattern; this.groups = groups;
    this.$names = names; this.$pytype = "re.Pattern";
    this.$search = new RegExp(source, flags + "dg");
    this.$sticky = new RegExp(source, flags + "dy");
    this.$full = new RegExp("(?:" + source + ")(?![\\s\\S])", flags + "dy");
  }
  $exec(re, s, pos) {
    if (typeof s !== "string") throw new TypeError(`expected string or bytes-like object, got '${$typeName(s)}'`);
    const start = pos === undefined ? 0 : $cpToUnit(s, +pos);
    re.lastIndex = start;
    const m = re.exec(s);
    return m === null ? null : new $Match(m, s, this);
  }
  match(s, pos) { return this.$exec(this.$sticky, s, pos); }
  search(s, pos) { return this.$exec(this.$search, s, pos); }
  fullmatch(s, pos) { return this.$exec(this.$full, s, pos); }
}

// @helper $reTemplate
// A re.sub replacement string (\1, \g<1>, \g<name>, \n ...) as a function of the match.
function $reTemplate(repl, pattern) {
  const parts = [];
  let lit = "";
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== "\\") { lit += c; continue; }
    const e = repl[++i];
    if (e === undefined) throw new $ValueError("bad escape (end of pattern) at position " + (i - 1));
    if (e === "g") {
      const m = /^<([^>]*)>/.exec(repl.slice(i + 1));
      if (!m) throw new $ValueError("missing < at position " + i);
      let ref = m[1];
      if (/^\d+$/.test(ref)) ref = +ref;
      else if (!pattern.$names.includes(ref)) throw new $IndexError(`unknown group name '${ref}'`);
      parts.push(lit, ref); lit = "";
      i += m[0].length;
    } else if (e >= "0" && e <= "9") {
      let ds = e;
      if (e === "0" || (repl[i + 1] >= "0" && repl[i + 1] <= "7" && repl[i + 2] >= "0" && repl[i + 2] <= "7" && e <= "7")) {
        const oct = /^[0-7]{1,3}/.exec(repl.slice(i))[0];
        if (e === "0" || oct.length === 3) { lit += $String.fromCharCode(parseInt(oct, 8)); i += oct.length - 1; continue; }
      }
      if (repl[i + 1] >= "0" && repl[i + 1] <= "9") { ds += repl[i + 1]; i++; }
      parts.push(lit, +ds); lit = "";
    } else {
      const map = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };
      if (e in map) lit += map[e];
      else if (/[A-Za-z]/.test(e)) throw new $ValueError(`bad escape \\${e} at position ${i - 1}`);
      else lit += "\\" + e;
    }
  }
  parts.push(lit);
  for (let i = 1; i < parts.length; i += 2) {
    if (typeof parts[i] === "number" && parts[i] > pattern.groups) throw new $IndexError(`invalid group reference ${parts[i]} at position 1`);
  }
  return (m) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) { const g = m.group(parts[i]); out += (g === null ? "" : g) + parts[i + 1]; }
    return out;
  };
}

// @helper $Match
class $Match {
  constructor(m, s, pattern) { this.$m = m; this.string = s; this.re = pattern; this.$pytype = "re.Match"; }
  $g(i) {
    if (typeof i === "string") {
      if (!this.re.$names.includes(i)) throw new $IndexError("no such group");
      const v = this.$m.groups[i]; return v === undefined ? null : v;
    }
    if (!$isIntLike(i) || i < 0 || i > this.re.groups) throw new $IndexError("no such group");
    const v = this.$m[+i]; return v === undefined ? null : v;
  }
  group(...ids) {
    if (ids.length === 0) return this.$m[0];
    if (ids.length === 1) return this.$g(ids[0]);
    return $Object.freeze(ids.map((i) => this.$g(i)));
  }
  $getitem(i) { return this.$g(i); }
  __repr__() { return `<re.Match object; span=(${this.start()}, ${this.end()}), match=${$repr(this.$m[0])}>`; }
}

// @helper $re_iterate
$Pattern.prototype.$iterate = function* (s) {
  if (typeof s !== "string") throw new TypeError(`expected string or bytes-like object, got '${$typeName(s)}'`);
  const re = new RegExp(this.$src, this.$flags + "dg");
  let m;
  while ((m = re.exec(s)) !== null) {
    if (m[0] === "") re.lastIndex += (s.codePointAt(re.lastIndex) > 0xffff ? 2 : 1);
    yield m;
  }
};
$Pattern.prototype.finditer = function (s) { return $Array.from(this.$iterate(s), (m) => new $Match(m, s, this)); };
$Pattern.prototype.findall = function (s) {
  return $Array.from(this.$iterate(s), (m) => {
    if (this.groups === 0) return m[0];
    const g = m.slice(1).map((v) => (v === undefined ? "" : v));
    return this.groups === 1 ? g[0] : $Object.freeze(g);
  });
};

// @helper $re_sub
$Pattern.prototype.subn = function (repl, s, count) {
  if (typeof s !== "string") throw new TypeError(`expected string or bytes-like object, got '${$typeName(s)}'`);
  count = count === undefined || count === null ? 0 : +count;
  let n = 0;
  const template = typeof repl === "string" ? $reTemplate(repl, this) : null;
  if (template === null) $callable(repl);
  const out = s.replace(new RegExp(this.$src, this.$flags + "g"), (...args) => {
    if (count > 0 && n >= count) return args[0];
    n++;
    const hasNames = typeof args[args.length - 1] === "object";
    const m = args.slice(0, this.groups + 1);
    m.index = args[this.groups + 1];
    m.groups = hasNames ? args[args.length - 1] : undefined;
    const match = new $Match(m, s, this);
    if (template !== null) return template(match);
    const r = repl(match);
    if (typeof r !== "string") throw new TypeError(`expected str instance, ${$typeName(r)} found`);
    return r;
  });
  return $Object.freeze([out, n]);
};
$Pattern.prototype.sub = function (repl, s, count) { return this.subn(repl, s, count)[0]; };

// @helper $re_split
$Pattern.prototype.split = function (s, maxsplit) {  // uses $re_iterate
  maxsplit = maxsplit === undefined || maxsplit === null ? 0 : +maxsplit;
  const out = [];
  let last = 0, n = 0;
  for (const m of this.$iterate(s)) {
    if (maxsplit > 0 && n >= maxsplit) break;
    out.push(s.slice(last, m.index));
    for (let i = 1; i <= this.groups; i++) out.push(m[i] === undefined ? null : m[i]);
    last = m.index + m[0].length;
    n++;
  }
  out.push(s.slice(last));
  return out;
};

// @helper $match_groups
$Match.prototype.groups = function (dflt) { const out = []; for (let i = 1; i <= this.re.groups; i++) { const v = this.$m[i]; out.push(v === undefined ? (dflt === undefined ? null : dflt) : v); } return $Object.freeze(out); };
$Match.prototype.groupdict = function (dflt) { const out = {}; for (const k of this.re.$names) { const v = this.$m.groups[k]; out[k] = v === undefined ? (dflt === undefined ? null : dflt) : v; } return out; };

// @helper $match_span
$Match.prototype.$span = function (g) {
  if (g === undefined) g = 0;
  const v = this.$g(g);
  if (v === null) return [-1, -1];
  // the offset of group g: only group 0's is known to JavaScript without the d flag; find the rest
  let unit;
  if (+g === 0 || g === 0) unit = this.$m.index;
  else if (this.$m.indices) unit = (typeof g === "string" ? this.$m.indices.groups[g] : this.$m.indices[+g])[0];
  else unit = this.string.indexOf(v, this.$m.index);
  const a = $unitToCp(this.string, unit);
  return [a, a + $len(v)];
};
$Match.prototype.start = function (g) { return this.$span(g)[0]; };
$Match.prototype.end = function (g) { return this.$span(g)[1]; };
$Match.prototype.span = function (g) { return $Object.freeze(this.$span(g)); };

// @helper $reCompile
const $reCache = new Map();
function $reCompile(source, flags, pattern, groups, names) {
  const key = flags + "/" + source;
  let p = $reCache.get(key);
  if (p === undefined) { p = new $Pattern(source, flags, pattern, groups, names); $reCache.set(key, p); }
  return p;
}

// @helper $reTest
// re.match / re.search / re.fullmatch whose Match is only tested, never used: a RegExp test.
const $reTests = new Map();
function $reTest(source, flags, mode, s) {
  if (typeof s !== "string") throw new TypeError(`expected string or bytes-like object, got '${$typeName(s)}'`);
  const key = mode + "/" + flags + "/" + source;
  let re = $reTests.get(key);
  if (re === undefined) {
    re = new RegExp(mode === "fullmatch" ? "(?:" + source + ")(?![\\s\\S])" : source, flags + (mode === "search" ? "" : "y"));
    $reTests.set(key, re);
  }
  re.lastIndex = 0;
  return re.test(s);
}

// @helper $reEscape
function $reEscape(s) {
  if (typeof s !== "string") throw new TypeError(`expected string or bytes-like object, got '${$typeName(s)}'`);
  let out = "";
  for (const ch of s) out += /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/.test(ch) ? "\\" + ch : ch;
  return out;
}
