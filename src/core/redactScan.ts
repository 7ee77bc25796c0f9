/**
 * The string scans of redaction: secrets inside string values (fixed-prefix
 * tokens, URL and DSN passwords, `key=value` pairs, command-line flags, user
 * patterns). Each scan is linear in the length of its input; `redact.ts`
 * decides which run on a string.
 */

/** @internal */
export const redactedMarker = "[REDACTED]"

const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)

// Fixed-prefix secrets, one alternation. Each starts at a token boundary (lookbehind), and every quantified part
// either has a bounded length or is followed by a character its class cannot contain, so a failed attempt gives up
// after one run of its class: the scan is linear.
//   1 JWT: header.payload.signature, both first parts base64url JSON objects ("eyJ" = '{"').
//   2 AWS access key id: AKIA/ASIA/... + 16 upper-case alphanumerics.
//   3 GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ + 36..255, github_pat_ + 22..255.
//   4 Bearer <token> (the scheme word stays; only the token is masked, see proseWord).
//   5 PEM private-key block: the body between the armour lines is masked (to the end of the string if cut). The
//     first unmatched BEGIN runs to the end of the string, so the lazy body scan happens at most once per match.
const SECRETS = new RegExp(
  [
    "(?<![A-Za-z0-9_\\-])(eyJ[A-Za-z0-9_\\-]{7,}\\.eyJ[A-Za-z0-9_\\-]{7,}\\.[A-Za-z0-9_\\-]*)",
    "(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16})(?![A-Za-z0-9])",
    "(?<![A-Za-z0-9_])((?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))(?![A-Za-z0-9_])",
    "(?<![A-Za-z0-9_\\-])([Bb]earer|BEARER)([ \\t]+)([A-Za-z0-9\\-._~+/]+=*)",
    "(-----BEGIN ([A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?)-----)([\\s\\S]*?)(-----END \\8-----|$)"
  ].join("|"),
  "g"
)

// Pre-check for SECRETS: the literal prefixes.
/** @internal */
export const SECRET_HINT =
  /eyJ|gh[pousr]_|github_pat_|[Bb]earer|BEARER|-----BEGIN|A(?:KI|SI|BI|CC|GP|ID|IP|RO|NP|NV|PK)A/

/**
 * Prose after "Bearer", left alone: one word of letters only, at most its first letter upper-case, under 20
 * letters, trailing dots aside ("Bearer of bad news", "the Bearer token.", "bearer bonds"). Anything else (a digit,
 * a symbol, an inner capital, 20+ letters) is a token. A short all-lower-case token (`Bearer abcdef`) reads as prose
 * and stays; after an `Authorization` key every token is masked (the pair scan).
 */
const proseWord = (t: string): boolean => {
  let e = t.length
  while (e > 0 && t.charCodeAt(e - 1) === 46) e--
  if (e === 0) return true
  if (e >= 20) return false
  const first = t.charCodeAt(0)
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90))) return false
  for (let i = 1; i < e; i++) {
    const c = t.charCodeAt(i)
    if (c < 97 || c > 122) return false
  }
  return true
}

/** @internal */
export const maskSecrets = (s: string): string =>
  s.replace(
    SECRETS,
    (match, jwt, aws, gh, scheme, space, bearer, begin, _kind, body, end) => {
      if (jwt !== undefined || aws !== undefined || gh !== undefined) return redactedMarker
      if (scheme !== undefined) return proseWord(bearer) ? match : scheme + space + redactedMarker
      if (begin !== undefined) return body === "" ? match : begin + redactedMarker + end
      return match
    }
  )

/** @internal */
export const isBareEnd = (c: number): boolean =>
  c === 32 || c === 34 || c === 39 || c === 38 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x2028 ||
  c === 0x2029 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x202f ||
  c === 0x205f

const isUrlEnd = (c: number): boolean => c === 60 || c === 62 || isBareEnd(c)

/**
 * URL passwords: `scheme://user:password@host` -> `scheme://user:[REDACTED]@host` (user and host stay). The
 * authority runs from `://` to the first `/`, `?`, `#`, blank or quote; the password from its first `:` to its last
 * `@`. A password holding `/`, `?` or `#` (`user:pa/ss@host`, unencoded) runs on to the first `@` before a blank
 * or quote, unless what follows the `:` is a port (`host:8080/path?email=a@b.c`). The look-ahead for that `@` is
 * remembered (the first `@` or URL end after a point is the same for every later point before it), and each
 * authority is scanned once: linear.
 */
