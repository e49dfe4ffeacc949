// datetime: CPython 3.11's fromisoformat grammar, timestamp(), isoformat(), fromtimestamp(), strftime().

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

// @helper $UTC
const $UTC = $Object.freeze({ $pytype: "timezone", offset: 0, __str__() { return "UTC"; }, __repr__() { return "datetime.timezone.utc"; } });

// @helper $DateTime
class $DateTime {
  constructor(year, month, day, hour, minute, second, microsecond, offset) {
    if (!(year >= 1 && year <= 9999)) throw new $ValueError(`year ${year} is out of range`);
    if (!(month >= 1 && month <= 12)) throw new $ValueError("month must be in 1..12");
    const dim = [31, (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (!(day >= 1 && day <= dim)) throw new $ValueError("day is out of range for month");
    if (!(hour >= 0 && hour <= 23)) throw new $ValueError("hour must be in 0..23");
    if (!(minute >= 0 && minute <= 59)) throw new $ValueError("minute must be in 0..59");
    if (!(second >= 0 && second <= 59)) throw new $ValueError("second must be in 0..59");
    if (!(microsecond >= 0 && microsecond <= 999999)) throw new $ValueError("microsecond must be in 0..999999");
    $Object.assign(this, { year, month, day, hour, minute, second, microsecond });
    this.$offset = offset === undefined ? null : offset;  // seconds east of UTC, or null (naive)
    this.$pytype = "datetime";
  }
  get tzinfo() { return this.$offset === null ? null : this.$offset === 0 ? $UTC : { $pytype: "timezone", offset: this.$offset }; }
  $epochSeconds() { return $daysFromCivil(this.year, this.month, this.day) * 86400 + this.hour * 3600 + this.minute * 60 + this.second; }
  timestamp() {
    if (this.$offset === null) {
      const local = new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
      if (this.year < 100) local.setFullYear(this.year);
      return $Math.floor(local.getTime() / 1000) + this.microsecond / 1e6;
    }
    const us = (this.$epochSeconds() - this.$offset) * 1e6 + this.microsecond;
    return us / 1e6;
  }
  isoformat(sep, timespec) {
    if (sep === undefined) sep = "T";
    const p = (n, w) => $String(n).padStart(w, "0");
    let t = `${p(this.hour, 2)}:${p(this.minute, 2)}:${p(this.second, 2)}`;
    if (timespec === undefined || timespec === "auto") { if (this.microsecond) t += "." + p(this.microsecond, 6); }
    else if (timespec === "milliseconds") t += "." + p($Math.floor(this.microsecond / 1000), 3);
    else if (timespec === "microseconds") t += "." + p(this.microsecond, 6);
    else if (timespec === "hours") t = p(this.hour, 2);
    else if (timespec === "minutes") t = `${p(this.hour, 2)}:${p(this.minute, 2)}`;
    else if (timespec !== "seconds") throw new $ValueError("Unknown timespec value");
    return `${p(this.year, 4)}-${p(this.month, 2)}-${p(this.day, 2)}${sep}${t}${this.$offsetStr(":")}`;
  }
  $offsetStr(colon) {
    if (this.$offset === null) return "";
    let o = this.$offset;
    const sign = o < 0 ? "-" : "+";
    o = $Math.abs(o);
    const h = $Math.floor(o / 3600), m = $Math.floor((o % 3600) / 60), s = $Math.round(o % 60 * 1e6) / 1e6;
    const p = (n) => $String(n).padStart(2, "0");
    let out = `${sign}${p(h)}${colon}${p(m)}`;
    if (s) { const whole = $Math.floor(s), us = $Math.round((s - whole) * 1e6); out += colon + p(whole); if (us) out += "." + $String(us).padStart(6, "0"); }
    return out;
  }
  __str__() { return this.isoformat(" "); }
  $eq(o) { return o instanceof $DateTime && (this.$offset === null) === (o.$offset === null) && this.$cmp(o) === 0; }
  $cmp(o) {
    if ((this.$offset === null) !== (o.$offset === null)) throw new TypeError("can't compare offset-naive and offset-aware datetimes");
    const a = this.$epochSeconds() - (this.$offset || 0), b = o.$epochSeconds() - (o.$offset || 0);
    return a !== b ? (a < b ? -1 : 1) : this.microsecond - o.microsecond;
  }
}

// @helper $dt_astimezone
$DateTime.prototype.astimezone = function (tz) {
  if (tz === undefined || tz === null || tz.offset === undefined) throw new $ValueError("segfn: astimezone() needs timezone.utc");
  const epoch = this.$offset === null ? $Math.floor(this.timestamp()) : this.$epochSeconds() - this.$offset;
  return $dtFromEpoch(epoch + tz.offset, this.microsecond, tz.offset);
};

// @helper $dt_replace
$DateTime.prototype.replace = function (fields) {
  fields = fields || {};
  const g = (k) => ($Object.hasOwn(fields, k) ? fields[k] : this[k]);
  const offset = $Object.hasOwn(fields, "tzinfo") ? (fields.tzinfo === null ? null : fields.tzinfo.offset) : this.$offset;
  return new $DateTime(g("year"), g("month"), g("day"), g("hour"), g("minute"), g("second"), g("microsecond"), offset);
};

// @helper $dt_weekday
$DateTime.prototype.weekday = function () { return (($daysFromCivil(this.year, this.month, this.day) % 7) + 10) % 7; };
$DateTime.prototype.isoweekday = function () { return this.weekday() + 1; };

// @helper $dt_strftime
$DateTime.prototype.strftime = function (fmt) {  // uses $dt_weekday
  const p = (n, w) => $String(n).padStart(w, "0");
  const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const doy = $daysFromCivil(this.year, this.month, this.day) - $daysFromCivil(this.year, 1, 1) + 1;
  return fmt.replace(/%(.)/g, (all, c) => {
    switch (c) {
      case "Y": return $String(this.year); case "m": return p(this.month, 2); case "d": return p(this.day, 2);
      case "H": return p(this.hour, 2); case "M": return p(this.minute, 2); case "S": return p(this.second, 2);
      case "f": return p(this.microsecond, 6); case "j": return p(doy, 3); case "y": return p(this.year % 100, 2);
      case "z": return this.$offsetStr(""); case "Z": return this.$offset === null ? "" : this.$offset === 0 ? "UTC" : "UTC" + this.$offsetStr(":");
      case "a": return days[this.weekday()].slice(0, 3); case "A": return days[this.weekday()];
      case "b": return months[this.month - 1].slice(0, 3); case "B": return months[this.month - 1];
      case "I": return p(this.hour % 12 || 12, 2); case "p": return this.hour < 12 ? "AM" : "PM";
      case "%": return "%";
    }
    throw new $ValueError(`segfn: strftime directive %${c} is not supported`);
  });
};

// @helper $dtFromEpoch
function $dtFromEpoch(seconds, us, offset) {
  const days = $Math.floor(seconds / 86400), rem = seconds - days * 86400;
  const [y, m, d] = $civilFromDays(days);
  return new $DateTime(y, m, d, $Math.floor(rem / 3600), $Math.floor((rem % 3600) / 60), rem % 60, us, offset);
}

// @helper $dtFromTimestamp
function $dtFromTimestamp(ts, tz) {
  if (!$isNum(ts)) throw new TypeError(`'${$typeName(ts)}' object cannot be interpreted as an integer`);
  ts = +ts;
  if (!$Number.isFinite(ts)) throw new $ValueError(ts !== ts ? "Invalid value NaN (not a number)" : "cannot convert float infinity to integer");
  let whole = $Math.trunc(ts);
  let frac = (ts - whole) * 1e6;
  frac = $roundHalfEven(frac);
  if (frac >= 1e6) { frac -= 1e6; whole += 1; } else if (frac < 0) { frac += 1e6; whole -= 1; }
  if (tz === undefined || tz === null) {
    const local = new Date(whole * 1000);
    return new $DateTime(local.getFullYear(), local.getMonth() + 1, local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds(), frac, null);
  }
  return $dtFromEpoch(whole + tz.offset, frac, tz.offset);
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
  if (/[^\x00-\x7f]/.test(dstr)) throw bad();
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
    if (pos !== dstr.length) throw bad();
    if (year < 1) throw bad();
    const jan1 = $daysFromCivil(year, 1, 1);
    const firstWeekday = ((jan1 % 7) + 10) % 7;  // Monday = 0
    if (!(week > 0 && week < 53)) {
      const ok = week === 53 && (firstWeekday === 3 || (firstWeekday === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)));
      if (!ok) throw bad();
    }
    if (!(dayno > 0 && dayno < 8)) throw bad();
    const week1Monday = jan1 - firstWeekday + (firstWeekday > 3 ? 7 : 0);
    [year, month, day] = $civilFromDays(week1Monday + (week - 1) * 7 + (dayno - 1));
  } else {
    month = digits(dstr, pos, 2); pos += 2;
    if ((dstr[pos] === "-") !== hasSep) throw bad();
    pos += hasSep ? 1 : 0;
    day = digits(dstr, pos, 2); pos += 2;
    if (pos !== dstr.length) throw bad();
  }
  let time = [0, 0, 0, 0], offset = null;
  if (tstr !== "") {
    if (/[^\x00-\x7f]/.test(tstr)) throw bad();
    const hms = (t) => {
      const comps = [0, 0, 0, 0];
      let p = 0, has = false;
      for (let c = 0; c < 3; c++) {
        if (t.length - p < 2) throw bad();
        comps[c] = digits(t, p, 2); p += 2;
        const next = t[p];
        if (c === 0) has = next === ":";
        if (next === undefined || c >= 2) break;
        if (has && next !== ":") throw bad();
        p += has ? 1 : 0;
      }
      if (p < t.length) {
        if (t[p] !== "." && t[p] !== ",") throw bad();
        p++;
        const rest = t.length - p;
        const take = $Math.min(rest, 6);
        if (take === 0) throw bad();
        comps[3] = digits(t, p, take) * 10 ** (6 - take);
        if (rest > take && !/^[0-9]+$/.test(t.slice(p + take))) throw bad();
      }
      return comps;
    };
    if (tstr.length < 2) throw bad();
    let tz = tstr.indexOf("-") + 1 || tstr.indexOf("+") + 1 || tstr.indexOf("Z") + 1;
    const timestr = tz > 0 ? tstr.slice(0, tz - 1) : tstr;
    time = hms(timestr);
    if (tz === tstr.length && tstr[tstr.length - 1] === "Z") offset = 0;
    else if (tz > 0) {
      const tzstr = tstr.slice(tz);
      if ([0, 1, 3].includes(tzstr.length)) throw bad();
      const c = hms(tzstr);
      const sign = tstr[tz - 1] === "-" ? -1 : 1;
      offset = sign * (c[0] * 3600 + c[1] * 60 + c[2] + c[3] / 1e6);
      if ($Math.abs(offset) >= 86400) {
        const us = sign * ((c[0] * 3600 + c[1] * 60 + c[2]) * 1e6 + c[3]);
        const days = $Math.floor(us / 864e8), rest = us - days * 864e8;
        const parts = [];
        if (days) parts.push(`days=${days}`);
        if ($Math.floor(rest / 1e6)) parts.push(`seconds=${$Math.floor(rest / 1e6)}`);
        if (rest % 1e6) parts.push(`microseconds=${rest % 1e6}`);
        throw new $ValueError("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), "
          + `not datetime.timedelta(${parts.join(", ") || "0"}).`);
      }
    }
  }
  return new $DateTime(year, month, day, time[0], time[1], time[2], time[3], offset);
}
