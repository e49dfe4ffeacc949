// hashlib: md5/sha1/sha256 in plain JavaScript; sha224/sha384/sha512 and hmac from Node's crypto,
// which Segment's runtime provides as a global.

// @helper $Hash
class $Hash {
  constructor(name, data) {
    if (typeof name !== "string") throw new TypeError("name must be a string");
    if (!$Object.hasOwn($HASH_SIZES, name.toLowerCase())) throw new $ValueError(`unsupported hash type ${name}`);
    name = name.toLowerCase();
    this.name = name; this.name$ = name; this.$pytype = "_hashlib.HASH"; this.$chunks = [];  // name$: Python's .name
    this.digest_size = $HASH_SIZES[name][0]; this.block_size = $HASH_SIZES[name][1];
    if (data !== undefined && data !== null) this.update(data);
  }
  update(data) {
    if (typeof data === "string") throw new TypeError("Strings must be encoded before hashing");
    if (!(data instanceof $Uint8Array)) throw new TypeError(`object supporting the buffer API required`);
    this.$chunks.push(data);
    return null;
  }
  $bytes() {
    const n = this.$chunks.reduce((a, c) => a + c.length, 0);
    const all = new Uint8Array(n);
    let at = 0;
    for (const c of this.$chunks) { all.set(c, at); at += c.length; }
    return all;
  }
  digest() { return $hashDigest(this.name, this.$bytes()); }
  hexdigest() { return $Array.from(this.digest(), (c) => c.toString(16).padStart(2, "0")).join(""); }
  copy() { const h = new $Hash(this.name); h.$chunks = this.$chunks.slice(); return h; }
}

// @helper $HASH_SIZES
// digest_size and block_size of each algorithm
const $HASH_SIZES = { md5: [16, 64], sha1: [20, 64], sha224: [28, 64], sha256: [32, 64], sha384: [48, 128], sha512: [64, 128] };

// @helper $hashDigest
function $hashDigest(name, msg) {
  if (name === "sha224" || name === "sha384" || name === "sha512") return Uint8Array.from(crypto.createHash(name).update(msg).digest());
  const big = name !== "md5";
  const len = msg.length;
  const padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(msg);
  padded[len] = 0x80;
  const bits = len * 8;
  const view = new DataView(padded.buffer);
  if (big) { view.setUint32(padded.length - 8, $Math.floor(bits / 2 ** 32)); view.setUint32(padded.length - 4, bits >>> 0); }
  else { view.setUint32(padded.length - 8, bits >>> 0, true); view.setUint32(padded.length - 4, $Math.floor(bits / 2 ** 32), true); }
  const rotl = (x, n) => (x << n) | (x >>> (32 - n));
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  let state;
  if (name === "md5") {
    const K = [], S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    for (let i = 0; i < 64; i++) K[i] = $Math.floor($Math.abs($Math.sin(i + 1)) * 2 ** 32) >>> 0;
    state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for (let off = 0; off < padded.length; off += 64) {
      const M = []; for (let i = 0; i < 16; i++) M[i] = view.getUint32(off + 4 * i, true);
      let [a, b, c, d] = state;
      for (let i = 0; i < 64; i++) {
        let f, g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        const t = d; d = c; c = b;
        b = (b + rotl((a + f + K[i] + M[g]) | 0, S[(i >> 4) * 4 + (i % 4)])) | 0;
        a = t;
      }
      state = [(state[0] + a) | 0, (state[1] + b) | 0, (state[2] + c) | 0, (state[3] + d) | 0];
    }
    const out = new Uint8Array(16), ov = new DataView(out.buffer);
    state.forEach((w, i) => ov.setUint32(4 * i, w >>> 0, true));
    return out;
  }
  if (name === "sha1") {
    state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    for (let off = 0; off < padded.length; off += 64) {
      const W = [];
      for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + 4 * i);
      for (let i = 16; i < 80; i++) W[i] = rotl(W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16], 1);
      let [a, b, c, d, e] = state;
      for (let i = 0; i < 80; i++) {
        let f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        const t = (rotl(a, 5) + f + e + k + W[i]) | 0;
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
      }
      state = state.map((v, i) => (v + [a, b, c, d, e][i]) | 0);
    }
  } else {
    const K = [
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
      0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
      0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
      0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
      0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
      0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
    state = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (let off = 0; off < padded.length; off += 64) {
      const W = [];
      for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + 4 * i);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, h] = state;
      for (let i = 0; i < 64; i++) {
        const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      state = state.map((v, i) => (v + [a, b, c, d, e, f, g, h][i]) | 0);
    }
  }
  const out = new Uint8Array(state.length * 4), ov = new DataView(out.buffer);
  state.forEach((w, i) => ov.setUint32(4 * i, w >>> 0));
  return out;
}

