/**
 * Redaction of sensitive keys and of secret patterns inside string values.
 *
 * Keys: every key is classified once (callers cache the answer per distinct
 * key) as kept, redacted or removed:
 *
 * - redacted: the key names a secret; its value, whatever its type (string,
 *   number, array, object), becomes `[REDACTED]` at any depth. Keys match
 *   ignoring case, separators (`-`, `_`, `.`, spaces) and camelCase, as the
 *   whole key or as its trailing words, after dropping trailing qualifier
 *   words (`hash`, `encrypted`, `b64`, `value`, ...): `Authorization`,
 *   `x_api_key`, `apiKey`, `db_password`, `githubToken` and `passwordHash` are
 *   sensitive; `token_count`, `session_id`, `password_reset` and `max_tokens`
 *   are not. Only the trailing words can matter, so a key of any length costs
 *   at most one backward scan over it (linear).
 * - removed (`removeKeys`): the field leaves the record, key and value, at any
 *   depth. A removed key matches as a whole (any case, separators, camelCase),
 *   never as trailing words. Removal can only hide more: it never un-redacts.
 *
 * Strings: only the secret span is masked, the rest of the string stays:
 * JWTs, AWS access key ids, GitHub tokens, `Bearer <token>`, PEM private-key
 * blocks, URL passwords (`https://user:[REDACTED]@host`) and
 * `<key>=<value>` / `<key>: <value>` / `"<key>": <value>` pairs whose key is
 * sensitive or removed (the whole value: a quoted string, an array or object
 * up to its matching bracket, or a bare word; JSON escaped inside a JSON string
 * too). Ordinary words ("auth debug", "token bucket", "password reset
 * requested", "Bearer of bad news") are never masked.
 *
 * Every built-in scan is linear in the length of its input (no regex that can
 * backtrack over more than a bounded span per start position); user
 * `patterns` run as given, once per string, on text already cut to
 * `maxStringLength`.
 *
 * `maskString` is on the hot path (every string value): it returns its
 * argument unchanged (the same string) when nothing matches, after a cheap
 * pre-check that skips the heavier scans for most strings.
 */
import * as Config from "effect/Config"
import { boolean as booleanVar, optional } from "./config.js"

/** @internal */
export interface RedactionOptions {
  /**
   * The master switch. Off turns key redaction and string masking off (Effect `Redacted` still prints
   * `<redacted>`, removed keys still go). The one way to show what redaction hides. Default: on.
   */
  readonly enabled?: boolean
  /** Keys added to the defaults (matched like the defaults: any spelling, whole key or trailing words). */
  readonly keys?: ReadonlyArray<string>
  /**
   * Keys removed from every record, key and value, at any depth (matched as a whole key, any spelling). Inside
   * strings their `key=value` values are masked. A default sensitive key listed here is removed, never shown.
   */
  readonly removeKeys?: ReadonlyArray<string>
  /**
   * The built-in string scan (JWTs, AWS key ids, GitHub tokens, Bearer tokens, private-key blocks, URL passwords,
   * sensitive `key=value` pairs). Default: on. Off keeps key redaction (free: one check per distinct key) and drops
   * the one scan of every string value that the patterns cost. `patterns` still apply.
   */
  readonly builtinPatterns?: boolean
  /**
   * Extra secret patterns for string values. The whole match is masked, or
   * only the named group `secret` when the pattern has one
   * (`/order-key:(?<secret>\w+)/`). The `g` flag is added when missing. A
   * pattern runs on every string value: keep it linear (no nested
   * quantifiers such as `(a+)+`).
   */
  readonly patterns?: ReadonlyArray<RegExp>
}

/**
 * What a field's key does to it: shown, its value replaced by `[REDACTED]`, or left out of the record.
 *
 * @internal
 */
export type KeyAction = typeof KEEP | typeof REDACT | typeof REMOVE
/** @internal */
export const KEEP = 0
/** @internal */
export const REDACT = 1
/** @internal */
export const REMOVE = 2

/** @internal */
export interface Redactor {
  /** False when the master switch is off: keys are kept (except removed ones) and strings are not masked. */
  readonly enabled: boolean
  /** keep / redact / remove. Linear in the key's length; callers cache the answer per distinct key. */
  readonly classifyKey: (key: string) => KeyAction
  /** Called on every string value: the same string when nothing matches. */
  readonly maskString: (s: string) => string
}

/** @internal */
export const redactedMarker = "[REDACTED]"

/**
 * The default sensitive keys (the list, three common AWS/PGP names, and plural or singular forms).
 *
 * @internal
 */