/** @internal */
export const maskUrlPasswords = (s: string): string => {
  let at = s.indexOf("://")
  if (at < 0) return s
  let out = ""
  let copied = 0
  // the first `@` (or URL end, then `ahead` is false) at or after `aheadFrom`
  let aheadFrom = -1
  let aheadAt = -1
  let ahead = false
  const firstAt = (from: number): number => {
    if (aheadFrom < 0 || from < aheadFrom || from > aheadAt) {
      let k = from
      while (k < s.length && s.charCodeAt(k) !== 64 && !isUrlEnd(s.charCodeAt(k))) k++
      aheadFrom = from
      aheadAt = k
      ahead = k < s.length && s.charCodeAt(k) === 64
    }
    return ahead ? aheadAt : -1
  }
  while (at >= 0) {
    const from = at + 3
    let j = from
    let colon = -1
    let last = -1
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j)
      if (c === 47 || c === 63 || c === 35 || isUrlEnd(c)) break
      if (c === 64) last = j
      else if (c === 58 && colon < 0 && last < 0) colon = j
    }
    if (colon >= 0 && last < 0 && j < s.length && !isUrlEnd(s.charCodeAt(j)) && !isPort(s, colon + 1, j)) {
      const k = firstAt(j)
      if (k > j) {
        last = k
        j = k
      }
    }
    if (colon >= 0 && last > colon + 1 && s.slice(colon + 1, last) !== redactedMarker) {
      out += s.slice(copied, colon + 1) + redactedMarker
      copied = last
    }
    at = s.indexOf("://", j > from ? j : from)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/** `s[from, to)` is a port: one to five digits. */
const isPort = (s: string, from: number, to: number): boolean => {
  if (to <= from || to - from > 5) return false
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false
  return true
}

/** `s` at `i` is a Go DSN protocol: letters then `(` (`tcp(`, `unix(`), at most 16 characters. */
const isProtocol = (s: string, i: number): boolean => {
  const end = Math.min(s.length, i + 17)
  let j = i
  while (j < end && ((s.charCodeAt(j) | 0x20) >= 97 && (s.charCodeAt(j) | 0x20) <= 122)) j++
  return j > i && j < end && s.charCodeAt(j) === 40
}

/**
 * Go DSNs: `user:password@tcp(db:3306)/app` -> `user:[REDACTED]@tcp(db:3306)/app`. For each `@` followed by a
 * protocol and `(`, the password runs from the first `:` of the word before it (back to a blank, quote, `(`, `,`
 * or the previous DSN's `@`) to that `@`: a password may hold `@` (`user:p@ss@tcp(...)`), as Go's driver splits at
 * the last one. Each character is looked at a bounded number of times: linear.
 */
