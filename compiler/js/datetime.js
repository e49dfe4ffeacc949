// datetime: date, datetime, timedelta and timezone with CPython 3.11's semantics (the C module's
// messages), fromisoformat's grammar, strftime (glibc's C locale, as CPython on Linux) and strptime
// (Lib/_strptime.py's regular expressions). Naive values are UTC: Segment's runtime runs in UTC, and
// segfn runs Python functions under TZ=UTC (emulator/runner.py).

// @helper $daysFromCivil
function $daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = $Math.floor(y / 400), yoe = y - era * 400;
  const doy = $Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + $Math.floor(yoe / 4) - $Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// @helper $civilFromDays
function $civilFromDays(z) {
  z += 719468;
  const era = $Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = $Math.floor((doe - $Math.floor(doe / 1460) + $Math.floor(doe / 36524) - $Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + $Math.floor(yoe / 4) - $Math.floor(yoe / 100));
  const mp = $Math.floor((5 * doy + 2) / 153);
  const d = doy - $Math.floor((153 * mp + 2) / 5) + 1, m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

// @helper $dtInt
// A datetime field argument: an int (or bool), as CPython's "i" format takes it.
function $dtInt(v) {
  if (typeof v === "boolean") return +v;
  if (typeof v === "number" && $Number.isInteger(v)) return v;
  throw new TypeError(`'${$typeName(v)}' object cannot be interpreted as an integer`);
}

// @helper $dtCheckDate
function $dtCheckDate(year, month, day) {
  if (!(year >= 1 && year <= 9999)) throw new $ValueError(`year ${year} is out of range`);
  if (!(month >= 1 && month <= 12)) throw new $ValueError("month must be in 1..12");
  const dim = [31, (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!(day >= 1 && day <= dim)) throw new $ValueError("day is out of range for month");
}

// @helper $TimeDelta
// timedelta: days, seconds (0..86399) and microseconds (0..999999), normalised as CPython does.
class $TimeDelta {
  constructor(days, seconds, us) {
    // normalise (exact: every part is a safe integer)
    let s = seconds + $Math.floor(us / 1e6);
    us -= $Math.floor(us / 1e6) * 1e6;
    days += $Math.floor(s / 86400);
    s -= $Math.floor(s / 86400) * 86400;
    if (!(days >= -999999999 && days <= 999999999)) {
      throw new $OverflowError(days > 2147483647 || days < -2147483648 ? "Python int too large to convert to C int" : `days=${days}; must have magnitude <= 999999999`);
    }
    this.days = days; this.seconds = s; this.microseconds = us;
  }
  get $pytype() { return "datetime.timedelta"; }
  $big() { return BigInt(this.days) * 86400000000n + BigInt(this.seconds) * 1000000n + BigInt(this.microseconds); }
  total_seconds() {
    const us = (this.days * 86400 + this.seconds) * 1e6 + this.microseconds;
    return $Number.isSafeInteger(us) ? us / 1e6 : $bigTrueDiv(this.$big(), 1000000n);
  }
  __str__() {
    const p = (n) => $String(n).padStart(2, "0");
    let s = `${$Math.floor(this.seconds / 3600)}:${p($Math.floor(this.seconds / 60) % 60)}:${p(this.seconds % 60)}`;
    if (this.days) s = `${this.days} day${$Math.abs(this.days) !== 1 ? "s" : ""}, ` + s;
    if (this.microseconds) s += "." + $String(this.microseconds).padStart(6, "0");
    return s;
  }
  __repr__() {
    const parts = [];
    if (this.days) parts.push(`days=${this.days}`);
    if (this.seconds) parts.push(`seconds=${this.seconds}`);
    if (this.microseconds) parts.push(`microseconds=${this.microseconds}`);
    return `datetime.timedelta(${parts.join(", ") || "0"})`;
  }
  $bool() { return this.days !== 0 || this.seconds !== 0 || this.microseconds !== 0; }
  $eq(o) { return o instanceof $TimeDelta && this.days === o.days && this.seconds === o.seconds && this.microseconds === o.microseconds; }
  $cmp(o) { return this.days - o.days || this.seconds - o.seconds || this.microseconds - o.microseconds; }
  __neg__() { return new $TimeDelta(-this.days, -this.seconds, -this.microseconds); }
  __pos__() { return this; }
  __abs__() { return this.days < 0 ? this.__neg__() : this; }
  __add__(o) {
    if (o instanceof $TimeDelta) return new $TimeDelta(this.days + o.days, this.seconds + o.seconds, this.microseconds + o.microseconds);
    return $NotImplemented;
  }
  __radd__(o) { return this.__add__(o); }
  __sub__(o) {
    if (o instanceof $TimeDelta) return new $TimeDelta(this.days - o.days, this.seconds - o.seconds, this.microseconds - o.microseconds);
    return $NotImplemented;
  }
  __rsub__(o) { return o instanceof $TimeDelta ? o.__sub__(this) : $NotImplemented; }
  __mul__(o) {
    if (typeof o === "boolean") o = +o;
    if (typeof o !== "number") return $NotImplemented;
    if ($Number.isInteger(o)) return $tdFromBig(this.$big() * BigInt(o));
    if (!$Number.isFinite(o)) throw o !== o ? new $ValueError("cannot convert float NaN to integer") : new $OverflowError("cannot convert float infinity to integer");
    const [num, den] = $floatRatio(o);
    return $tdFromBig($bigDivRound(this.$big() * num, den));
  }
  __rmul__(o) { return this.__mul__(o); }
  __truediv__(o) {
    if (o instanceof $TimeDelta) {
      const b = o.$big();
      if (b === 0n) throw new $ZeroDivisionError("division by zero");
      return $bigTrueDiv(this.$big(), b);
    }
    if (typeof o === "boolean") o = +o;
    if (typeof o !== "number") return $NotImplemented;
    if ($Number.isInteger(o)) {
      if (o === 0) throw new $ZeroDivisionError("integer division or modulo by zero");
      return $tdFromBig($bigDivRound(this.$big(), BigInt(o)));
    }
    if (o === 0) throw new $ZeroDivisionError("float division by zero");
    if (!$Number.isFinite(o)) throw o !== o ? new $ValueError("cannot convert float NaN to integer") : new $OverflowError("cannot convert float infinity to integer");
    const [num, den] = $floatRatio(o);
    return $tdFromBig($bigDivRound(this.$big() * den, num));
  }
  __floordiv__(o) {
    if (o instanceof $TimeDelta) {
      const b = o.$big();
      if (b === 0n) throw new $ZeroDivisionError("integer division or modulo by zero");
      return $Number($bigFloorDiv(this.$big(), b));
    }
    if (typeof o === "boolean") o = +o;
    if (typeof o !== "number" || !$Number.isInteger(o)) return $NotImplemented;
    if (o === 0) throw new $ZeroDivisionError("integer division or modulo by zero");
    return $tdFromBig($bigFloorDiv(this.$big(), BigInt(o)));
  }
  __mod__(o) {
    if (!(o instanceof $TimeDelta)) return $NotImplemented;
    const a = this.$big(), b = o.$big();
    if (b === 0n) throw new $ZeroDivisionError("integer modulo by zero");
    return $tdFromBig(a - $bigFloorDiv(a, b) * b);
  }
}

// @helper $tdFromBig
function $tdFromBig(us) {
  const day = 86400000000n;
  let d = us / day, r = us % day;
  if (r < 0n) { d -= 1n; r += day; }
  if (d > 2147483647n || d < -2147483648n) throw new $OverflowError("Python int too large to convert to C int");
  const rn = $Number(r);
  return new $TimeDelta($Number(d), $Math.floor(rn / 1e6), rn % 1e6);
}

// @helper $bigFloorDiv
function $bigFloorDiv(a, b) {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

// @helper $bigDivRound
// a / b rounded half to even (CPython's _divide_and_round).
function $bigDivRound(a, b) {
  if (b < 0n) { a = -a; b = -b; }
  let q = $bigFloorDiv(a, b);
  const r2 = (a - q * b) * 2n;
  if (r2 > b || (r2 === b && q % 2n !== 0n)) q += 1n;
  return q;
}

// @helper $bigTrueDiv
// int / int correctly rounded, as CPython's true division of ints.
function $bigTrueDiv(a, b) {
  const an = $Number(a), bn = $Number(b);
  if ($Number.isSafeInteger(an) && $Number.isSafeInteger(bn)) return an / bn;
  const neg = (a < 0n) !== (b < 0n);
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  // a quotient of at least 64 bits, its last bit set when inexact (so that it rounds once, correctly)
  const k = $Math.max(0, 64 - (a.toString(2).length - b.toString(2).length));
  const scaled = a << BigInt(k);
  let q = scaled / b;
  if (scaled % b !== 0n) q |= 1n;
  const r = $Number(q) / 2 ** k;
  return neg ? -r : r;
}

// @helper $floatRatio
// A finite float as an exact fraction [numerator, denominator] of BigInts (float.as_integer_ratio).
function $floatRatio(x) {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0), lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e;
  if (exp === 0) e = -1074; else { mant |= 1n << 52n; e = exp - 1075; }
  if (hi >>> 31) mant = -mant;
  if (mant === 0n) return [0n, 1n];
  while (e < 0 && (mant & 1n) === 0n) { mant >>= 1n; e++; }
  return e >= 0 ? [mant << BigInt(e), 1n] : [mant, 1n << BigInt(-e)];
}

// @helper $timedelta
// timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0): each
// part's whole units exactly, its fractions summed as CPython's delta_new sums them, the total
// rounded half to even.
function $timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks) {
  const parts = [[days, 86400000000n, "days"], [seconds, 1000000n, "seconds"], [microseconds, 1n, "microseconds"],
    [milliseconds, 1000n, "milliseconds"], [minutes, 60000000n, "minutes"], [hours, 3600000000n, "hours"], [weeks, 604800000000n, "weeks"]];
  let whole = 0n, leftover = 0;
  for (let [v, factor, name] of parts) {
    if (v === undefined) continue;
    if (typeof v === "boolean") v = +v;
    if (typeof v !== "number") throw new TypeError(`unsupported type for timedelta ${name} component: ${$typeName(v)}`);
    if ($Number.isInteger(v)) { whole += BigInt(v) * factor; continue; }
    if (!$Number.isFinite(v)) throw v !== v ? new $ValueError("cannot convert float NaN to integer") : new $OverflowError("cannot convert float infinity to integer");
    const ip = $Math.trunc(v), fp = v - ip;
    whole += BigInt(ip) * factor;
    const us = fp * $Number(factor);
    const usWhole = $Math.trunc(us);
    whole += BigInt(usWhole);
    leftover += us - usWhole;
  }
  if (leftover !== 0) {
    // CPython's delta_new: round to nearest, a half to the even total
    const cround = (v) => (v < 0 ? -$Math.floor(-v + 0.5) : $Math.floor(v + 0.5));
    let r = cround(leftover);
    if ($Math.abs(r - leftover) === 0.5) {
      const odd = $Number(((whole % 2n) + 2n) % 2n);
      r = 2 * cround((leftover + odd) * 0.5) - odd;
    }
    whole += BigInt(r);
  }
  return $tdFromBig(whole);
}

// @helper $Timezone
// datetime.timezone: a fixed offset (microseconds east of UTC) and an optional name.
class $Timezone {
  constructor(us, name) { this.$us = us; this.$name = name === undefined ? null : name; }
  get $pytype() { return "datetime.timezone"; }
  utcoffset(dt) { return new $TimeDelta(0, 0, this.$us); }
  dst(dt) { return null; }
  tzname(dt) {
    if (this.$name !== null) return this.$name;
    if (this.$us === 0) return "UTC";
    return "UTC" + $offsetText(this.$us, ":");
  }
  __str__() { return this.tzname(null); }
  __repr__() {
    if (this === $UTC) return "datetime.timezone.utc";
    const td = $repr(new $TimeDelta(0, 0, this.$us));
    return this.$name === null ? `datetime.timezone(${td})` : `datetime.timezone(${td}, ${$repr(this.$name)})`;
  }
  $eq(o) { return o instanceof $Timezone && o.$us === this.$us; }
}

// @helper $UTC
const $UTC = new $Timezone(0, null);

// @helper $LOCAL_TZ
// The zone a naive datetime's astimezone() assumes: UTC, named as CPython names it under TZ=UTC.
const $LOCAL_TZ = new $Timezone(0, "UTC");

// @helper $timezone
// timezone(offset, name=None)
function $timezone(offset, name) {
  if (!(offset instanceof $TimeDelta)) throw new TypeError(`timezone() argument 1 must be datetime.timedelta, not ${$typeName(offset)}`);
  if (name !== undefined && name !== null && typeof name !== "string") throw new TypeError(`timezone() argument 2 must be str, not ${$typeName(name)}`);
  if (offset.days < -1 || offset.days >= 1 || (offset.days === -1 && offset.seconds === 0 && offset.microseconds === 0)) {
    throw new $ValueError("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not " + $repr(offset) + ".");
  }
  const us = (offset.days * 86400 + offset.seconds) * 1e6 + offset.microseconds;
  if (us === 0 && (name === undefined || name === null)) return $UTC;
  return new $Timezone(us, name === undefined ? null : name);
}

// @helper $offsetText
// +HH:MM[:SS[.ffffff]] of an offset in microseconds (sep "" for %z).
function $offsetText(us, sep) {
  const sign = us < 0 ? "-" : "+";
  us = $Math.abs(us);
  const secs = $Math.floor(us / 1e6), frac = us % 1e6;
  const p = (n) => $String(n).padStart(2, "0");
  let out = `${sign}${p($Math.floor(secs / 3600))}${sep}${p($Math.floor(secs / 60) % 60)}`;
  if (secs % 60 || frac) out += sep + p(secs % 60);
  if (frac) out += "." + $String(frac).padStart(6, "0");
  return out;
}

// @helper $checkTz
function $checkTz(tz) {
  if (tz === undefined || tz === null) return null;
  if (!(tz instanceof $Timezone)) throw new TypeError(`tzinfo argument must be None or of a tzinfo subclass, not type '${$typeName(tz)}'`);
  return tz;
}

// @helper $Date
class $Date {
  constructor(year, month, day) {
    $dtCheckDate(year, month, day);
    this.year = year; this.month = month; this.day = day;
  }
  get $pytype() { return "datetime.date"; }
  get $dateOrder() { return true; }
  $days() { return $daysFromCivil(this.year, this.month, this.day); }
  toordinal() { return this.$days() + 719163; }
  weekday() { return ((this.$days() % 7) + 10) % 7; }
  isoweekday() { return this.weekday() + 1; }
  isocalendar() {
    const days = this.$days();
    let year = this.year;
    const week1 = (y) => { const j = $daysFromCivil(y, 1, 4); return j - (((j % 7) + 10) % 7); };
    let start = week1(year);
    if (days < start) start = week1(--year);
    else if (days >= week1(year + 1)) start = week1(++year);
    const w = $Math.floor((days - start) / 7);
    return $Object.freeze([year, w + 1, days - start - w * 7 + 1]);
  }
  isoformat() { return `${$String(this.year).padStart(4, "0")}-${$String(this.month).padStart(2, "0")}-${$String(this.day).padStart(2, "0")}`; }
  __str__() { return this.isoformat(); }
  __repr__() { return `datetime.date(${this.year}, ${this.month}, ${this.day})`; }
  replace(year, month, day) {
    const g = (v, d) => (v === undefined ? d : $dtInt(v));
    return new $Date(g(year, this.year), g(month, this.month), g(day, this.day));
  }
  $eq(o) { return o !== null && typeof o === "object" && o.constructor === this.constructor && this.$cmp(o) === 0; }
  $cmp(o) { return this.year - o.year || this.month - o.month || this.day - o.day; }
  __add__(o) {
    if (!(o instanceof $TimeDelta)) return $NotImplemented;
    const days = this.$days() + o.days;
    const [y, m, d] = $civilFromDays(days);
    if (y < 1 || y > 9999) throw new $OverflowError("date value out of range");
    return new $Date(y, m, d);
  }
  __radd__(o) { return this.__add__(o); }
  __sub__(o) {
    if (o instanceof $TimeDelta) return this.__add__(o.__neg__());
    if (o !== null && typeof o === "object" && o.constructor === $Date) return new $TimeDelta(this.$days() - o.$days(), 0, 0);
    return $NotImplemented;
  }
}
$Date.prototype.replace.$sig = ["replace", ["year", "month", "day"], 0, 3, null, [], [], null, 0];

// @helper $date
function $date(year, month, day) { return new $Date($dtInt(year), $dtInt(month), $dtInt(day)); }

// @helper $DateTime
// A datetime: its wall-clock fields and its tzinfo ($Timezone, or null when naive).
class $DateTime extends $Date {
  constructor(year, month, day, hour, minute, second, microsecond, tz) {
    super(year, month, day);
    if (!(hour >= 0 && hour <= 23)) throw new $ValueError("hour must be in 0..23");
    if (!(minute >= 0 && minute <= 59)) throw new $ValueError("minute must be in 0..59");
    if (!(second >= 0 && second <= 59)) throw new $ValueError("second must be in 0..59");
    if (!(microsecond >= 0 && microsecond <= 999999)) throw new $ValueError("microsecond must be in 0..999999");
    this.hour = hour; this.minute = minute; this.second = second; this.microsecond = microsecond;
    this.tzinfo = tz === undefined ? null : tz;
  }
  get $pytype() { return "datetime.datetime"; }
  get fold() { return 0; }
  $secs() { return this.$days() * 86400 + this.hour * 3600 + this.minute * 60 + this.second; }
  $offUs() { return this.tzinfo === null ? 0 : this.tzinfo.$us; }
  // the instant as [seconds since the epoch, microseconds]; a naive value is read as UTC
  $instant() {
    const off = this.$offUs(), offS = $Math.floor(off / 1e6);
    let s = this.$secs() - offS, us = this.microsecond - (off - offS * 1e6);
    if (us < 0) { us += 1e6; s -= 1; }
    return [s, us];
  }
  timestamp() {
    const [s, us] = this.$instant();
    const total = s * 1e6 + us;
    return $Number.isSafeInteger(total) ? total / 1e6 : $bigTrueDiv(BigInt(s) * 1000000n + BigInt(us), 1000000n);
  }
  date() { return new $Date(this.year, this.month, this.day); }
  utcoffset() { return this.tzinfo === null ? null : this.tzinfo.utcoffset(this); }
  tzname() { return this.tzinfo === null ? null : this.tzinfo.tzname(this); }
  dst() { return null; }
  isoformat(sep, timespec) {
    if (sep === undefined) sep = "T";
    else if (typeof sep !== "string" || $len(sep) !== 1) {
      throw new TypeError(`isoformat() argument 1 must be a unicode character, not ${$typeName(sep)}`);
    }
    const p = (n, w) => $String(n).padStart(w, "0");
    let t = `${p(this.hour, 2)}:${p(this.minute, 2)}:${p(this.second, 2)}`;
    if (timespec === undefined || timespec === "auto") { if (this.microsecond) t += "." + p(this.microsecond, 6); }
    else if (timespec === "milliseconds") t += "." + p($Math.floor(this.microsecond / 1000), 3);
    else if (timespec === "microseconds") t += "." + p(this.microsecond, 6);
    else if (timespec === "hours") t = p(this.hour, 2);
    else if (timespec === "minutes") t = `${p(this.hour, 2)}:${p(this.minute, 2)}`;
    else if (timespec !== "seconds") throw new $ValueError("Unknown timespec value");
    return `${p(this.year, 4)}-${p(this.month, 2)}-${p(this.day, 2)}${sep}${t}${this.tzinfo === null ? "" : $offsetText(this.tzinfo.$us, ":")}`;
  }
  __str__() { return this.isoformat(" "); }
  __repr__() {
    const f = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.microsecond) f.push(this.second, this.microsecond);
    else if (this.second) f.push(this.second);
    return `datetime.datetime(${f.join(", ")}${this.tzinfo === null ? "" : ", tzinfo=" + $repr(this.tzinfo)})`;
  }
  $eq(o) {
    if (!(o instanceof $DateTime)) return false;
    if ((this.tzinfo === null) !== (o.tzinfo === null)) return false;
    return this.$cmp(o) === 0;
  }
  $cmp(o) {
    if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't compare offset-naive and offset-aware datetimes");
    const [a, au] = this.$instant(), [b, bu] = o.$instant();
    return a - b || au - bu;
  }
  replace(year, month, day, hour, minute, second, microsecond, tzinfo, fold) {
    const g = (v, d) => (v === undefined ? d : $dtInt(v));
    if (fold !== undefined && $dtInt(fold) !== 0 && $dtInt(fold) !== 1) throw new $ValueError("fold must be either 0 or 1");
    return new $DateTime(g(year, this.year), g(month, this.month), g(day, this.day), g(hour, this.hour),
      g(minute, this.minute), g(second, this.second), g(microsecond, this.microsecond),
      tzinfo === undefined ? this.tzinfo : $checkTz(tzinfo));
  }
  astimezone(tz) {
    if (tz === undefined || tz === null) tz = $LOCAL_TZ;
    else $checkTz(tz);
    if (this.tzinfo === tz) return this;
    const [s, us] = this.$instant();
    return $dtFromInstant(s, us, tz);
  }
  __add__(o) {
    if (!(o instanceof $TimeDelta)) return $NotImplemented;
    let s = this.$secs() + o.days * 86400 + o.seconds, us = this.microsecond + o.microseconds;
    if (us >= 1e6) { us -= 1e6; s += 1; }
    return $dtFromSecs(s, us, this.tzinfo);
  }
  __radd__(o) { return this.__add__(o); }
  __sub__(o) {
    if (o instanceof $TimeDelta) return this.__add__(o.__neg__());
    if (!(o instanceof $DateTime)) return $NotImplemented;
    if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
    const [a, au] = this.$instant(), [b, bu] = o.$instant();
    return new $TimeDelta(0, a - b, au - bu);
  }
}
$DateTime.prototype.replace.$sig = ["replace", ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"], 0, 8, null, ["fold"], [1], null, 0];
$DateTime.prototype.isoformat.$sig = ["isoformat", ["sep", "timespec"], 0, 2, null, [], [], null, 0];
$DateTime.prototype.astimezone.$sig = ["astimezone", ["tz"], 0, 1, null, [], [], null, 0];

// @helper $datetime
// datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *, fold=0)
function $datetime(year, month, day, hour, minute, second, microsecond, tzinfo, fold) {
  const g = (v) => (v === undefined ? 0 : $dtInt(v));
  if (fold !== undefined && $dtInt(fold) !== 0 && $dtInt(fold) !== 1) throw new $ValueError("fold must be either 0 or 1");
  return new $DateTime($dtInt(year), $dtInt(month), $dtInt(day), g(hour), g(minute), g(second), g(microsecond), $checkTz(tzinfo));
}

// @helper $dtFromSecs
// The datetime whose wall clock is `s` seconds (and `us` microseconds) after 1970-01-01 00:00, in zone tz.
function $dtFromSecs(s, us, tz) {
  const days = $Math.floor(s / 86400), rem = s - days * 86400;
  const [y, m, d] = $civilFromDays(days);
  if (y < 1 || y > 9999) throw new $OverflowError("date value out of range");
  return new $DateTime(y, m, d, $Math.floor(rem / 3600), $Math.floor(rem / 60) % 60, rem % 60, us, tz);
}

// @helper $dtFromInstant
// The instant [s, us] (UTC) seen in zone tz.
function $dtFromInstant(s, us, tz) {
  const off = tz === null ? 0 : tz.$us, offS = $Math.floor(off / 1e6);
  s += offS; us += off - offS * 1e6;
  if (us >= 1e6) { us -= 1e6; s += 1; }
  return $dtFromSecs(s, us, tz);
}

// @helper $dtFromTimestamp
// datetime.fromtimestamp(ts, tz=None) (naive: the runtime's zone, UTC), utcfromtimestamp(ts) (utc true),
// and date.fromtimestamp(ts) (dateOnly: the seconds floored, as CPython's ROUND_FLOOR).
function $dtFromTimestamp(ts, tz, utc, dateOnly) {
  if (!$isNum(ts)) throw new TypeError(`'${$typeName(ts)}' object cannot be interpreted as an integer`);
  ts = +ts;
  if (ts !== ts) throw new $ValueError("Invalid value NaN (not a number)");
  if (!(ts > -9223372036854775808 && ts < 9223372036854775808)) throw new $OverflowError("timestamp out of range for platform time_t");
  tz = $checkTz(tz);
  let whole, frac;
  if (dateOnly) { whole = $Math.floor(ts); frac = 0; }
  else {
    whole = $Math.trunc(ts);
    frac = $roundHalfEven((ts - whole) * 1e6);
    if (frac >= 1e6) { frac -= 1e6; whole += 1; } else if (frac < 0) { frac += 1e6; whole -= 1; }
  }
  const year = (s) => $civilFromDays($Math.floor(s / 86400))[0];
  // the broken-down UTC time first (its year checked), then, for a naive local time, CPython's probe of
  // a day earlier for a fold
  if (year(whole) < 1 || year(whole) > 9999) throw new $ValueError(`year ${year(whole)} is out of range`);
  if (tz === null && !utc && !dateOnly && year(whole - 86400) < 1) throw new $ValueError(`year ${year(whole - 86400)} is out of range`);
  return $dtFromInstant(whole, frac, tz);
}

// @helper $dtUtcFromTimestamp
function $dtUtcFromTimestamp(ts) { return $dtFromTimestamp(ts, null, true); }

// @helper $dtNow
// datetime.now(tz=None) from the runtime's clock (segfn check freezes it on both sides).
function $dtNow(tz) {
  const ms = Date.now();
  tz = $checkTz(tz);
  return $dtFromInstant($Math.floor(ms / 1000), (ms - $Math.floor(ms / 1000) * 1000) * 1000, tz);
}

// @helper $dateToday
function $dateToday() { return $dtNow(null).date(); }

// @helper $dateFromTimestamp
function $dateFromTimestamp(ts) { return $dtFromTimestamp(ts, null, false, true).date(); }

// @helper $dateFromIso
// date.fromisoformat(s): the date forms of CPython 3.11's grammar only.
function $dateFromIso(s) {
  if (typeof s !== "string") throw new TypeError(`fromisoformat: argument must be str`);
  const n = $len(s);
  if (n !== 7 && n !== 8 && n !== 10) throw new $ValueError(`Invalid isoformat string: ${$repr(s)}`);
  if (/[^\x00-\x7f]/.test(s)) throw new $ValueError(`Invalid isoformat string: ${$repr(s)}`);
  const [y, m, d] = $isoDate(s, () => new $ValueError(`Invalid isoformat string: ${$repr(s)}`), false);
  return new $Date(y, m, d);
}

// @helper $isoDate
// The date part of an ISO 8601 string (CPython 3.11's parse_isoformat_date): [year, month, day],
// unchecked; strict: the whole text must be the date (datetime.fromisoformat's date part).
function $isoDate(dstr, bad, strict) {
  const digits = (str, at, n) => {
    const part = str.slice(at, at + n);
    if (part.length !== n || !/^[0-9]+$/.test(part)) throw bad();
    return +part;
  };
  let year, month, day;
  year = digits(dstr, 0, 4);
  const hasSep = dstr[4] === "-";
  let pos = 4 + (hasSep ? 1 : 0);
  if (dstr[pos] === "W") {
    pos++;
    const week = digits(dstr, pos, 2); pos += 2;
    let dayno = 1;
    if (dstr.length > pos) {
      if ((dstr[pos] === "-") !== hasSep) throw bad();
      pos += hasSep ? 1 : 0;
      dayno = digits(dstr, pos, 1); pos += 1;
    }
    if (strict && pos !== dstr.length) throw bad();
    const jan1 = $daysFromCivil(year, 1, 1);
    const firstWeekday = ((jan1 % 7) + 10) % 7;  // Monday = 0
    if (!(week > 0 && week < 53)) {
      const ok = week === 53 && (firstWeekday === 3 || (firstWeekday === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)));
      if (!ok) throw bad();
    }
    if (!(dayno > 0 && dayno < 8)) throw bad();
    if (year === 0) return [1, 0, 1];  // CPython's iso_to_ymd gives no valid month before year 1
    const week1Monday = jan1 - firstWeekday + (firstWeekday > 3 ? 7 : 0);
    [year, month, day] = $civilFromDays(week1Monday + (week - 1) * 7 + (dayno - 1));
  } else {
    month = digits(dstr, pos, 2); pos += 2;
    if ((dstr[pos] === "-") !== hasSep) throw bad();
    pos += hasSep ? 1 : 0;
    day = digits(dstr, pos, 2); pos += 2;
    if (strict && pos !== dstr.length) throw bad();
  }
  return [year, month, day];
}

// @helper $fromisoformat
function $fromisoformat(s) {
  if (typeof s !== "string") throw new TypeError("fromisoformat: argument must be str");
  const bad = () => new $ValueError(`Invalid isoformat string: ${$repr(s)}`);
  if ($len(s) < 7) throw bad();
  const cps = $Array.from(s);
  const digits = (str, at, n) => {
    const part = str.slice(at, at + n);
    if (part.length !== n || !/^[0-9]+$/.test(part)) throw bad();
    return +part;
  };
  // the date part, and where it ends (CPython's _find_isoformat_datetime_separator)
  const isDigit = (c) => c !== undefined && c >= "0" && c <= "9";
  let sep;
  const n = cps.length;
  if (n === 7) sep = 7;
  else if (cps[4] === "-") {
    if (cps[5] === "W") {
      if (n > 8 && cps[8] === "-") { if (n === 9) throw bad(); sep = n > 10 && isDigit(cps[10]) ? 8 : 10; }
      else sep = 8;
    } else sep = 10;
  } else if (cps[4] === "W") {
    let idx = 7;
    while (idx < n && isDigit(cps[idx])) idx++;
    sep = idx < 9 ? idx : idx % 2 === 0 ? 7 : 8;
  } else sep = 8;
  const dstr = cps.slice(0, sep).join("");
  const tstr = cps.slice(sep + 1).join("");
  if (n > sep && tstr === "") throw bad();  // a separator with no time after it
  if (/[^\x00-\x7f]/.test(dstr)) throw bad();
  const [year, month, day] = $isoDate(dstr, bad, true);
  let time = [0, 0, 0, 0], offset = null;
  if (n > sep) {
    // CPython 3.11's parse_isoformat_time and parse_hh_mm_ss_ff, reading "\0" past the end
    if (/[^\x00-\x7f]/.test(tstr)) throw bad();
    const at = (i) => (i < tstr.length ? tstr[i] : "\0");
    const hhmmss = (start, end) => {
      const comps = [0, 0, 0, 0];
      let p = start, hasSep = true;
      const dig = (k) => {
        let v = 0;
        for (let j = 0; j < k; j++) { const c = at(p++); if (!(c >= "0" && c <= "9")) return null; v = v * 10 + (+c); }
        return v;
      };
      for (let i = 0; i < 3; i++) {
        const v = dig(2);
        if (v === null) throw bad();
        comps[i] = v;
        const c = at(p++);
        if (i === 0) hasSep = c === ":";
        if (p >= end) return [c !== "\0", comps];
        if (hasSep && c === ":") continue;
        if (c === "." || c === ",") break;
        if (!hasSep) p--;
        else throw bad();
      }
      const remains = end - p, take = remains >= 6 ? 6 : remains;
      const us = dig(take);
      if (us === null) throw bad();
      comps[3] = take > 0 && take < 6 ? us * 10 ** (6 - take) : us;
      while (at(p) >= "0" && at(p) <= "9") p++;
      return [at(p) !== "\0", comps];
    };
    let tzpos = 0;
    do { const c = at(tzpos); if (c === "Z" || c === "+" || c === "-") break; } while (++tzpos < tstr.length);
    const [more, comps] = hhmmss(0, tzpos);
    time = comps;
    if (tzpos >= tstr.length) { if (more) throw bad(); }
    else if (tstr[tzpos] === "Z") { if (at(tzpos + 1) !== "\0") throw bad(); offset = 0; }
    else {
      const sign = tstr[tzpos] === "-" ? -1 : 1;
      const [rest, c] = hhmmss(tzpos + 1, tstr.length);
      if (rest) throw bad();
      const secs = c[0] * 3600 + c[1] * 60 + c[2];
      offset = secs === 0 ? 0 : sign * (secs * 1e6 + c[3]);  // CPython: zero seconds is UTC
    }
  }
  return new $DateTime(year, month, day, time[0], time[1], time[2], time[3], offset === null ? null : $timezone(new $TimeDelta(0, 0, offset)));
}

// @helper $DAY_NAMES
const $DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
// @helper $MONTH_NAMES
const $MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// @helper $dt_strftime
// strftime as CPython on Linux: %f, %z and %Z by CPython, the rest by glibc in the C locale (%Y is
// not padded below year 1000), with glibc's flags - _ 0 ^ # and its E and O modifiers (which change
// nothing in the C locale). What glibc does not know it writes as it is (%Q, %Ed); the directives
// glibc knows and segfn does not give (%C %G %g %V %s %+) are refused.
$Date.prototype.strftime = function (fmt) {
  if (typeof fmt !== "string") throw new TypeError(`strftime() argument 1 must be str, not ${$typeName(fmt)}`);
  const dt = this instanceof $DateTime;
  const hour = dt ? this.hour : 0, minute = dt ? this.minute : 0, second = dt ? this.second : 0;
  const tz = dt ? this.tzinfo : null;
  const wd = this.weekday(), sunday0 = (wd + 1) % 7;
  const yday = this.$days() - $daysFromCivil(this.year, 1, 1);
  // numeric conversions: [value, width, padding]
  const nums = {
    d: [this.day, 2, "0"], e: [this.day, 2, " "], H: [hour, 2, "0"], I: [hour % 12 || 12, 2, "0"], k: [hour, 2, " "],
    l: [hour % 12 || 12, 2, " "], j: [yday + 1, 3, "0"], m: [this.month, 2, "0"], M: [minute, 2, "0"], S: [second, 2, "0"],
    y: [this.year % 100, 2, "0"], U: [$Math.floor((yday + 7 - sunday0) / 7), 2, "0"], W: [$Math.floor((yday + 7 - wd) / 7), 2, "0"],
    u: [wd + 1, 1, "0"], w: [sunday0, 1, "0"], Y: [this.year, 0, "0"],
  };
  const texts = {
    a: $DAY_NAMES[wd].slice(0, 3), A: $DAY_NAMES[wd], b: $MONTH_NAMES[this.month - 1].slice(0, 3),
    h: $MONTH_NAMES[this.month - 1].slice(0, 3), B: $MONTH_NAMES[this.month - 1], p: hour < 12 ? "AM" : "PM",
    P: hour < 12 ? "am" : "pm",
  };
  const composite = { D: "%m/%d/%y", x: "%m/%d/%y", F: "%Y-%m-%d", T: "%H:%M:%S", X: "%H:%M:%S", R: "%H:%M",
    r: "%I:%M:%S %p", c: "%a %b %e %H:%M:%S %Y" };
  // glibc: a conversion with a modifier it does not take is written as it is (uppercased under ^)
  const badMod = (mod, c) => mod !== "" && ("ADFa".includes(c) || (mod === "E" && "BGHIMNSUVWbdeghjklmw".includes(c))
    || (mod === "O" && "XcxCY".includes(c)));
  const conv = (all, flags, width, mod, c) => {
    const upper = flags.includes("^"), swap = flags.includes("#");
    const pads = flags.replace(/[\^#]/g, ""), flag = pads ? pads[pads.length - 1] : "";
    const literal = () => (upper || (swap && (c === "b" || c === "h")) ? all.toUpperCase() : all);  // b, h: # is read first
    if (width !== "") throw new $ValueError(`segfn: the strftime directive ${all} (a field width) is not supported`);
    if (badMod(mod, c)) return literal();
    if ($Object.hasOwn(nums, c)) {
      const [v, w, pad] = nums[c];
      if (flag === "-" || w === 0) return $String(v);
      if (flag === "_") return $String(v).padStart(w, " ");
      if (flag === "0") return $String(v).padStart(w, "0");
      return $String(v).padStart(w, pad);
    }
    if ($Object.hasOwn(texts, c)) {
      if (c === "P" || (swap && c === "p")) return texts[c].toLowerCase();  // glibc's %P is lower case whatever the flags
      return upper || swap ? texts[c].toUpperCase() : texts[c];
    }
    if ($Object.hasOwn(composite, c)) {
      const out = composite[c].replace(/%(.)/g, (a, d) => conv(a, "", "", "", d));
      return upper ? out.toUpperCase() : out;
    }
    if (c === "%") return "%";
    if (c === "n") return "\n";
    if (c === "t") return "\t";
    if (c === "z" || c === "Z") return "";  // glibc's own %z and %Z of the struct CPython passes it
    if ("CGgVs".includes(c)) throw new $ValueError(`segfn: the strftime directive %${c} is not supported`);
    return literal();  // a conversion glibc does not know
  };
  // CPython first replaces %f, %z and %Z (reading the format two characters at a time), then glibc
  // formats the rest
  let staged = "";
  const cps = $Array.from(fmt);
  for (let i = 0; i < cps.length; i++) {
    if (cps[i] !== "%") { staged += cps[i]; continue; }
    const c = cps[++i];
    if (c === undefined) { staged += "%"; break; }
    if (c === "f") staged += $String(dt ? this.microsecond : 0).padStart(6, "0");
    else if (c === "z") staged += tz === null ? "" : $offsetText(tz.$us, "");
    else if (c === "Z") staged += tz === null ? "" : $str(tz.tzname(this)).replace(/%/g, "%%");
    else staged += "%" + c;
  }
  return staged.replace(/%([-_0^#]*)([0-9]*)([EO]?)([\s\S]?)/gu, (all, flags, width, mod, c) => (c === "" ? all : conv(all, flags, width, mod, c)));
};

// f"{d:%Y-%m-%d}" and format(d, spec): strftime, as date.__format__ does
$Date.prototype.__format__ = function (spec) {
  if (typeof spec !== "string") throw new TypeError(`__format__() argument must be str, not ${$typeName(spec)}`);
  return spec.length === 0 ? $str(this) : this.strftime(spec);
};

// @helper $STRPTIME_RE
// Lib/_strptime.py's TimeRE in the C locale under TZ=UTC (the %Z names are utc and gmt).
const $STRPTIME_RE = (() => {
  const seq = (names, d) => `(?<${d}>${names.slice().sort((a, b) => b.length - a.length).join("|")})`;
  const days = $DAY_NAMES.map((n) => n.toLowerCase()), months = $MONTH_NAMES.map((n) => n.toLowerCase());
  const D = "\\p{Nd}";
  const base = {
    d: `(?<d>3[0-1]|[1-2]${D}|0[1-9]|[1-9]| [1-9])`, f: "(?<f>[0-9]{1,6})", H: `(?<H>2[0-3]|[0-1]${D}|${D})`,
    I: "(?<I>1[0-2]|0[1-9]|[1-9])", j: `(?<j>36[0-6]|3[0-5]${D}|[1-2]${D}${D}|0[1-9]${D}|00[1-9]|[1-9]${D}|0[1-9]|[1-9])`,
    m: "(?<m>1[0-2]|0[1-9]|[1-9])", M: `(?<M>[0-5]${D}|${D})`, S: `(?<S>6[0-1]|[0-5]${D}|${D})`,
    w: "(?<w>[0-6])", u: "(?<u>[1-7])", U: `(?<U>5[0-3]|[0-4]${D}|${D})`, W: `(?<W>5[0-3]|[0-4]${D}|${D})`, y: `(?<y>${D}${D})`, Y: `(?<Y>${D}${D}${D}${D})`,
    z: `(?<z>[+-]${D}${D}:?[0-5]${D}(:?[0-5]${D}(\\.${D}{1,6})?)?|Z)`,
    A: seq(days, "A"), a: seq(days.map((n) => n.slice(0, 3)), "a"), B: seq(months, "B"), b: seq(months.map((n) => n.slice(0, 3)), "b"),
    p: "(?<p>am|pm)", Z: "(?<Z>utc|gmt)", "%": "%",
  };
  return base;
})();

// @helper $strptimePattern
function $strptimePattern(fmt) {
  const expand = { c: "%a %b %d %H:%M:%S %Y", x: "%m/%d/%y", X: "%H:%M:%S" };
  let unsupported = null;  // CPython knows %U %W %G %V; segfn refuses them once the format is otherwise valid
  const one = (f, top) => {
    let out = "";
    f = f.replace(/[\\.^$*+?(){}[\]|]/g, "\\$&").replace(new RegExp($PY_WS + "+", "gu"), "\\s+");
    const cps = $Array.from(f);
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i];
      if (ch !== "%") { out += ch; continue; }
      const d = cps[i + 1];
      i++;
      if (d === undefined) throw new $ValueError(`stray % in format '${top}'`);
      if ($Object.hasOwn(expand, d)) out += one(expand[d], top);
      else if ($Object.hasOwn($STRPTIME_RE, d)) out += $STRPTIME_RE[d];
      else if ("GV".includes(d)) { if (unsupported === null) unsupported = d; }
      else throw new $ValueError(`'${d === "\\" ? "%" : d}' is a bad directive in format '${top}'`);
    }
    return out;
  };
  const src0 = one(fmt, fmt);
  if (unsupported !== null) throw new $ValueError(`segfn: the strptime directive %${unsupported} is not supported`);
  const src = src0.replace(/\\s\+/g, $PY_WS + "+");
  try {
    return new RegExp("^(?:" + src + ")", "iu");
  } catch (e) {
    throw new $ValueError(`segfn: a directive is repeated in the strptime format '${fmt}'`);
  }
}

// @helper $strptime
// datetime.strptime(data, format), Lib/_strptime.py's algorithm.
function $strptime(data, fmt) {
  const name = (v) => (v === null ? "None" : $typeName(v));
  if (typeof data !== "string") throw new TypeError(`strptime() argument 1 must be str, not ${name(data)}`);
  if (typeof fmt !== "string") throw new TypeError(`strptime() argument 2 must be str, not ${name(fmt)}`);
  const re = $strptimePattern(fmt);
  const found = re.exec(data);
  if (found === null || (found.groups && found.groups.z === "z")) {
    throw new $ValueError(`time data ${$repr(data)} does not match format ${$repr(fmt)}`);
  }
  if (found[0].length !== data.length) throw new $ValueError(`unconverted data remains: ${data.slice(found[0].length)}`);
  const g = found.groups || {};
  const num = (s) => $int(s);
  let year = null, month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0, weekday = null, julian = null;
  let weekOfYear = null, weekStartsMon = false;
  let gmtoff = null, gmtoffFraction = 0;
  const days = $DAY_NAMES.map((n) => n.toLowerCase()), months = $MONTH_NAMES.map((n) => n.toLowerCase());
  const order = $Object.keys(g).filter((k) => g[k] !== undefined);
  for (const k of order) {
    const v = g[k];
    if (k === "y") { year = num(v); year += year <= 68 ? 2000 : 1900; }
    else if (k === "Y") year = num(v);
    else if (k === "m") month = num(v);
    else if (k === "B") month = months.indexOf(v.toLowerCase()) + 1;
    else if (k === "b") month = months.map((n) => n.slice(0, 3)).indexOf(v.toLowerCase()) + 1;
    else if (k === "d") day = num(v);
    else if (k === "H") hour = num(v);
    else if (k === "I") {
      hour = num(v);
      const ampm = (g.p || "").toLowerCase();
      if (ampm === "" || ampm === "am") { if (hour === 12) hour = 0; }
      else if (ampm === "pm" && hour !== 12) hour += 12;
    }
    else if (k === "M") minute = num(v);
    else if (k === "S") second = num(v);
    else if (k === "f") fraction = num(v + "0".repeat(6 - v.length));
    else if (k === "A") weekday = days.indexOf(v.toLowerCase());
    else if (k === "a") weekday = days.map((n) => n.slice(0, 3)).indexOf(v.toLowerCase());
    else if (k === "w") { weekday = num(v); weekday = weekday === 0 ? 6 : weekday - 1; }
    else if (k === "u") weekday = num(v) - 1;
    else if (k === "j") julian = num(v);
    else if (k === "U" || k === "W") { weekOfYear = num(v); weekStartsMon = k === "W"; }
    else if (k === "z") {
      let z = v;
      if (z === "Z") gmtoff = 0;
      else {
        const cps = $Array.from(z);
        let zs = cps;
        if (zs[3] === ":") {
          zs = zs.slice(0, 3).concat(zs.slice(4));
          if (zs.length > 5) {
            if (zs[5] !== ":") throw new $ValueError(`Inconsistent use of : in ${v}`);
            zs = zs.slice(0, 5).concat(zs.slice(6));
          }
        }
        const h = num(zs.slice(1, 3).join("")), mi = num(zs.slice(3, 5).join("")), se = zs.length > 5 ? num(zs.slice(5, 7).join("")) : 0;
        gmtoff = h * 3600 + mi * 60 + se;
        const rest = zs.slice(8).join("");
        gmtoffFraction = num(rest + "0".repeat(6 - rest.length));
        if (zs[0] === "-") { gmtoff = -gmtoff; gmtoffFraction = -gmtoffFraction; }
      }
    }
  }
  let leapFix = false;
  if (year === null && month === 2 && day === 29) { year = 1904; leapFix = true; }
  else if (year === null) year = 1900;
  if (julian === null && weekday !== null && weekOfYear !== null) {
    // _calc_julian_from_U_or_W
    let first = ((($daysFromCivil(year, 1, 1) % 7) + 10) % 7), dow = weekday;
    if (!weekStartsMon) { first = (first + 1) % 7; dow = (dow + 1) % 7; }
    const week0 = (7 - first) % 7;
    julian = weekOfYear === 0 ? 1 + dow - first : 1 + week0 + 7 * (weekOfYear - 1) + dow;
    if (julian <= 0) {
      year -= 1;
      julian += (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 366 : 365;
    }
  }
  if (julian === null) {
    $dtCheckDate(year, month, day);
  } else {
    const [y, m, d] = $civilFromDays($daysFromCivil(year, 1, 1) + julian - 1);
    year = y; month = m; day = d;
  }
  if (leapFix) year = 1900;
  let tz = null;
  if (gmtoff !== null) {
    const td = new $TimeDelta(0, gmtoff, gmtoffFraction);
    tz = g.Z !== undefined && g.Z !== "" ? $timezone(td, g.Z) : $timezone(td);
  }
  return $datetime(year, month, day, hour, minute, second, fraction, tz);
}
