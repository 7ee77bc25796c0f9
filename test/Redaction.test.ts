import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, FiberId, Redacted } from "effect"
import { EmojiLogger, Foundation, Log, TestLog } from "effect-foundation"
import {
  defaultKeys,
  KEEP,
  makeRedactor,
  REDACT,
  redactedMarker,
  type RedactionOptions,
  REMOVE
} from "../src/core/redact.js"
import { defaultLimits } from "../src/core/render.js"
import { toLogRecord } from "../src/internal/otlp.js"
import { Renderer } from "../src/internal/render.js"
import { recordOfInput } from "../src/internal/structuredRecord.js"
import { recordingTracer, viaFoundation, withEnv } from "./utils.js"

const quietNames = { loggerNameEmoji: false }

const R = redactedMarker
const at = new Date("2026-01-02T03:04:05.000Z")
const TS = "\"timestamp\":\"2026-01-02T03:04:05.000Z\""

/** One record through the real console formatter, name emoji off: `message key=value...` (no "\n"). */
const consoleLine = (
  fields: Record<string, unknown>,
  message = "m",
  options: Omit<EmojiLogger.Options, "format"> = {}
) =>
  EmojiLogger.formatConsole({ timestamp: at, level: "info", message, fields }, { loggerNameEmoji: false, ...options })
    .slice(0, -1)

/** One record through the real JSON formatter (no "\n"). */
const jsonLine = (fields: Record<string, unknown>, message = "m", options: Omit<EmojiLogger.Options, "format"> = {}) =>
  EmojiLogger.formatJson({ timestamp: at, level: "info", message, fields }, options).slice(0, -1)

// The issue's list; the implementation adds passphrase, secret_key and secret_access_key, and plural/singular forms.
const issueKeys = [
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
  "cvv"
]
const allDefaults = [
  ...issueKeys,
  "passphrase",
  "secret_key",
  "secret_access_key",
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

/** Mixed-case spelling: every other letter upper-cased (`pAsSwOrD`). */
const mixed = (k: string) => k.split("").map((c, i) => (i % 2 === 1 ? c.toUpperCase() : c)).join("")

describe("Redaction: sensitive keys", () => {
  it("the default list is the issue's list plus three AWS/PGP names and plural/singular forms", () => {
    expect([...defaultKeys].sort()).toEqual([...allDefaults].sort())
  })

  // 35 keys x 6 placements = 210 cases, each an exact rendered line.
  for (const key of allDefaults) {
    it(`${key}: top level (as is, UPPER, mIxEd), nested object, inside an array, JSON`, () => {
      const secret = "s3cr3t-" + key
      for (const k of [key, key.toUpperCase(), mixed(key)]) {
        expect(consoleLine({ [k]: secret, user: "bob" })).toBe(`m ${k}=${R} user=bob`)
      }
      expect(jsonLine({ req: { headers: { [key.toUpperCase()]: secret, host: "h" } } })).toBe(
        `{${TS},"level":"info","message":"m","req":{"headers":{"${key.toUpperCase()}":"${R}","host":"h"}}}`
      )
      expect(jsonLine({ list: [{ [key]: secret }, { [key]: [secret, { deep: secret }] }] })).toBe(
        `{${TS},"level":"info","message":"m","list":[{"${key}":"${R}"},{"${key}":"${R}"}]}`
      )
      expect(jsonLine({ [key]: { nested: secret } })).toBe(`{${TS},"level":"info","message":"m","${key}":"${R}"}`)
    })
  }

  it("separators and camelCase do not matter; compound keys ending in a sensitive name match", () => {
    const redacted = [
      "Authorization",
      "X-API-KEY",
      "x_api_key",
      "apiKey",
      "ApiKey",
      "APIKey",
      "accessToken",
      "refreshToken",
      "clientSecret",
      "privateKey",
      "creditCard",
      "cardNumber",
      "setCookie",
      "proxy_authorization",
      "db_password",
      "DB_PASSWORD",
      "githubToken",
      "stripeApiKey",
      "user.password",
      "aws_secret_access_key",
      "auth-token",
      "csrf_token",
      "sessionToken",
      "--password"
    ]
    for (const k of redacted) {
      expect(jsonLine({ [k]: "v4lue" })).toBe(`{${TS},"level":"info","message":"m",${JSON.stringify(k)}:"${R}"}`)
    }
  })

  it("look-alike keys are NOT redacted", () => {
    const kept = [
      "token_count",
      "max_tokens",
      "tokens",
      "tokenizer",
      "session_id",
      "sessionId",
      "password_reset",
      "password_length",
      "passwords_rotated",
      "secretary",
      "keyboard",
      "key",
      "author",
      "auth",
      "cookies_enabled",
      "card_type",
      "cvv_checked",
      "ssn_last_updated",
      "credentials_expire_at",
      "pwd_dir",
      "user"
    ]
    for (const k of kept) {
      expect(jsonLine({ [k]: "v4lue" })).toBe(`{${TS},"level":"info","message":"m",${JSON.stringify(k)}:"v4lue"}`)
    }
  })

  it("non-string values under a sensitive key are redacted too (numbers, booleans, objects, arrays, Redacted)", () => {
    expect(consoleLine({ cvv: 123, ssn: 123456789, token: true, secret: null })).toBe(
      `m cvv=${R} ssn=${R} token=${R} secret=${R}`
    )
    expect(jsonLine({ password: ["a", "b"], credentials: { user: "u", pass: "p" }, api_key: Redacted.make("k") })).toBe(
      `{${TS},"level":"info","message":"m","password":"${R}","credentials":"${R}","api_key":"${R}"}`
    )
  })

  it("Map entries and Error own fields are checked too", () => {
    const err = Object.assign(new Error("boom"), { token: "abc", code: 7 })
    const json = JSON.parse(jsonLine({ m: new Map([["password", "x"], ["user", "u"]]), e: err })) as Record<string, any>
    expect(json.m).toEqual({ password: R, user: "u" })
    expect(json.e.token).toBe(R)
    expect(json.e.code).toBe(7)
  })

  it.effect("failures and defects of a Cause: keys redacted in JSON and in the console's cause text", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* Effect.provide(
        Log.exception("failed", Cause.fail({ user: "bob", password: "hunter2", nested: { token: "t0k" } })),
        EmojiLogger.layer({ format: "key_value", loggerNameEmoji: false }, (l) => lines.push(l))
      )
      yield* Effect.provide(
        Effect.logError("plain", Cause.die({ secret: "s3" })),
        EmojiLogger.layer({ format: "json" }, (l) => lines.push(l))
      )
      expect(lines).toEqual([
        `🔥 ERROR failed cause="Error: {\\"user\\":\\"bob\\",\\"password\\":\\"${R}\\",\\"nested\\":{\\"token\\":\\"${R}\\"}}"\n`,
        `{"timestamp":"1970-01-01T00:00:00.000Z","level":"error","message":"plain","cause":{"defects":[{"secret":"${R}"}]}}\n`
      ])
    }))

  it("options: keys adds (any spelling), removeKeys removes (never shows), enabled: false turns redaction off", () => {
    const redaction = { keys: ["pin", "X-Session-Key"], removeKeys: ["session", "SSN"] }
    expect(consoleLine({ pin: "1234", x_session_key: "k", session: "s", ssn: "n", password: "p" }, "m", { redaction }))
      .toBe(`m pin=${R} x_session_key=${R} password=${R}`)
    expect(consoleLine({ password: "hunter2", token: "t" }, "password=hunter2", { redaction: { enabled: false } }))
      .toBe("password=hunter2 password=hunter2 token=t")
    const r = makeRedactor({ removeKeys: [...defaultKeys] })
    expect(r.classifyKey("password")).toBe(REMOVE)
    expect(r.classifyKey("db_password")).toBe(REDACT)
    expect(r.classifyKey("user")).toBe(KEEP)
    expect(r.maskString("password=hunter2")).toBe(`password=${R}`)
  })

  it("builtinPatterns: false keeps key redaction, drops the string scan (the same string back), keeps custom patterns", () => {
    expect(
      consoleLine({ password: "p", note: "password=hunter2" }, `jwt ${jwt}`, { redaction: { builtinPatterns: false } })
    )
      .toBe(`jwt ${jwt} password=${R} note="password=hunter2"`)
    const r = makeRedactor({ builtinPatterns: false, patterns: [/ORD-\d+/] })
    expect(r.classifyKey("token")).toBe(REDACT)
    const s = "token=abc " + ghp
    expect(r.maskString(s)).toBe(s)
    expect(r.maskString("order ORD-42")).toBe(`order ${R}`)
  })

  it.effect("bound fields, Log.withContext and plain Effect.annotateLogs are redacted in TestLog lines", () =>
    Effect.gen(function*() {
      yield* Log.bind({ token: "t0k" }).info("bound", { user: "u" })
      yield* Log.info("ctx", { Password: "p" }).pipe(Log.withContext({ session: "s3ss", request_id: "r1" }))
      yield* Effect.logInfo("plain").pipe(Effect.annotateLogs("authorization", "Basic abc"))
      const lines = (yield* TestLog.lines).map((l) => l.replace(/^\[[^\]]*\] /, ""))
      expect(lines).toEqual([
        `bound token=${R} user=u`,
        `ctx session=${R} request_id=r1 Password=${R}`,
        `plain authorization=${R}`
      ])
    }).pipe(Effect.provide(TestLog.layer())))
})

