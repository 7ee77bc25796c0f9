/**
 * Redaction of sensitive keys and of secret patterns inside string values.
 *
 * Keys: a field, at any depth, whose key names a secret has its value replaced
 * by `[REDACTED]`. Keys match ignoring case and separators (`-`, `_`, `.`,
 * spaces) and camelCase, as the whole key or as its trailing words:
 * `Authorization`, `x_api_key`, `apiKey`, `db_password` and `githubToken` are
 * sensitive; `token_count`, `session_id`, `password_reset` and `max_tokens`
 * are not.
 *
 * Strings: only the secret span is masked, the rest of the string stays:
 * JWTs, AWS access key ids, GitHub tokens, `Bearer <token>`, PEM private-key
 * blocks and `<sensitive key>=<value>` / `<sensitive key>: <value>` pairs.
 * Ordinary words ("auth debug", "token bucket", "password reset requested")
 * are never masked.
 *
 * `maskString` is on the hot path (every string value): it returns its
 * argument unchanged (the same string) when nothing matches, after a cheap
 * pre-check that skips the heavier scans for most strings.
 */
import * as Config from "effect/Config"
import { boolean as booleanVar, optional } from "./config.js"

export interface RedactionOptions {
  /** Off turns key redaction and string masking off (Effect `Redacted` still prints `<redacted>`). Default: on. */
  readonly enabled?: boolean
  /** Keys added to the defaults. */
  readonly keys?: ReadonlyArray<string>
  /** Default keys to drop (e.g. `["session"]`). */
  readonly removeKeys?: ReadonlyArray<string>
  /**
   * The built-in string scan (JWTs, AWS key ids, GitHub tokens, Bearer tokens, private-key blocks, sensitive
   * `key=value` pairs). Default: on. Off keeps key redaction (free: one check per distinct key) and drops the one
   * scan of every string value that the patterns cost. `patterns` still apply.
   */
  readonly builtinPatterns?: boolean
  /**
   * Extra secret patterns for string values. The whole match is masked, or
   * only the named group `secret` when the pattern has one
   * (`/order-key:(?<secret>\w+)/`). The `g` flag is added when missing.
   */
  readonly patterns?: ReadonlyArray<RegExp>
}

export interface Redactor {
  readonly enabled: boolean
  /** Called once per distinct key by the formatter (which caches the answer). */
  readonly isSensitiveKey: (key: string) => boolean
  /** Called on every string value: the same string when nothing matches. */
  readonly maskString: (s: string) => string
}

export const redactedMarker = "[REDACTED]"

/** The default sensitive keys (the list, plus three common AWS/PGP names). */
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
  "secret_access_key"
]

const identity = (s: string): string => s

/** The words of a key: split on non-alphanumerics and camelCase boundaries, lower-cased. */
export const keyWords = (key: string): Array<string> => {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2") // fooBar -> foo Bar
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2") // APIKey -> API Key
  const out: Array<string> = []
  for (const w of spaced.split(/[^A-Za-z0-9]+/)) if (w !== "") out.push(w.toLowerCase())
  return out
}

/** A key's canonical form: its words joined (`X-Api-Key`, `x_api_key`, `xApiKey` -> `xapikey`). */
export const normalizeKey = (key: string): string => keyWords(key).join("")

const makeKeyMatcher = (set: ReadonlySet<string>): ((key: string) => boolean) => (key) => {
  if (set.size === 0) return false
  const words = keyWords(key)
  let suffix = ""
  for (let i = words.length - 1; i >= 0; i--) {
    suffix = words[i]! + suffix
    if (set.has(suffix)) return true
  }
  return false
}

// --- secret patterns ---------------------------------------------------------------------------------------------

// Fixed-prefix secrets, one alternation. Each starts at a token boundary (lookbehind), so a scan is linear.
//   1 JWT: header.payload.signature, both first parts base64url JSON objects ("eyJ" = '{"').
//   2 AWS access key id: AKIA/ASIA/... + 16 upper-case alphanumerics.
//   3 GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ + 36..255, github_pat_ + 22..255.
//   4 Bearer <token> (the scheme word stays; only the token is masked, see bearerToken).
//   5 PEM private-key block: the body between the armour lines is masked (to the end of the string if cut).
const SECRETS = new RegExp(
  [
    "(?<![A-Za-z0-9_\\-])(eyJ[A-Za-z0-9_\\-]{7,}\\.eyJ[A-Za-z0-9_\\-]{7,}\\.[A-Za-z0-9_\\-]*)",
    "(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16})(?![A-Za-z0-9])",
    "(?<![A-Za-z0-9_])((?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))(?![A-Za-z0-9_])",
    "(?<![A-Za-z0-9_\\-])([Bb]earer|BEARER)([ \\t]+)([A-Za-z0-9\\-._~+/]+=*)",
    "(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)([\\s\\S]*?)(-----END \\8-----|$)"
  ].join("|"),
  "g"
)