/** @internal */
export const maskDsnPasswords = (s: string): string => {
  let k = s.indexOf("@")
  let out = ""
  let copied = 0
  let previous = 0
  while (k >= 0) {
    if (isProtocol(s, k + 1)) {
      let b = k
      while (b > previous) {
        const c = s.charCodeAt(b - 1)
        if (c === 40 || c === 44 || c === 59 || isUrlEnd(c)) break
        b--
      }
      let colon = b
      while (colon < k && s.charCodeAt(colon) !== 58) colon++
      if (b >= copied && colon + 1 < k && s.slice(colon + 1, k) !== redactedMarker) {
        out += s.slice(copied, colon + 1) + redactedMarker
        copied = k
      }
      previous = k + 1
    }
    k = s.indexOf("@", k + 1)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/**
 * Command-line flags: `--password x`, `--db-password "x y"` (a flag whose name is sensitive or removed, a blank,
 * then a value that is not another flag). `--password=x` is a pair. Each `--` is found once and the scan goes on
 * after its value: linear.
 */
/** @internal */
export const maskFlags = (s: string, hidden: (key: string) => boolean): string => {
  let d = s.indexOf("--")
  let out = ""
  let copied = 0
  while (d >= 0) {
    let ke = d + 2
    while (ke < s.length && isKeyChar(s.charCodeAt(ke))) ke++
    let next = ke
    const before = d === 0 ? 32 : s.charCodeAt(d - 1)
    if (ke > d + 2 && isBlank(s.charCodeAt(ke)) && (isBareEnd(before) || before === 40) && hidden(s.slice(d + 2, ke))) {
      let start = ke
      while (start < s.length && isBlank(s.charCodeAt(start))) start++
      const q = s.charCodeAt(start)
      let from = start
      let to = start
      if (q === 34 || q === 39) {
        from = start + 1
        to = s.indexOf(String.fromCharCode(q), from)
        if (to < 0) to = s.length
        next = to + 1
      } else if (q !== 45) {
        while (to < s.length && !isBareEnd(s.charCodeAt(to))) to++
        next = to
      }
      if (to > from && s.slice(from, to) !== redactedMarker) {
        out += s.slice(copied, from) + redactedMarker
        copied = to
      }
    }
    d = s.indexOf("--", next > d + 2 ? next : d + 2)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

// key=value / key: value pairs, found separator-first (two native indexOf scans, so a string without `=` or `:`
// costs two calls): for each separator the key is the run of key characters before it (optionally quoted, optional
// blanks; `\"key\"` inside an escaped JSON string too), looked up once per distinct key; the value is parsed by hand
// with an optional auth scheme word kept (`Authorization: Basic [REDACTED]`). Every character is looked at a bounded
// number of times: linear.
const SCHEME = /^(?:Bearer|Basic|Digest|Token|Bot|Negotiate|NTLM)[ \t]+/i

const isKeyChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46

const isBlank = (c: number): boolean => c === 32 || c === 9

/**
 * The escape level of a quote preceded by `run` backslashes: 0 for `"`, 1 for `\"` (JSON in a JSON string), 2 for
 * `\\\"`, ...; -1 when `run` is no quote's escape (`\\"` is an escaped backslash, then a quote).
 */
const levelOf = (run: number): number => {
  let level = 0
  let width = 0 // 2^level - 1
  while (width < run && level < 8) {
    level++
    width = width * 2 + 1
  }
  return width === run ? level : -1
}

/** Whether a quote preceded by `run` backslashes delimits a string at `level` (`run` mod 2^(level+1) = 2^level - 1). */
const delimits = (run: number, level: number): boolean => (run & ((2 << level) - 1)) === (1 << level) - 1

/**
 * The end of a quoted string at `level` whose opening quote `q` is at `open`: the index of its closing quote (or
 * `s.length` when it never closes).
 */
const closingQuote = (s: string, open: number, q: number, level: number): number => {
  let run = 0
  for (let i = open + 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 92) run++
    else {
      if (c === q && delimits(run, level)) return i
      run = 0
    }
  }
  return s.length
}

/** The end (exclusive) of an array or object starting at `open`, strings at `level` skipped; `s.length` if unclosed. */
const closingBracket = (s: string, open: number, level: number): number => {
  let depth = 0
  let run = 0
  let quote = 0
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 92) {
      run++
      continue
    }
    if (quote !== 0) {
      if (c === quote && delimits(run, level)) quote = 0
    } else if ((c === 34 || c === 39) && delimits(run, level)) {
      quote = c
    } else if (c === 91 || c === 123) {
      depth++
    } else if (c === 93 || c === 125) {
      if (--depth === 0) return i + 1
    }
    run = 0
  }
  return s.length
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c | 0x20 : c)

/**
 * The last two letters/digits of every sensitive or removed key, lower-cased (`password` -> `rd`): a key whose own
 * last two do not appear here cannot match, so most keys (`page`, `https`, `sort`) are dismissed without a lookup.
 * The caller includes the qualifier words (`password_hash` ends in `sh`). `undefined` (no filter) when a key is
 * shorter than two characters.
 */
/** @internal */
export const tailTable = (normalized: Iterable<string>): Uint8Array | undefined => {
  const table = new Uint8Array(1 << 14)
  for (const k of normalized) {
    if (k.length < 2) return undefined
    table[(k.charCodeAt(k.length - 2) & 0x7f) << 7 | (k.charCodeAt(k.length - 1) & 0x7f)] = 1
  }
  return table
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57

const mayMatch = (s: string, ks: number, ke: number, tails: Uint8Array | undefined): boolean => {
  if (tails === undefined) return true
  let j = ke - 1
  while (j >= ks && !isAlnum(s.charCodeAt(j))) j--
  // a key ending in a digit may be a numbered form field (`password1`): looked up
  if (j < ks || isDigit(s.charCodeAt(j))) return true
  const c2 = lower(s.charCodeAt(j--))
  while (j >= ks && !isAlnum(s.charCodeAt(j))) j--
  if (j < ks) return true
  return tails[lower(s.charCodeAt(j)) << 7 | c2] === 1
}

/** @internal */
export const maskPairs = (s: string, hidden: (key: string) => boolean, tails: Uint8Array | undefined): string => {
  let eq = s.indexOf("=")
  let colon = s.indexOf(":")
  if (eq < 0 && colon < 0) return s
  let out = ""
  let copied = 0
  while (eq >= 0 || colon >= 0) {
    const sep = eq < 0 ? colon : colon < 0 ? eq : eq < colon ? eq : colon
    let next = sep + 1
    // Fast path: a key ending right before the separator in two letters/digits that no hidden key ends with.
    const c2 = s.charCodeAt(sep - 1)
    const c1 = s.charCodeAt(sep - 2)
    if (
      tails !== undefined && isAlnum(c2) && !isDigit(c2) && isAlnum(c1) && tails[lower(c1) << 7 | lower(c2)] !== 1
    ) {
      if (eq === sep) eq = s.indexOf("=", next)
      else colon = s.indexOf(":", next)
      continue
    }
    // the key: blanks, an optional closing quote (with the backslashes escaping it), then the run of key characters
    let ke = sep
    while (ke > copied && isBlank(s.charCodeAt(ke - 1))) ke--
    let level = 0
    let quoted = false
    if (ke > copied && (s.charCodeAt(ke - 1) === 34 || s.charCodeAt(ke - 1) === 39)) {
      quoted = true
      ke--
      let run = 0
      while (ke > copied && s.charCodeAt(ke - 1) === 92) {
        ke--
        run++
      }
      level = levelOf(run)
    }
    let ks = ke
    while (ks > 0 && isKeyChar(s.charCodeAt(ks - 1))) ks--
    if (level >= 0 && ks >= copied && ks < ke && mayMatch(s, ks, ke, tails) && hidden(s.slice(ks, ke))) {
      let start = sep + 1
      // Ruby / Perl / PHP pairs: `password => x`, `{"password"=>"x"}`
      if (s.charCodeAt(sep) === 61 && s.charCodeAt(start) === 62) start++
      while (start < s.length && isBlank(s.charCodeAt(start))) start++
      const scheme = SCHEME.exec(s.slice(start, start + 20))
      if (scheme !== null) start += scheme[0].length
      // the value: a quoted string (at its own escape level), an array or object, or a bare word
      let run = 0
      while (start + run < s.length && s.charCodeAt(start + run) === 92) run++
      const q = s.charCodeAt(start + run)
      const vLevel = (q === 34 || q === 39) ? levelOf(run) : -1
      let from: number // the masked span [from, to), then what stays up to `end`
      let to: number
      let end: number
      if (vLevel >= 0) {
        from = start + run + 1
        const close = closingQuote(s, start + run, q, vLevel)
        to = close === s.length ? close : close - run
        end = close === s.length ? close : close + 1
      } else if (q === 91 || q === 123) {
        from = start
        to = end = closingBracket(s, start, level)
      } else {
        from = start
        let i = start
        while (i < s.length) {
          const c = s.charCodeAt(i)
          if (isBareEnd(c) || (quoted && (c === 44 || c === 125 || c === 93))) break
          i++
        }
        to = end = i
      }
      if (to > from && s.slice(from, to) !== redactedMarker) {
        out += s.slice(copied, from) + redactedMarker
        copied = to
      }
      if (end > next) next = end
    }
    if (eq >= 0 && eq < next) eq = s.indexOf("=", next)
    if (colon >= 0 && colon < next) colon = s.indexOf(":", next)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/** @internal */
export const globalCopy = (re: RegExp): RegExp => {
  let flags = re.flags
  if (!flags.includes("g")) flags += "g"
  if (!flags.includes("d")) flags += "d"
  return new RegExp(re.source, flags)
}

/**
 * A user pattern: the whole match masked, or only its `secret` group, found by its exact indices (the `d` flag),
 * not by searching for its text (which could find an earlier copy of it and leave the secret itself).
 */
/** @internal */
export const maskCustom = (s: string, re: RegExp): string => {
  re.lastIndex = 0
  let out = ""
  let copied = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    const match = m[0]
    if (match === "") {
      re.lastIndex++
      continue
    }
    const span = m.indices?.groups?.secret
    if (span !== undefined) {
      // an empty `secret` leaves the match alone
      if (span[1] > span[0] && span[0] >= copied) {
        out += s.slice(copied, span[0]) + redactedMarker
        copied = span[1]
      }
    } else if (m.index >= copied) {
      // no `secret` group, or one that did not take part: the whole match
      out += s.slice(copied, m.index) + redactedMarker
      copied = m.index + match.length
    }
  }
  return copied === 0 ? s : out + s.slice(copied)
}