// [input, expected]; expected === input means "must NOT be masked".
const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
const ghp = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nq3Zk==\n-----END RSA PRIVATE KEY-----"
const patternCases: ReadonlyArray<readonly [string, string, string]> = [
  // JWT
  ["JWT alone", jwt, R],
  ["JWT in a sentence", `got ${jwt} from idp`, `got ${R} from idp`],
  ["JWT in a URL", `https://x/cb?id_token=${jwt}&state=1`, `https://x/cb?id_token=${R}&state=1`],
  ["unsigned JWT", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", R],
  ["look-alike: eyJ prefix without dots", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9"],
  ["look-alike: dotted words", "config.eyJson.loader.ts", "config.eyJson.loader.ts"],
  // AWS
  ["AWS access key id", "using AKIAIOSFODNN7EXAMPLE now", `using ${R} now`],
  ["AWS temporary key id", "ASIAY34FZKBOKMUTVV7A", R],
  ["AWS key in key=value", "aws_access_key_id=AKIAIOSFODNN7EXAMPLE", `aws_access_key_id=${R}`],
  ["look-alike: 19 characters", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPL"],
  ["look-alike: 21 characters", "AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"],
  ["look-alike: lower case", "akiaiosfodnn7example", "akiaiosfodnn7example"],
  ["look-alike: the word AKIA", "AKIA prefix docs", "AKIA prefix docs"],
  // GitHub
  ["GitHub ghp_", `clone with ${ghp}`, `clone with ${R}`],
  ["GitHub gho_", "gho_" + "x".repeat(36), R],
  ["GitHub ghu_", "ghu_" + "y".repeat(36), R],
  ["GitHub ghs_", "ghs_" + "z".repeat(36), R],
  ["GitHub ghr_", "ghr_" + "w".repeat(36), R],
  ["GitHub github_pat_", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", R],
  ["look-alike: short ghp_", "ghp_notatoken", "ghp_notatoken"],
  ["look-alike: ghx_ prefix", "ghx_" + "a".repeat(36), "ghx_" + "a".repeat(36)],
  ["look-alike: github_pat word", "see github_pat_docs", "see github_pat_docs"],
  // Bearer
  ["Bearer token", "Bearer abc123def456", `Bearer ${R}`],
  ["Authorization header", "Authorization: Bearer abc123def456ghi789", `Authorization: Bearer ${R}`],
  ["lower-case bearer, long opaque token", "bearer " + "Zq".repeat(12), `bearer ${R}`],
  ["Basic credentials after Authorization", "Authorization: Basic dXNlcjpwYXNz", `Authorization: Basic ${R}`],
  ["look-alike: bearer bonds", "bearer bonds matured", "bearer bonds matured"],
  ["look-alike: Bearer authentication failed", "Bearer authentication failed", "Bearer authentication failed"],
  ["look-alike: Bearer token missing", "Bearer token missing", "Bearer token missing"],
  // PEM
  [
    "PEM RSA private key block",
    `key:\n${pem}\nend`,
    `key:\n-----BEGIN RSA PRIVATE KEY-----${R}-----END RSA PRIVATE KEY-----\nend`
  ],
  [
    "PEM PKCS#8",
    "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    `-----BEGIN PRIVATE KEY-----${R}-----END PRIVATE KEY-----`
  ],
  [
    "PEM OpenSSH, cut before END",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk…[truncated 9 chars]",
    `-----BEGIN OPENSSH PRIVATE KEY-----${R}`
  ],
  [
    "PEM encrypted",
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIC\n-----END ENCRYPTED PRIVATE KEY-----",
    `-----BEGIN ENCRYPTED PRIVATE KEY-----${R}-----END ENCRYPTED PRIVATE KEY-----`
  ],
  [
    "look-alike: certificate",
    "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
    "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"
  ],
  [
    "look-alike: public key",
    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"
  ],
  // key=value pairs
  ["password=", "login failed password=hunter2 user=bob", `login failed password=${R} user=bob`],
  ["PASSWORD: value", "PASSWORD: hunter2", `PASSWORD: ${R}`],
  ["pwd in a query string", "/login?user=bob&pwd=hunter2&next=/", `/login?user=bob&pwd=${R}&next=/`],
  ["token after a URL key", "url=https://api/x?token=abc123&page=2", `url=https://api/x?token=${R}&page=2`],
  [
    "JSON text, quoted value with escapes",
    "{\"password\": \"hu\\\"nter2\", \"user\": \"bob\"}",
    `{"password": "${R}", "user": "bob"}`
  ],
  ["single-quoted value", "secret='a b c' rest", `secret='${R}' rest`],
  ["compound key", "db_password=s3cret ok", `db_password=${R} ok`],
  ["CLI flag", "run --api-key=K123 --verbose", `run --api-key=${R} --verbose`],
  ["two pairs", "token=a1 client_secret=b2", `token=${R} client_secret=${R}`],
  ["cookie header", "Cookie: sid=abc123; theme=dark", `Cookie: ${R} theme=dark`],
  ["look-alike: auth debug", "auth debug", "auth debug"],
  ["look-alike: token bucket", "token bucket refilled to 10", "token bucket refilled to 10"],
  ["look-alike: password reset requested", "password reset requested for bob", "password reset requested for bob"],
  ["look-alike: password_reset=true", "password_reset=true", "password_reset=true"],
  ["look-alike: max_tokens=512", "max_tokens=512 session_id=42", "max_tokens=512 session_id=42"],
  ["look-alike: short hex id", "id 4f3a9c1e done", "id 4f3a9c1e done"],
  [
    "look-alike: git sha",
    "deployed 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "deployed 9fceb02d0ae598e95dc970b74767f19372d61af8"
  ],
  ["look-alike: uuid", "req 123e4567-e89b-12d3-a456-426614174000", "req 123e4567-e89b-12d3-a456-426614174000"],
  ["look-alike: time with colons", "at 12:30:45 secretary=alice", "at 12:30:45 secretary=alice"],
  ["look-alike: empty value", "login?password=&user=bob", "login?password=&user=bob"]
]

describe("Redaction: secret patterns in strings", () => {
  const r = makeRedactor()
  for (const [name, input, expected] of patternCases) {
    it(name, () => {
      expect(r.maskString(input)).toBe(expected)
    })
  }

  it("a string with nothing to mask comes back as the same string", () => {
    for (const s of ["", "ok", "hello world", "x".repeat(10_000), "auth debug", "a=b c=d"]) {
      expect(r.maskString(s)).toBe(s)
    }
  })

  it("masking happens in messages and field values, in both formats, only the secret span", () => {
    expect(consoleLine({ url: "/cb?token=abc123" }, "login password=hunter2 ok")).toBe(
      `login password=${R} ok url="/cb?token=${R}"`
    )
    expect(jsonLine({ note: `jwt ${jwt}` }, "Authorization: Bearer abc123def456")).toBe(
      `{${TS},"level":"info","message":"Authorization: Bearer ${R}","note":"jwt ${R}"}`
    )
    expect(jsonLine({ e: new Error(`bad key ${ghp}`) }).includes(ghp)).toBe(false)
  })

  it("custom patterns: the whole match, or only the `secret` group; the g flag is added", () => {
    const c = makeRedactor({ patterns: [/\bORD-\d{6}\b/, /pin code (?<secret>\d{4})/g] })
    expect(c.maskString("order ORD-123456 pin code 9876 ok")).toBe(`order ${R} pin code ${R} ok`)
    expect(c.maskString("order ORD-12 fine")).toBe("order ORD-12 fine")
  })

  it("hostile strings stay fast (no catastrophic backtracking)", () => {
    const inputs = [
      "a".repeat(65_536) + "=",
      "x=".repeat(30_000) + "token",
      "eyJ".repeat(20_000),
      "-----BEGIN PRIVATE KEY-----".repeat(2_000),
      "Bearer ".repeat(10_000),
      "token:".repeat(10_000),
      "\"password\":\"" + "\\".repeat(50_000)
    ]
    for (const s of inputs) expect(typeof r.maskString(s)).toBe("string")
    expect(r.maskString("token:".repeat(3))).toBe(`token:${R}`)
  })
})

describe("Redaction: Effect Redacted", () => {
  it.effect("prints <redacted> in both formats, at any depth, even with redaction off", () =>
    Effect.gen(function*() {
      const v = Redacted.make("hunter2")
      expect(consoleLine({ v })).toBe("m v=<redacted>")
      expect(jsonLine({ v, deep: { list: [v] } })).toBe(
        `{${TS},"level":"info","message":"m","v":"<redacted>","deep":{"list":["<redacted>"]}}`
      )
      expect(jsonLine({ v }, "m", { redaction: { enabled: false } })).toBe(
        `{${TS},"level":"info","message":"m","v":"<redacted>"}`
      )
      yield* Log.info("r", { v })
      expect((yield* TestLog.lines)[0]!.endsWith(" r v=<redacted>")).toBe(true)
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Redaction: configuration", () => {
  const redaction = (env: Record<string, string>) =>
    Effect.map(Foundation.resolve({}).pipe(withEnv(env)), (o) => o.redaction)
  const failure = (env: Record<string, string>) =>
    Effect.map(
      Effect.exit(Foundation.resolve({}).pipe(withEnv(env))),
      (exit) => (Exit.isFailure(exit) ? String(exit.cause) : "succeeded")
    )

  it.effect("PROVIDE_LOG_SANITIZATION_ENABLED: on by default, every boolean spelling, bad values name the variable", () =>
    Effect.gen(function*() {
      expect(yield* redaction({})).toEqual({ enabled: true })
      for (const v of ["false", "0", "no", "OFF"]) {
        expect((yield* redaction({ PROVIDE_LOG_SANITIZATION_ENABLED: v }))?.enabled).toBe(false)
      }
      for (const v of ["true", "1", "yes", "On"]) {
        expect((yield* redaction({ PROVIDE_LOG_SANITIZATION_ENABLED: v }))?.enabled).toBe(true)
      }
      const message = yield* failure({ PROVIDE_LOG_SANITIZATION_ENABLED: "maybe" })
      expect(message).toContain("PROVIDE_LOG_SANITIZATION_ENABLED")
      expect(message).toContain("\"maybe\"")
      expect(message).toContain("true, false, 1, 0, yes, no, on, off")
    }))

  it.effect("PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED: the built-in string scan", () =>
    Effect.gen(function*() {
      expect(yield* redaction({ PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED: "off" })).toEqual({
        enabled: true,
        builtinPatterns: false
      })
      expect(yield* redaction({ PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED: "1" })).toEqual({
        enabled: true,
        builtinPatterns: true
      })
      const message = yield* failure({ PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED: "sometimes" })
      expect(message).toContain("PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED")
      expect(message).toContain("\"sometimes\"")
      expect(message).toContain("true, false, 1, 0, yes, no, on, off")
    }))

  it.effect("PROVIDE_LOG_SANITIZATION_KEYS / _REMOVE_KEYS: comma-separated names, bad names rejected", () =>
    Effect.gen(function*() {
      expect(
        yield* redaction({
          PROVIDE_LOG_SANITIZATION_KEYS: "pin, otp_code,,X-Session-Key",
          PROVIDE_LOG_SANITIZATION_REMOVE_KEYS: "session"
        })
      )
        .toEqual({ enabled: true, keys: ["pin", "otp_code", "X-Session-Key"], removeKeys: ["session"] })
      const message = yield* failure({ PROVIDE_LOG_SANITIZATION_KEYS: "pin,bad key" })
      expect(message).toContain("PROVIDE_LOG_SANITIZATION_KEYS")
      expect(message).toContain("\"pin,bad key\"")
      expect(message).toContain("comma-separated key names")
      expect(yield* failure({ PROVIDE_LOG_SANITIZATION_REMOVE_KEYS: "a=b" })).toContain(
        "PROVIDE_LOG_SANITIZATION_REMOVE_KEYS"
      )
    }))

  it.effect("the environment reaches the logger: keys added and disabled redaction", () =>
    Effect.gen(function*() {
      const opts = yield* Foundation.resolve({ format: "key_value", loggerNameEmoji: false }).pipe(
        withEnv({ PROVIDE_LOG_SANITIZATION_KEYS: "pin" })
      )
      const lines: Array<string> = []
      yield* Log.info("m", { pin: "1234", password: "p" }).pipe(
        Effect.provide(EmojiLogger.layer(opts, (l) => lines.push(l)))
      )
      expect(lines).toEqual([`m pin=${R} password=${R}\n`])
    }))
})

/** `program` under `Foundation.layer` (sink target "console", captured with `Effect.withConsole`) and `env`. */
describe("Redaction end to end: Foundation.layer, console sink", () => {
  const program = Effect.gen(function*() {
    yield* Log.bind({ api_key: "k1" }).info("login password=hunter2", {
      user: "bob",
      headers: { Authorization: "Bearer abc123def456", accept: "*/*" },
      pass: Redacted.make("p")
    }).pipe(Log.withContext({ session: "s1" }))
  })
  const E = "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\""

  it.effect("console and JSON, redaction on (default)", () =>
    Effect.gen(function*() {
      expect(yield* viaFoundation("key_value", program, quietNames, {})).toEqual([
        `login password=${R} session=${R} api_key=${R} user=bob headers="{\\"Authorization\\":\\"${R}\\",\\"accept\\":\\"*/*\\"}" pass=<redacted>`
      ])
      expect(yield* viaFoundation("json", program, quietNames, {})).toEqual([
        E +
        `,"message":"login password=${R}","session":"${R}","api_key":"${R}","user":"bob","headers":{"Authorization":"${R}","accept":"*/*"},"pass":"<redacted>"}`
      ])
    }))

  it.effect("PROVIDE_LOG_SANITIZATION_ENABLED=false: keys and patterns shown, Redacted still hidden", () =>
    Effect.gen(function*() {
      expect(yield* viaFoundation("json", program, quietNames, { PROVIDE_LOG_SANITIZATION_ENABLED: "false" })).toEqual([
        E +
        `,"message":"login password=hunter2","session":"s1","api_key":"k1","user":"bob","headers":{"Authorization":"Bearer abc123def456","accept":"*/*"},"pass":"<redacted>"}`
      ])
    }))
})

// --- a sensitive key hides its whole value, whatever its type -------------------------------------------------------

const cause = (c: Cause.Cause<unknown>, options: Omit<EmojiLogger.Options, "format"> = {}) =>
  EmojiLogger.formatConsole({ timestamp: at, level: "error", message: "m", fields: {}, cause: c }, {
    loggerNameEmoji: false,
    ...options
  })
    .slice(0, -1)

/** A class whose `toString` shows its secret (what Effect's `Cause.pretty` would print). */
class Creds {
  constructor(readonly user: string, readonly password: string) {}
  toString() {
    return `Creds(${this.user}, ${this.password})`
  }
}

/** One record as an OTLP logRecord, attributes as a plain object. */
const otlpAttributes = (
  fields: Record<string, unknown>,
  c: Cause.Cause<unknown> = Cause.empty,
  redaction?: RedactionOptions
) => {
  const rec = toLogRecord(
    recordOfInput({
      timestamp: at,
      level: "error",
      message: "m",
      loggerName: undefined,
      fields,
      error: undefined,
      cause: c
    }),
    undefined,
    new Renderer(makeRedactor(redaction), defaultLimits)
  )
  return Object.fromEntries(rec.attributes.map((a) => [a.key, a.value])) as Record<string, any>
}

describe("Redaction: a sensitive key hides its whole value inside text", () => {
  const r = makeRedactor()
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["password: [\"hunter2\"]", `password: ${R}`],
    ["{\"password\":[\"hunter2\",\"x\"],\"user\":\"bob\"}", `{"password":${R},"user":"bob"}`],
    ["{\"password\":{\"a\":\"b]}\",\"c\":[1,{\"d\":2}]},\"n\":1}", `{"password":${R},"n":1}`],
    ["{\"password\":12345,\"x\":1}", `{"password":${R},"x":1}`],
    ["{\"token\": null, \"x\": true}", `{"token": ${R}, "x": true}`],
    ["{password: ['hunter2'], user: 'bob'}", `{password: ${R}, user: 'bob'}`],
    ["password=[abc def", `password=${R}`],
    // JSON inside a JSON string (an SQS body, a webhook payload): the escaped quotes delimit the value
    [
      "{\"body\":\"{\\\"password\\\":\\\"hun\\\\\\\"ter2\\\",\\\"n\\\":1}\"}",
      `{"body":"{\\"password\\":\\"${R}\\",\\"n\\":1}"}`
    ],
    ["{\"body\":\"{\\\"token\\\":[\\\"a]\\\",\\\"b\\\"],\\\"n\\\":1}\"}", `{"body":"{\\"token\\":${R},\\"n\\":1}"}`],
    ["{\"body\":\"{\\\"secret\\\":42,\\\"n\\\":1}\"}", `{"body":"{\\"secret\\":${R},\\"n\\":1}"}`]
  ]
  for (const [input, expected] of cases) {
    it(input, () => {
      expect(r.maskString(input)).toBe(expected)
    })
  }

  it("field values, messages and error messages carrying such text", () => {
    expect(consoleLine({ note: "password: [\"hunter2\"]" }, "got {\"token\":{\"v\":\"t0k\"}}")).toBe(
      `got {"token":${R}} note="password: ${R}"`
    )
    const json = jsonLine({ e: new Error("bad config {\"password\":[\"hunter2\"]}") })
    expect(json.includes("hunter2")).toBe(false)
  })

  it.effect("Effect.log with an object or array in the message", () =>
    Effect.gen(function*() {
      yield* Effect.logInfo("login", { user: "bob", password: ["hunter2"] }, [{ token: 42 }])
      const [line] = yield* TestLog.lines
      // a plain object becomes fields, an array joins the message (Effect's multi-argument rule)
      expect(line).toBe(`[▶️] login [{"token":"${R}"}] user=bob password=${R}`)
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Redaction: a Cause is rendered through the redacting walk", () => {
  it("console: a plain-object failure with a password (array, number, nested) is one line, keys redacted", () => {
    expect(cause(Cause.fail({ user: "bob", password: ["hunter2"], nested: { token: 12345 } }))).toBe(
      `🔥 ERROR m cause="Error: {\\"user\\":\\"bob\\",\\"password\\":\\"${R}\\",\\"nested\\":{\\"token\\":\\"${R}\\"}}"`
    )
    expect(cause(Cause.fail({ password: 12345 }))).toBe(`🔥 ERROR m cause="Error: {\\"password\\":\\"${R}\\"}"`)
  })

  it("console: a toString that shows a secret is not used; an Error's cause chain is walked too", () => {
    const line = cause(Cause.fail(new Creds("bob", "hunter2")))
    expect(line).toBe(`🔥 ERROR m cause="Error: {\\"user\\":\\"bob\\",\\"password\\":\\"${R}\\"}"`)
    const err = new Error("outer", { cause: { password: "hunter2", code: 7 } })
    err.stack = "Error: outer\n    at f (x.ts:1:1)"
    expect(cause(Cause.die(err))).toBe(
      `🔥 ERROR m cause="Error: outer\\n    at f (x.ts:1:1) {\\n  [cause]: Error: {\\"password\\":\\"${R}\\",\\"code\\":7}\\n}"`
    )
    const seq = cause(Cause.sequential(Cause.fail("first"), Cause.die(new Creds("u", "hunter2"))))
    expect(seq).toBe(`🔥 ERROR m cause="Error: first\\nError: {\\"user\\":\\"u\\",\\"password\\":\\"${R}\\"}"`)
    expect(cause(Cause.interrupt(FiberId.none))).toBe("🔥 ERROR m cause=\"All fibers interrupted without errors.\"")
  })

  it("OTLP: effect.cause and exception.message attributes", () => {
    const a = otlpAttributes({ user: "bob" }, Cause.fail({ password: ["hunter2"], n: 1 }))
    // a string, as the semantic conventions define exception.message: the value's redacted JSON
    expect(a["exception.message"]).toEqual({ stringValue: `{"password":"${R}","n":1}` })
    expect(a["effect.cause"]).toEqual({ stringValue: `Error: {"password":"${R}","n":1}` })
    expect(JSON.stringify(otlpAttributes({}, Cause.die(new Creds("u", "hunter2"))))).not.toContain("hunter2")
  })
})

// --- linear time on hostile input ------------------------------------------------------------------------------------

describe("Redaction: linear time on 1 MB hostile inputs (a regression hangs until the test timeout)", () => {
  const MB = 1 << 20
  const r = makeRedactor()
  const fill = (unit: string, tail = "") => unit.repeat(Math.ceil(MB / unit.length)) + tail
  const cases: ReadonlyArray<readonly [string, string, (out: string) => void]> = [
    ["a long capital run before =", fill("A", "KEY=x"), (out) => expect(out.endsWith("KEY=x")).toBe(true)],
    [
      "a long capital run ending in a sensitive word",
      fill("A", "_API_KEY=x"),
      (out) => expect(out.endsWith(`_API_KEY=${R}`)).toBe(true)
    ],
    ["a long camelCase key", fill("aB", "Password=x"), (out) => expect(out.endsWith(`Password=${R}`)).toBe(true)],
    ["many = separators", fill("a="), (out) => expect(out.length).toBe(fill("a=").length)],
    ["many : separators", fill(":"), (out) => expect(out.length).toBe(fill(":").length)],
    ["many sensitive pairs", "password=x ".repeat(MB / 8), (out) => expect(out).toBe(`password=${R} `.repeat(MB / 8))],
    ["many token: prefixes", fill("token:"), (out) => expect(out).toBe(`token:${R}`)],
    [
      "many -----BEGIN without END",
      fill("-----BEGIN RSA PRIVATE KEY-----\n"),
      (out) => expect(out).toBe(`-----BEGIN RSA PRIVATE KEY-----${R}`)
    ],
    ["many bare -----BEGIN", fill("-----BEGIN "), (out) => expect(out).toBe(fill("-----BEGIN "))],
    ["many eyJ prefixes", fill("eyJ"), (out) => expect(out).toBe(fill("eyJ"))],
    [
      "many eyJ segments",
      fill("eyJhbGciOi."),
      (out) => expect(out.split(R).length - 1).toBe(Math.floor(fill("eyJhbGciOi.").length / 33))
    ],
    ["many JWTs", "eyJhbGciOi.eyJzdWIiOi.sig ".repeat(MB / 16), (out) => expect(out).toBe(`${R} `.repeat(MB / 16))],
    ["many Bearer words", fill("Bearer "), (out) => expect(out).toBe(fill("Bearer "))],
    [
      "Bearer and a long blank run",
      "Bearer" + " ".repeat(MB) + "x",
      (out) => expect(out).toBe("Bearer" + " ".repeat(MB) + "x")
    ],
    ["a long run of key characters", fill("a-_.", "=x"), (out) => expect(out.endsWith("=x")).toBe(true)],
    [
      "a long separator run before a key",
      fill("_", "password=x"),
      (out) => expect(out.endsWith(`password=${R}`)).toBe(true)
    ],
    ["many URL schemes", fill("a://"), (out) => expect(out).toBe(fill("a://"))],
    [
      "a URL with a huge user part",
      "https://u:" + "p".repeat(MB) + "@host/",
      (out) => expect(out).toBe(`https://u:${R}@host/`)
    ],
    [
      "an opening bracket after a key, never closed",
      "password=" + fill("[{\""),
      (out) => expect(out).toBe(`password=${R}`)
    ],
    ["escaped JSON, never closed", "{\"password\":\\\"" + fill("\\"), (out) => expect(out.includes("\\\\")).toBe(false)]
  ]
  for (const [name, input, check] of cases) {
    it(name, () => {
      check(r.maskString(input))
    })
  }

  it("a 1 MB key (keys are never cut before the check): judged by its trailing words", () => {
    const big = "A".repeat(MB)
    expect(consoleLine({ [big + "Key"]: "v", [big + "_password"]: "hunter2" }).includes("hunter2")).toBe(false)
    expect(consoleLine({ [big + "Key"]: "v4lue" }).endsWith("=v4lue")).toBe(true)
    const words = "aB".repeat(MB / 2)
    expect(jsonLine({ [words + "Token"]: "t0k", [words]: "kept" })).toContain(`"${R}"`)
  })
})

// --- more secrets: URL credentials, Bearer, compound and plural keys ----------------------------------------------------

describe("Redaction: URL credentials, Bearer tokens, more key names", () => {
  const r = makeRedactor()
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["https://user:pass@host/path", `https://user:${R}@host/path`],
    [
      "connect postgres://app:s3cr3t@db.internal:5432/main failed",
      `connect postgres://app:${R}@db.internal:5432/main failed`
    ],
    ["redis://:hunter2@cache:6379", `redis://:${R}@cache:6379`],
    ["https://u:p@ss@host/x?y=1", `https://u:${R}@host/x?y=1`],
    ["https://user@host/path", "https://user@host/path"],
    ["https://host/path?email=a@b.c", "https://host/path?email=a@b.c"],
    ["mailto:bob@example.com", "mailto:bob@example.com"],
    ["Bearer abc123", `Bearer ${R}`],
    ["sent Bearer x-9 now", `sent Bearer ${R} now`],
    ["Bearer AbCdEf", `Bearer ${R}`],
    ["Authorization: Bearer abc", `Authorization: Bearer ${R}`],
    ["authorization=Bearer abcdef", `authorization=Bearer ${R}`],
    ["Bearer of bad news", "Bearer of bad news"],
    ["the Bearer token was missing.", "the Bearer token was missing."],
    ["Bearer Token", "Bearer Token"],
    ["bearer bonds.", "bearer bonds."]
  ]
  for (const [input, expected] of cases) {
    it(input, () => {
      expect(r.maskString(input)).toBe(expected)
    })
  }

  it("custom patterns: only the `secret` group is masked even when its text repeats", () => {
    const c = makeRedactor({ patterns: [/(?<id>\d+)-(?<secret>\d+)/] })
    expect(c.maskString("pair 12-12 and 7-8")).toBe(`pair 12-${R} and 7-${R}`)
  })

  it("compound and plural key names", () => {
    const redacted = [
      "passwordHash",
      "password_hash",
      "hashedPassword",
      "secrets",
      "credential",
      "client_credentials",
      "privateKey",
      "apiKeys",
      "api_keys",
      "passwords",
      "accessTokens",
      "cookies",
      "jwt",
      "token_value",
      "secret_b64",
      "db_password_encrypted"
    ]
    for (const k of redacted) {
      expect(jsonLine({ [k]: "v4lue" }), k).toBe(`{${TS},"level":"info","message":"m",${JSON.stringify(k)}:"${R}"}`)
    }
    const kept = [
      "token_count",
      "max_tokens",
      "tokens",
      "session_id",
      "password_reset",
      "password_length",
      "hash",
      "value",
      "cookies_enabled",
      "credentials_expire_at"
    ]
    for (const k of kept) {
      expect(jsonLine({ [k]: "v4lue" }), k).toBe(`{${TS},"level":"info","message":"m",${JSON.stringify(k)}:"v4lue"}`)
    }
  })
})

// --- removeKeys: the key and its value leave the record, nothing is un-redacted --------------------------------------

describe("Redaction: removeKeys removes, never un-redacts", () => {
  const redaction = { removeKeys: ["session", "internal_id"] }

  it("console and JSON: gone at any depth (objects, arrays, Maps, error fields); defaults still redacted", () => {
    const err = Object.assign(new Error("boom"), { internal_id: 7, code: 1 })
    const fields = {
      session: "s3ss",
      internal_id: 1,
      user: "bob",
      password: "p",
      req: { internalId: 2, list: [{ INTERNAL_ID: 3, ok: true }], m: new Map([["internal-id", 4], ["k", 5]]) },
      e: err
    }
    expect(consoleLine(fields, "m", { redaction }).replace(/\\"stack\\":\\"[^"]*\\",/, "")).toBe(
      `m user=bob password=${R} req="{\\"list\\":[{\\"ok\\":true}],\\"m\\":{\\"k\\":5}}" e="{\\"name\\":\\"Error\\",\\"message\\":\\"boom\\",\\"code\\":1}"`
    )
    const json = JSON.parse(jsonLine(fields, "m", { redaction }))
    delete json.e.stack
    expect(json).toEqual({
      timestamp: "2026-01-02T03:04:05.000Z",
      level: "info",
      message: "m",
      user: "bob",
      password: R,
      req: { list: [{ ok: true }], m: { k: 5 } },
      e: { name: "Error", message: "boom", code: 1 }
    })
  })

  it("a default key listed in removeKeys is removed, not printed; in strings its value is masked", () => {
    const all = { removeKeys: [...defaultKeys] }
    expect(
      consoleLine({ password: "hunter2", token: "t", user: "u" }, "password=hunter2 internal_id=9", { redaction: all })
    )
      .toBe(`password=${R} internal_id=9 user=u`)
    expect(consoleLine({}, "session=abc internal_id=9", { redaction })).toBe(`session=${R} internal_id=${R}`)
  })

  it.effect("bound fields, context and annotations too (TestLog lines)", () =>
    Effect.gen(function*() {
      yield* Log.bind({ internal_id: 1, a: 1 }).info("x", { b: 2 }).pipe(Log.withContext({ session: "s", c: 3 }))
      yield* Effect.logInfo("y").pipe(Effect.annotateLogs("INTERNAL_ID", 9))
      expect((yield* TestLog.lines).map((l) => l.replace(/^\[[^\]]*\] /, ""))).toEqual(["x c=3 a=1 b=2", "y"])
    }).pipe(Effect.provide(TestLog.layer({ redaction }))))

  it("error parts are keys like any other: removeKeys: [\"stack\"] drops stacks (console stack=, JSON error.stack)", () => {
    const err = new Error("bad")
    err.stack = "Error: bad\n    at f (x.ts:1:1)"
    const record = { timestamp: at, level: "error" as const, message: "m", error: err }
    const options = { loggerNameEmoji: false, redaction: { removeKeys: ["stack"] } }
    expect(EmojiLogger.formatConsole(record, options)).toBe("🔥 ERROR m error=\"Error: bad\"\n")
    expect(EmojiLogger.formatConsole(record, { loggerNameEmoji: false })).toBe(
      "🔥 ERROR m error=\"Error: bad\" stack=\"Error: bad\\n    at f (x.ts:1:1)\"\n"
    )
    expect(JSON.parse(EmojiLogger.formatJson(record, options)).error).toEqual({ name: "Error", message: "bad" })
  })

  it("OTLP attributes", () => {
    expect(
      otlpAttributes(
        { session: "s", internal_id: 1, user: "u", password: "p", o: { internal_id: 2, k: 1 } },
        Cause.empty,
        redaction
      )
    ).toEqual({
      user: { stringValue: "u" },
      password: { stringValue: R },
      o: { kvlistValue: { values: [{ key: "k", value: { intValue: "1" } }] } }
    })
  })

  it("enabled: false is the one switch that shows values; removed keys stay removed", () => {
    expect(
      consoleLine({ password: "hunter2", internal_id: 1 }, "m", {
        redaction: { enabled: false, removeKeys: ["internal_id"] }
      })
    )
      .toBe("m password=hunter2")
  })

  it.effect("PROVIDE_LOG_SANITIZATION_REMOVE_KEYS=session,internal_id through Foundation.layer", () =>
    Effect.gen(function*() {
      const program = Log.info("m", { session: "s1", internal_id: 5, token: "t", user: "bob" })
      expect(
        yield* viaFoundation("json", program, quietNames, {
          PROVIDE_LOG_SANITIZATION_REMOVE_KEYS: "session,internal_id"
        })
      )
        .toEqual([
          `{"timestamp":"1970-01-01T00:00:00.000Z","level":"info","message":"m","token":"${R}","user":"bob"}`
        ])
    }))
})

// --- issue 19 item 4: gaps found by the second adversarial run ----------------------------------------------------

describe("Redaction of numbered and confirmation fields, URL passwords, DSNs, pairs, flags and long strings", () => {
  const r = makeRedactor()

  it("form-field key names: numbered, confirmation and encoding suffixes", () => {
    const keys = [
      "password1",
      "password2",
      "password_2",
      "password_confirmation",
      "passwordConfirm",
      "credentials_json",
      "private_key_pem"
    ]
    const fields = Object.fromEntries(keys.map((k, i) => [k, `planted${i}`]))
    const line = consoleLine(fields)
    const json = jsonLine(fields)
    const leaked = keys.filter((_, i) => line.includes(`planted${i}`) || json.includes(`planted${i}`))
    expect(leaked, `${leaked.length} of ${keys.length} keys leaked: ${line}`).toEqual([])
    for (const k of keys) expect(r.classifyKey(k), k).toBe(REDACT)
    const text = keys.map((k, i) => `${k}=planted${i}`).join(" ")
    expect(r.maskString(text)).toBe(keys.map((k) => `${k}=${R}`).join(" "))
    // ordinary keys stay
    for (const k of ["v2", "ipv4", "page1", "token_count", "password_reset", "json", "pem", "confirm"]) {
      expect(r.classifyKey(k), k).toBe(KEEP)
    }
  })

  const cases: ReadonlyArray<readonly [string, string]> = [
    ["https://user:pa/ss@host/x", `https://user:${R}@host/x`],
    ["https://user:p#ss@host/x", `https://user:${R}@host/x`],
    ["https://user:p?ss@host/x", `https://user:${R}@host/x`],
    ["mysql://root:a/b#c@db:3306/app", `mysql://root:${R}@db:3306/app`],
    ["dsn user:gopw@tcp(db:3306)/app", `dsn user:${R}@tcp(db:3306)/app`],
    ["app:pw@unix(/tmp/mysql.sock)/db", `app:${R}@unix(/tmp/mysql.sock)/db`],
    ["password => hunter2", `password => ${R}`],
    ["{\"password\"=>\"hunter2\"}", `{"password"=>"${R}"}`],
    ["{:password=>\"hunter2\"}", `{:password=>"${R}"}`],
    ["run --password hunter2 --verbose", `run --password ${R} --verbose`],
    ["run --password \"hunter 2\" -v", `run --password "${R}" -v`],
    ["--db-password=hunter2", `--db-password=${R}`],
    // left alone
    ["https://host:8080/path?email=a@b.com", "https://host:8080/path?email=a@b.com"],
    ["https://host/path#a@b", "https://host/path#a@b"],
    ["email bob@tcp(x)", "email bob@tcp(x)"],
    ["run --password-reset now", "run --password-reset now"],
    ["run --verbose --password", "run --verbose --password"],
    ["a => b", "a => b"]
  ]
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input)}`, () => {
      expect(r.maskString(input)).toBe(expected)
    })
  }

  it("the new scans stay linear on 1 MB hostile inputs", () => {
    const MB = 1 << 20
    const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length))
    expect(r.maskString(fill("a://b:c/"))).toBe(fill("a://b:c/"))
    expect(r.maskString(fill("a://b:c/") + "@h")).toBe(`a://b:${R}@h`)
    expect(r.maskString(fill("a://b:1/x@y "))).toBe(fill("a://b:1/x@y "))
    expect(r.maskString(fill("x@tcp("))).toBe(fill("x@tcp("))
    expect(r.maskString(fill("u:p@tcp("))).toBe(`u:${R}@tcp(`.repeat(Math.ceil(MB / 8)))
    expect(r.maskString(fill("--password "))).toBe(fill("--password "))
    expect(r.maskString("--password x ".repeat(MB / 8))).toBe(`--password ${R} `.repeat(MB / 8))
    expect(r.maskString(fill("-"))).toBe(fill("-"))
    expect(r.maskString(fill("a1="))).toBe(fill("a1="))
    expect(r.maskString(fill("password1=x "))).toBe(`password1=${R} `.repeat(Math.ceil(MB / 12)))
  })

  it("a GitHub token cut by the 64 KiB limit is masked first, then cut", () => {
    const token = "ghp_" + "A1b2C3d4E5".repeat(4)
    for (const before of [10, 20, 30, 39]) {
      const value = "x".repeat(defaultLimits.maxStringLength - before) + " " + token + " tail"
      const line = consoleLine({ v: value })
      const json = jsonLine({ v: value })
      const prefix = token.slice(0, Math.min(before - 1, 8))
      expect(line.includes(prefix) || json.includes(prefix), `token prefix ${prefix} kept (cut ${before})`).toBe(false)
      expect(json).toContain("…[truncated ")
    }
  })

  it("logger names in JSON lines, span events and OTLP; log span labels in console and JSON", () =>
    Effect.runPromise(
      Effect.gen(function*() {
        const named = "svc password=namePW1 https://u:namePW2@h"
        const line = EmojiLogger.makeFormatter({ format: "json" })({
          timestamp: at,
          level: "info",
          message: "m",
          loggerName: named
        })
        expect(line).not.toContain("namePW1")
        expect(line).not.toContain("namePW2")
        const otlp = JSON.stringify(
          toLogRecord(
            recordOfInput({
              timestamp: at,
              level: "info",
              message: "m",
              loggerName: named,
              fields: {},
              error: undefined,
              cause: Cause.empty
            }),
            undefined,
            new Renderer(makeRedactor(), defaultLimits)
          )
        )
        expect(otlp).not.toContain("namePW1")
        expect(otlp).toContain("logger.name")
        const { events, tracer } = recordingTracer()
        yield* Log.named(named).info("in span").pipe(
          Effect.withSpan("s"),
          Effect.withTracer(tracer),
          Effect.provide(EmojiLogger.layer({}, () => {}))
        )
        expect(events).toHaveLength(1)
        expect(JSON.stringify(events[0]!.attributes)).not.toContain("namePW1")
        for (const format of ["key_value", "json"] as const) {
          const lines: Array<string> = []
          yield* Log.info("m").pipe(
            Effect.withLogSpan("op password=spanPW3"),
            Effect.provide(EmojiLogger.layer({ format }, (l) => lines.push(l)))
          )
          expect(lines).toHaveLength(1)
          expect(lines[0], format).not.toContain("spanPW3")
          expect(lines[0], format).toContain("op password=")
        }
      })
    ))
})