export const defaultKeys: ReadonlyArray<string> = [
  "password",
  "passwd",
  "pwd",
  "secret",
  "token",
  "access_token",
  "refresh_token",
  "api_key",
  "apikey",
  "x-api-key",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "credentials",
  "private_key",
  "client_secret",
  "session",
  "ssn",
  "credit_card",
  "card_number",
  "cvv",
  "passphrase",
  "secret_key",
  "secret_access_key",
  // forms of the above (a bare `tokens` stays a count: `max_tokens`, `tokens`)
  "passwords",
  "secrets",
  "credential",
  "api_keys",
  "access_tokens",
  "refresh_tokens",
  "private_keys",
  "client_secrets",
  "cookies",
  "jwt"
]

/**
 * Trailing words that qualify a key without changing what it holds: `password_hash`, `token_value`,
 * `secret_b64` and `db_password_encrypted` are as sensitive as `password`, `token` and `secret` (up to two of them
 * are dropped).
 *
 * @internal
 */
export const qualifierWords: ReadonlyArray<string> = [
  "hash",
  "digest",
  "encrypted",
  "enc",
  "b64",
  "base64",
  "hex",
  "plaintext",
  "value",
  // form fields and files: `password_confirmation`, `passwordConfirm`, `credentials_json`, `private_key_pem`
  "confirmation",
  "confirm",
  "json",
  "pem"
]

/** At most this many trailing qualifier words are dropped (`db_password_encrypted_b64`). */
const maxQualifiers = 2

const identity = (s: string): string => s

// Character kinds for key words.
const OTHER = 0
const LOWER = 1
const UPPER = 2
const DIGIT = 3
const kindOf = (c: number): number =>
  c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : OTHER

/**
 * The words of a key, lower-cased: split on non-alphanumerics and on camelCase boundaries (`fooBar` -> foo bar,
 * `APIKey` -> api key, `v2Beta` -> v2 beta). One pass, no regex: linear in the key's length.
 *
 * @internal
 */
export const keyWords = (key: string): Array<string> => {
  const out: Array<string> = []
  const n = key.length
  let start = -1
  let prev = OTHER
  for (let i = 0; i < n; i++) {
    const kind = kindOf(key.charCodeAt(i))
    if (kind === OTHER) {
      if (start >= 0) out.push(key.slice(start, i).toLowerCase())
      start = -1
    } else if (start < 0) {
      start = i
    } else if (
      kind === UPPER &&
      (prev === LOWER || prev === DIGIT || (prev === UPPER && i + 1 < n && kindOf(key.charCodeAt(i + 1)) === LOWER))
    ) {
      out.push(key.slice(start, i).toLowerCase())
      start = i
    }
    prev = kind
  }
  if (start >= 0) out.push(key.slice(start).toLowerCase())
  return out
}

/**
 * A key's canonical form: its words joined (`X-Api-Key`, `x_api_key`, `xApiKey` -> `xapikey`).
 *
 * @internal
 */
export const normalizeKey = (key: string): string => keyWords(key).join("")

const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)

