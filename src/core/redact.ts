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
import {
  globalCopy,
  maskCustom,
  maskDsnPasswords,
  maskFlags,
  maskPairs,
  maskSecrets,
  maskUrlPasswords,
  redactedMarker,
  SECRET_HINT,
  tailTable
} from "./redactScan.js"

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
export { redactedMarker } from "./redactScan.js"

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
  const tails = tailTable([...sensitive, ...removed, ...qualifierWords])
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

const KEY_LIST = /^[A-Za-z0-9_.-]+$/

/**
 * A comma-separated list of key names (`PROVIDE_LOG_SANITIZATION_KEYS`); `undefined` when a name is not one.
 *
 * @internal
 */
export const parseKeyList = (raw: string): ReadonlyArray<string> | undefined => {
  const keys = raw.split(",").map((k) => k.trim()).filter((k) => k !== "")
  return keys.every((k) => KEY_LIST.test(k)) ? keys : undefined
}