// @helper $Hmac
// hmac.new(key, msg=None, digestmod): digestmod is the algorithm's name (the compiler resolves
// hashlib.sha256 and "sha256" to it).
class $Hmac {
  constructor(key, msg, digestmod) {
    if (digestmod === undefined || digestmod === null) throw new TypeError("Missing required parameter 'digestmod'.");
    if (!(key instanceof $Uint8Array)) throw new TypeError(`key: expected bytes or bytearray, but got '${$typeName(key)}'`);
    if (typeof digestmod !== "string" || !$Object.hasOwn($HASH_SIZES, digestmod)) throw new $ValueError(`unsupported hash type ${$str(digestmod)}`);
    this.$pytype = "hmac.HMAC"; this.$alg = digestmod; this.$key = key; this.$chunks = [];
    this.name$ = "hmac-" + digestmod; this.digest_size = $HASH_SIZES[digestmod][0]; this.block_size = $HASH_SIZES[digestmod][1];
    if (msg !== undefined && msg !== null) this.update(msg);
  }
  update(msg) {
    if (typeof msg === "string") throw new TypeError("Strings must be encoded before hashing");
    if (!(msg instanceof $Uint8Array)) throw new TypeError("object supporting the buffer API required");
    this.$chunks.push(msg);
    return null;
  }
  digest() {
    const h = crypto.createHmac(this.$alg, this.$key);
    for (const c of this.$chunks) h.update(c);
    return Uint8Array.from(h.digest());
  }
  hexdigest() { return $Array.from(this.digest(), (c) => c.toString(16).padStart(2, "0")).join(""); }
  copy() { const h = new $Hmac(this.$key, null, this.$alg); h.$chunks = this.$chunks.slice(); return h; }
}

// @helper $hmacDigest
// hmac.digest(key, msg, digest)
function $hmacDigest(key, msg, digest) { return new $Hmac(key, msg, digest).digest(); }

// @helper $compareDigest
// hmac.compare_digest(a, b): two ASCII strs or two bytes, compared in time independent of where they differ.
function $compareDigest(a, b) {
  if (typeof a === "string" && typeof b === "string") {
    if (/[^\x00-\x7f]/.test(a) || /[^\x00-\x7f]/.test(b)) throw new TypeError("comparing strings with non-ASCII characters is not supported");
  } else if (!(a instanceof $Uint8Array && b instanceof $Uint8Array)) {
    if (typeof a === "string" || typeof b === "string") {
      if (a instanceof $Uint8Array || b instanceof $Uint8Array) throw new TypeError("a bytes-like object is required, not 'str'");
    }
    throw new TypeError(`unsupported operand types(s) or combination of types: '${$typeName(a)}' and '${$typeName(b)}'`);
  }
  let diff = a.length === b.length ? 0 : 1;
  const n = $Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = typeof a === "string" ? a.charCodeAt(i % (a.length || 1)) : a[i % (a.length || 1)];
    const y = typeof b === "string" ? b.charCodeAt(i % (b.length || 1)) : b[i % (b.length || 1)];
    diff |= (x ^ y) | 0;
  }
  return diff === 0;
}