const isDigits = (w: string): boolean => {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** The words without a trailing number (`password1`, `password_2` -> password); `undefined` when there is none. */
const withoutNumber = (words: ReadonlyArray<string>): Array<string> | undefined => {
  let end = words.length
  while (end > 0 && isDigits(words[end - 1]!)) end--
  if (end === 0) return undefined
  const last = words[end - 1]!
  let cut = last.length
  while (cut > 0 && last.charCodeAt(cut - 1) >= 48 && last.charCodeAt(cut - 1) <= 57) cut--
  if (end === words.length && cut === last.length) return undefined
  const out = words.slice(0, end)
  if (cut > 0) out[end - 1] = last.slice(0, cut)
  else out.pop()
  return out.length === 0 ? undefined : out
}

/**
 * The classification of keys against the sensitive set (trailing words, qualifiers dropped) and the removed set
 * (whole key). Only a key's last `longest + 2 * qualifier + 2` letters and digits can decide either (a longer
 * suffix, qualifiers dropped, cannot equal a set member), so a key is cut there before it is split into words: one
 * backward scan, then a bounded split, whatever the key's length. The answer is the same as for the whole key.
 */
const makeClassifier = (sensitive: ReadonlySet<string>, removed: ReadonlySet<string>): (key: string) => KeyAction => {
  let longest = 0
  for (const k of sensitive) if (k.length > longest) longest = k.length
  for (const k of removed) if (k.length > longest) longest = k.length
  let qualifierLength = 0
  for (const q of qualifierWords) if (q.length > qualifierLength) qualifierLength = q.length
  const bound = longest + maxQualifiers * qualifierLength + 1
  const qualifiers = new Set(qualifierWords)
  const suffixMatch = (words: ReadonlyArray<string>, end: number): boolean => {
    let suffix = ""
    for (let i = end - 1; i >= 0; i--) {
      suffix = words[i]! + suffix
      if (suffix.length > longest) return false
      if (sensitive.has(suffix)) return true
    }
    return false
  }
  const decide = (words: ReadonlyArray<string>): boolean => {
    if (suffixMatch(words, words.length)) return true
    let end = words.length
    while (end > 0 && words.length - end < maxQualifiers && qualifiers.has(words[end - 1]!)) end--
    return end > 0 && end < words.length && suffixMatch(words, end)
  }
  return (key) => {
    if (sensitive.size === 0 && removed.size === 0) return KEEP
    // the tail holding the last bound + 1 letters/digits (its first word may be cut: too long to match anyway)
    let start = 0
    let count = 0
    for (let i = key.length - 1; i >= 0; i--) {
      if (isAlnum(key.charCodeAt(i)) && ++count > bound) {
        start = i
        break
      }
    }
    const words = keyWords(start === 0 ? key : key.slice(start))
    if (start === 0 && removed.size > 0 && removed.has(words.join(""))) return REMOVE
    if (sensitive.size === 0) return KEEP
    if (decide(words)) return REDACT
    // a numbered form field (`password1`, `password_2`): judged without its trailing number
    const numbered = withoutNumber(words)
    return numbered !== undefined && decide(numbered) ? REDACT : KEEP
  }
}

// --- secret patterns ---------------------------------------------------------------------------------------------

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
const SECRET_HINT = /eyJ|gh[pousr]_|github_pat_|[Bb]earer|BEARER|-----BEGIN|A(?:KI|SI|BI|CC|GP|ID|IP|RO|NP|NV|PK)A/

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

const maskSecrets = (s: string): string =>
  s.replace(
    SECRETS,
    (match, jwt, aws, gh, scheme, space, bearer, begin, _kind, body, end) => {
      if (jwt !== undefined || aws !== undefined || gh !== undefined) return redactedMarker
      if (scheme !== undefined) return proseWord(bearer) ? match : scheme + space + redactedMarker
      if (begin !== undefined) return body === "" ? match : begin + redactedMarker + end
      return match
    }
  )

const isBareEnd = (c: number): boolean =>
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
const maskUrlPasswords = (s: string): string => {
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
 * or the previous `@`). Each character is looked at a bounded number of times: linear.
 */
const maskDsnPasswords = (s: string): string => {
  let k = s.indexOf("@")
  let out = ""
  let copied = 0
  let previous = 0
  while (k >= 0) {
    if (isProtocol(s, k + 1)) {
      let b = k
      while (b > previous) {
        const c = s.charCodeAt(b - 1)
        if (c === 40 || c === 44 || c === 59 || c === 64 || isUrlEnd(c)) break
        b--
      }
      let colon = b
      while (colon < k && s.charCodeAt(colon) !== 58) colon++
      if (b >= copied && colon + 1 < k && s.slice(colon + 1, k) !== redactedMarker) {
        out += s.slice(copied, colon + 1) + redactedMarker
        copied = k
      }
    }
    previous = k + 1
    k = s.indexOf("@", k + 1)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/**
 * Command-line flags: `--password x`, `--db-password "x y"` (a flag whose name is sensitive or removed, a blank,
 * then a value that is not another flag). `--password=x` is a pair. Each `--` is found once and the scan goes on
 * after its value: linear.
 */
const maskFlags = (s: string, hidden: (key: string) => boolean): string => {
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
 * Qualifier words count as endings too (`password_hash` ends in `sh`). `undefined` (no filter) when a key is
 * shorter than two characters.
 */
const tailTable = (normalized: Iterable<string>): Uint8Array | undefined => {
  const table = new Uint8Array(1 << 14)
  for (const k of [...normalized, ...qualifierWords]) {
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

const maskPairs = (s: string, hidden: (key: string) => boolean, tails: Uint8Array | undefined): string => {
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

const globalCopy = (re: RegExp): RegExp => {
  let flags = re.flags
  if (!flags.includes("g")) flags += "g"
  if (!flags.includes("d")) flags += "d"
  return new RegExp(re.source, flags)
}

/**
 * A user pattern: the whole match masked, or only its `secret` group, found by its exact indices (the `d` flag),
 * not by searching for its text (which could find an earlier copy of it and leave the secret itself).
 */
const maskCustom = (s: string, re: RegExp): string => {
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

const normalizedSet = (keys: ReadonlyArray<string>): Set<string> => {
  const set = new Set<string>()
  for (const k of keys) {
    const n = normalizeKey(k)
    if (n !== "") set.add(n)
  }
  return set
}

/**
 * A redactor. Defaults: on, the default keys, the built-in patterns, nothing removed.
 *
 * @internal
 */
export const makeRedactor = (options: RedactionOptions = {}): Redactor => {
  const removed = normalizedSet(options.removeKeys ?? [])
  if (options.enabled === false) {
    const classifyKey = makeClassifier(new Set(), removed)
    return { enabled: false, classifyKey, maskString: identity }
  }
  const sensitive = normalizedSet([...defaultKeys, ...options.keys ?? []])
  const classifyKey = makeClassifier(sensitive, removed)
  const custom = (options.patterns ?? []).map(globalCopy)
  const pairCache = new Map<string, boolean>()
  // Keys found inside strings are cached when short (at most 10,000 of at most 64 characters), so hostile input
  // cannot make the cache hold large strings.
  const pairHidden = (key: string): boolean => {
    if (key.length > 64) return classifyKey(key) !== KEEP
    let hit = pairCache.get(key)
    if (hit === undefined) {
      hit = classifyKey(key) !== KEEP
      if (pairCache.size < 10_000) pairCache.set(key, hit)
    }
    return hit
  }
  const tails = tailTable([...sensitive, ...removed])
  const builtin = options.builtinPatterns !== false
  if (!builtin && custom.length === 0) return { enabled: true, classifyKey, maskString: identity }
  // A small direct-mapped memo of clean strings (slot from the length and the first and last characters): a value
  // repeated from record to record (a message, a user agent, a host name) is recognised by one comparison
  // (pointer-equal for the same string object) instead of a scan. Only strings that had nothing to mask are kept,
  // so no secret is retained here; at most 256 strings of up to 1,024 characters.
  const clean: Array<string | undefined> = new Array(256).fill(undefined)
  const maskString = (s: string): string => {
    const n = s.length
    if (n < 4) return s
    const slot = (n * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(n - 1)) & 255
    if (clean[slot] === s) return s
    // At most one regex scan per string (a regex call is the expensive part); below 15 characters only a Bearer
    // token fits (`Bearer x1`, 9), found by native indexOf like the separators.
    const secrets = builtin &&
      (n >= 15 ? SECRET_HINT.test(s) : n >= 9 && (s.indexOf("earer") > 0 || s.indexOf("EARER") > 0))
    if (
      !secrets && custom.length === 0 &&
      (!builtin || (s.indexOf("=") < 0 && s.indexOf(":") < 0 && s.indexOf("--") < 0))
    ) {
      if (n <= 1024) clean[slot] = s
      return s
    }
    let out = s
    try {
      if (secrets) out = maskSecrets(out)
      if (builtin) {
        if (out.indexOf("@") >= 0) out = maskDsnPasswords(maskUrlPasswords(out))
        out = maskPairs(out, pairHidden, tails)
        if (out.indexOf("--") >= 0) out = maskFlags(out, pairHidden)
      }
      for (const re of custom) out = maskCustom(out, re)
    } catch {
      // A user pattern that throws (or a stack overflow on a hostile string): mask everything rather than leak.
      return redactedMarker
    }
    if (out === s && n <= 1024) clean[slot] = s
    return out
  }
  return { enabled: true, classifyKey, maskString }
}

// --- configuration -----------------------------------------------------------------------------------------------

const KEY_LIST = /^[A-Za-z0-9_.-]+$/

const parseKeyList = (raw: string): ReadonlyArray<string> | undefined => {
  const keys = raw.split(",").map((k) => k.trim()).filter((k) => k !== "")
  return keys.every((k) => KEY_LIST.test(k)) ? keys : undefined
}

const keyList = (name: string): Config.Config<ReadonlyArray<string> | undefined> =>
  optional(
    name,
    "comma-separated key names made of letters, digits, \"_\", \"-\", \".\" (e.g. \"pin,otp_code,X-Session-Key\")",
    parseKeyList
  )

/**
 * `PROVIDE_LOG_SANITIZATION_ENABLED` (true/false/1/0/yes/no/on/off, default
 * true: the master switch), `PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED` (the
 * built-in string scan, default true), `PROVIDE_LOG_SANITIZATION_KEYS` (extra
 * keys, comma-separated), `PROVIDE_LOG_SANITIZATION_REMOVE_KEYS` (keys removed
 * from every record).
 *
 * @internal
 */
export const redactionConfig: Config.Config<RedactionOptions> = Config.map(
  Config.all({
    enabled: booleanVar("PROVIDE_LOG_SANITIZATION_ENABLED"),
    builtinPatterns: booleanVar("PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED"),
    keys: keyList("PROVIDE_LOG_SANITIZATION_KEYS"),
    removeKeys: keyList("PROVIDE_LOG_SANITIZATION_REMOVE_KEYS")
  }),
  ({ builtinPatterns, enabled, keys, removeKeys }): RedactionOptions => ({
    enabled: enabled ?? true,
    ...(builtinPatterns === undefined ? {} : { builtinPatterns }),
    ...(keys === undefined ? {} : { keys }),
    ...(removeKeys === undefined ? {} : { removeKeys })
  })
)