// Pre-check for SECRETS: the literal prefixes.
const SECRET_HINT = /eyJ|gh[pousr]_|github_pat_|[Bb]earer|BEARER|-----BEGIN|A(?:KI|SI|BI|CC|GP|ID|IP|RO|NP|NV|PK)A/

/** A Bearer token is masked when it looks random: 8+ characters with a digit, or 20+ characters. */
const bearerToken = (t: string): boolean => t.length >= 20 || (t.length >= 8 && /[0-9]/.test(t))

const maskSecrets = (s: string): string =>
  s.replace(
    SECRETS,
    (match, jwt, aws, gh, scheme, space, bearer, begin, _kind, body, end) => {
      if (jwt !== undefined || aws !== undefined || gh !== undefined) return redactedMarker
      if (scheme !== undefined) return bearerToken(bearer) ? scheme + space + redactedMarker : match
      if (begin !== undefined) return body === "" ? match : begin + redactedMarker + end
      return match
    }
  )

// key=value / key: value pairs, found separator-first (two native indexOf scans, so a string without `=` or `:`
// costs two calls): for each separator the key is the run of key characters before it (optionally quoted, optional
// blanks), looked up once per distinct key; the value is parsed by hand (quoted with escapes, or bare up to
// whitespace, a quote or `&`), with an optional auth scheme word kept (`Authorization: Basic [REDACTED]`).
const SCHEME = /^(?:Bearer|Basic|Digest|Token|Bot|Negotiate|NTLM)[ \t]+/i

const isKeyChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46

const isBlank = (c: number): boolean => c === 32 || c === 9

const isBareEnd = (c: number): boolean =>
  c === 32 || c === 34 || c === 39 || c === 38 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x2028 ||
  c === 0x2029 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x202f || c === 0x205f

const valueEnd = (s: string, start: number): number => {
  const q = s.charCodeAt(start)
  if (q === 34 || q === 39) {
    // "..." or '...' with backslash escapes; an unterminated quote runs to the end
    let i = start + 1
    while (i < s.length) {
      const c = s.charCodeAt(i)
      if (c === 92) i += 2
      else if (c === q) return i + 1
      else i++
    }
    return s.length
  }
  let i = start
  while (i < s.length && !isBareEnd(s.charCodeAt(i))) i++
  return i
}

const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
const lower = (c: number): number => (c >= 65 && c <= 90 ? c | 0x20 : c)

/**
 * The last two letters/digits of every sensitive key, lower-cased (`password` -> `rd`): a key whose own last two
 * do not appear here cannot be sensitive, so most keys (`page`, `https`, `sort`) are dismissed without a lookup.
 * `undefined` (no filter) when a key is shorter than two characters.
 */
const tailTable = (normalized: Iterable<string>): Uint8Array | undefined => {
  const table = new Uint8Array(1 << 14)
  for (const k of normalized) {
    if (k.length < 2) return undefined
    table[(k.charCodeAt(k.length - 2) & 0x7f) << 7 | (k.charCodeAt(k.length - 1) & 0x7f)] = 1
  }
  return table
}

const mayBeSensitive = (s: string, ks: number, ke: number, tails: Uint8Array | undefined): boolean => {
  if (tails === undefined) return true
  let j = ke - 1
  while (j >= ks && !isAlnum(s.charCodeAt(j))) j--
  if (j < ks) return true
  const c2 = lower(s.charCodeAt(j--))
  while (j >= ks && !isAlnum(s.charCodeAt(j))) j--
  if (j < ks) return true
  return tails[lower(s.charCodeAt(j)) << 7 | c2] === 1
}

const maskPairs = (s: string, sensitive: (key: string) => boolean, tails: Uint8Array | undefined): string => {
  let eq = s.indexOf("=")
  let colon = s.indexOf(":")
  if (eq < 0 && colon < 0) return s
  let out = ""
  let copied = 0
  while (eq >= 0 || colon >= 0) {
    const sep = eq < 0 ? colon : colon < 0 ? eq : eq < colon ? eq : colon
    let next = sep + 1
    // Fast path: a key ending right before the separator in two letters/digits that no sensitive key ends with.
    const c2 = s.charCodeAt(sep - 1)
    const c1 = s.charCodeAt(sep - 2)
    if (tails !== undefined && isAlnum(c2) && isAlnum(c1) && tails[lower(c1) << 7 | lower(c2)] !== 1) {
      if (eq === sep) eq = s.indexOf("=", next)
      else colon = s.indexOf(":", next)
      continue
    }
    // the key: blanks, an optional closing quote, then the run of key characters
    let ke = sep
    while (ke > copied && isBlank(s.charCodeAt(ke - 1))) ke--
    if (ke > copied && (s.charCodeAt(ke - 1) === 34 || s.charCodeAt(ke - 1) === 39)) ke--
    let ks = ke
    while (ks > 0 && isKeyChar(s.charCodeAt(ks - 1))) ks--
    if (ks >= copied && ks < ke && mayBeSensitive(s, ks, ke, tails) && sensitive(s.slice(ks, ke))) {
      let start = sep + 1
      while (start < s.length && isBlank(s.charCodeAt(start))) start++
      const scheme = SCHEME.exec(s.slice(start, start + 20))
      if (scheme !== null) start += scheme[0].length
      const end = valueEnd(s, start)
      const q = s.charCodeAt(start)
      const quoted = (q === 34 || q === 39) && end - start >= 2 && s.charCodeAt(end - 1) === q
      const value = quoted ? s.slice(start + 1, end - 1) : s.slice(start, end)
      if (value !== "" && value !== redactedMarker) {
        out += s.slice(copied, start) + (quoted ? s[start] + redactedMarker + s[start] : redactedMarker)
        copied = end
      }
      if (end > next) next = end
    }
    if (eq >= 0 && eq < next) eq = s.indexOf("=", next)
    if (colon >= 0 && colon < next) colon = s.indexOf(":", next)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

const globalCopy = (re: RegExp): RegExp => new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g")

const maskCustom = (s: string, re: RegExp): string =>
  s.replace(re, (...args: Array<unknown>) => {
    const match = args[0] as string
    const last = args[args.length - 1]
    const groups = typeof last === "object" && last !== null ? (last as Record<string, string | undefined>) : undefined
    const secret = groups?.secret
    if (secret === undefined) return match === "" ? match : redactedMarker
    if (secret === "") return match
    const at = match.indexOf(secret)
    return match.slice(0, at) + redactedMarker + match.slice(at + secret.length)
  })

/**
 * A redactor. Defaults: on, the default keys, the built-in patterns.
 */
export const makeRedactor = (options: RedactionOptions = {}): Redactor => {
  if (options.enabled === false) return { enabled: false, isSensitiveKey: () => false, maskString: identity }
  const set = new Set(defaultKeys.map(normalizeKey))
  for (const k of options.removeKeys ?? []) set.delete(normalizeKey(k))
  for (const k of options.keys ?? []) {
    const n = normalizeKey(k)
    if (n !== "") set.add(n)
  }
  const isSensitiveKey = makeKeyMatcher(set)
  const custom = (options.patterns ?? []).map(globalCopy)
  const pairCache = new Map<string, boolean>()
  // Keys found inside strings are cached when short (at most 10,000 of at most 64 characters), so hostile input
  // cannot make the cache hold large strings.
  const pairSensitive = (key: string): boolean => {
    if (key.length > 64) return isSensitiveKey(key)
    let hit = pairCache.get(key)
    if (hit === undefined) {
      hit = isSensitiveKey(key)
      if (pairCache.size < 10_000) pairCache.set(key, hit)
    }
    return hit
  }
  const tails = tailTable(set)
  const builtin = options.builtinPatterns !== false
  const pairs = builtin && set.size > 0
  if (!builtin && custom.length === 0) return { enabled: true, isSensitiveKey, maskString: identity }
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
    // At most one regex scan per string (a regex call is the expensive part), and none below 15 characters (the
    // shortest built-in secret, `Bearer 1234abcd`); separators are found by native indexOf.
    const secrets = builtin && n >= 15 && SECRET_HINT.test(s)
    if (!secrets && custom.length === 0 && (!pairs || (s.indexOf("=") < 0 && s.indexOf(":") < 0))) {
      if (n <= 1024) clean[slot] = s
      return s
    }
    let out = s
    try {
      if (secrets) out = maskSecrets(out)
      if (pairs) out = maskPairs(out, pairSensitive, tails)
      for (const re of custom) out = maskCustom(out, re)
    } catch {
      // A user pattern that throws (or a stack overflow on a hostile string): mask everything rather than leak.
      return redactedMarker
    }
    if (out === s && n <= 1024) clean[slot] = s
    return out
  }
  return { enabled: true, isSensitiveKey, maskString }
}

// --- configuration -----------------------------------------------------------------------------------------------

const KEY_LIST = /^[A-Za-z0-9_.\-]+$/

const parseKeyList = (raw: string): ReadonlyArray<string> | undefined => {
  const keys = raw.split(",").map((k) => k.trim()).filter((k) => k !== "")
  return keys.every((k) => KEY_LIST.test(k)) ? keys : undefined
}

const keyList = (name: string): Config.Config<ReadonlyArray<string> | undefined> =>
  optional(name, "comma-separated key names made of letters, digits, \"_\", \"-\", \".\" (e.g. \"pin,otp_code,X-Session-Key\")", parseKeyList)

/**
 * `PROVIDE_LOG_SANITIZATION_ENABLED` (true/false/1/0/yes/no/on/off, default
 * true), `PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED` (the built-in string
 * scan, default true), `PROVIDE_LOG_SANITIZATION_KEYS` (extra keys,
 * comma-separated), `PROVIDE_LOG_SANITIZATION_REMOVE_KEYS` (default keys to drop).
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
