/**
 * The golden lines both bindings are held to: a table of log calls, each with the console line and the JSON line it
 * must produce, byte for byte. `test/GoldenLines.test.ts` runs it against the package root (effect 3) and
 * `test/effect4/GoldenLines.test.ts` against `effect-foundation/effect4` (effect 4), so the two lines cannot drift.
 *
 * Effect-free on purpose (this file resolves `effect` to effect 3): each binding's test hands `program` its own `Log`
 * module and its own `Effect.log*` call, and runs the result with `EmojiLogger.layer(options(format), write)` and
 * the clock at 0.
 */

/** Level names, as `Log` spells them. */
export type Level = "trace" | "debug" | "info" | "warning" | "error" | "critical"

type Fields = Readonly<Record<string, unknown>>

/** One log call: how it is made, and the lines it must produce (without the final `"\n"`). */
export interface GoldenCase {
  readonly name: string
  /** `log`: `Log.<level>(message, fields)`; `exception`: `Log.exception(message, error, fields)`; `effect`: `Effect.log<Level>(message)` with `annotations` through `Effect.annotateLogs`. */
  readonly via: "log" | "exception" | "effect"
  readonly level: Level
  readonly message: string
  readonly fields?: Fields
  /** `Log.named(logger)` */
  readonly logger?: string
  /** `.bind(bound)` */
  readonly bound?: Fields
  /** `Log.withContext(context)` around the call */
  readonly context?: Fields
  /** `Effect.annotateLogs(annotations)` around the call */
  readonly annotations?: Fields
  /** For `exception`: made fresh per run */
  readonly error?: () => unknown
  /** For `effect`: the arguments in place of `message` (made fresh per run) */
  readonly args?: () => ReadonlyArray<unknown>
  readonly console: string
  readonly json: string
}

/** The logger options of every case: no colours, no timestamp on the console, every level on. */
export const options = (format: "key_value" | "json") =>
  ({ format, colors: false, timestamps: false, level: "trace" }) as const

/** The structural `Log` both bindings' modules satisfy, over their own Effect type `E`. */
export interface LogLike<E> {
  readonly trace: (message: string, fields?: Fields) => E
  readonly debug: (message: string, fields?: Fields) => E
  readonly info: (message: string, fields?: Fields) => E
  readonly warning: (message: string, fields?: Fields) => E
  readonly error: (message: string, fields?: Fields) => E
  readonly critical: (message: string, fields?: Fields) => E
  readonly exception: (message: string, error: unknown, fields?: Fields) => E
  readonly bind: (fields: Fields) => LogLike<E>
  readonly named: (name: string) => LogLike<E>
}

/** What a binding's test supplies. */
export interface Binding<E> {
  readonly Log: LogLike<E>
  readonly withContext: (fields: Fields) => (self: E) => E
  readonly annotateLogs: (fields: Fields) => (self: E) => E
  /** `Effect.logTrace` ... `Effect.logFatal` (critical) with these arguments */
  readonly effectLog: (level: Level, args: ReadonlyArray<unknown>) => E
}

/** The call a case describes, built with a binding's own modules. */
export const program = <E>(binding: Binding<E>, c: GoldenCase): E => {
  let log: LogLike<E> = binding.Log
  if (c.logger !== undefined) log = log.named(c.logger)
  if (c.bound !== undefined) log = log.bind(c.bound)
  let self = c.via === "effect"
    ? binding.effectLog(c.level, c.args?.() ?? [c.message])
    : c.via === "exception"
    ? log.exception(c.message, c.error?.(), c.fields)
    : log[c.level](c.message, c.fields)
  if (c.annotations !== undefined) self = binding.annotateLogs(c.annotations)(self)
  if (c.context !== undefined) self = binding.withContext(c.context)(self)
  return self
}

const error = (message: string, cause?: unknown) => {
  const e = cause === undefined ? new Error(message) : new Error(message, { cause })
  e.stack = `Error: ${message}\n    at f (x.ts:1:1)`
  return e
}

const T = "{\"timestamp\":\"1970-01-01T00:00:00.000Z\""

/** The table. */
export const cases: ReadonlyArray<GoldenCase> = [
  {
    name: "a message alone",
    via: "log",
    level: "info",
    message: "Main application starting, dispatching workers...",
    console: "[▶️] Main application starting, dispatching workers...",
    json: T + ",\"level\":\"info\",\"message\":\"Main application starting, dispatching workers...\"}"
  },
  {
    name: "trace",
    via: "log",
    level: "trace",
    message: "t",
    console: "👣 TRACE [▶️] t",
    json: T + ",\"level\":\"trace\",\"message\":\"t\"}"
  },
  {
    name: "debug",
    via: "log",
    level: "debug",
    message: "d",
    fields: { k: 1 },
    console: "🐞 DEBUG [▶️] d k=1",
    json: T + ",\"level\":\"debug\",\"message\":\"d\",\"k\":1}"
  },
  {
    name: "warning",
    via: "log",
    level: "warning",
    message: "slow query",
    fields: { ms: 1200 },
    console: "⚠️ WARN [▶️] slow query ms=1200",
    json: T + ",\"level\":\"warning\",\"message\":\"slow query\",\"ms\":1200}"
  },
  {
    name: "error",
    via: "log",
    level: "error",
    message: "Request failed",
    fields: { status: 500 },
    console: "🔥 ERROR [▶️] Request failed status=500",
    json: T + ",\"level\":\"error\",\"message\":\"Request failed\",\"status\":500}"
  },
  {
    name: "critical",
    via: "log",
    level: "critical",
    message: "down",
    console: "❌ CRITICAL [▶️] down",
    json: T + ",\"level\":\"critical\",\"message\":\"down\"}"
  },
  {
    name: "field values of every kind",
    via: "log",
    level: "info",
    message: "kinds",
    fields: {
      s: "plain",
      sp: "with space",
      q: "say \"hi\"",
      n: 1.5,
      neg: -3,
      b: true,
      nil: null,
      u: undefined,
      arr: [1, "x"],
      obj: { a: { b: 2 } },
      big: 10n,
      date: new Date(0),
      nan: Number.NaN
    },
    console:
      "[▶️] kinds s=plain sp=\"with space\" q=\"say \\\"hi\\\"\" n=1.5 neg=-3 b=true nil=null u=undefined arr=\"[1,\\\"x\\\"]\" obj=\"{\\\"a\\\":{\\\"b\\\":2}}\" big=10 date=1970-01-01T00:00:00.000Z nan=NaN",
    json: T +
      ",\"level\":\"info\",\"message\":\"kinds\",\"s\":\"plain\",\"sp\":\"with space\",\"q\":\"say \\\"hi\\\"\",\"n\":1.5,\"neg\":-3,\"b\":true,\"nil\":null,\"arr\":[1,\"x\"],\"obj\":{\"a\":{\"b\":2}},\"big\":\"10\",\"date\":\"1970-01-01T00:00:00.000Z\",\"nan\":\"NaN\"}"
  },
  {
    name: "a named logger's emoji",
    via: "log",
    level: "info",
    message: "Work complete",
    logger: "worker.bravo",
    fields: { duration_ms: 867, status: "success" },
    console: "[✅] Work complete duration_ms=867 status=success",
    json: T +
      ",\"level\":\"info\",\"message\":\"Work complete\",\"logger_name\":\"worker.bravo\",\"duration_ms\":867,\"status\":\"success\"}"
  },
  {
    name: "a dotted name",
    via: "log",
    level: "warning",
    message: "slow",
    logger: "db.pool",
    fields: { ms: 3 },
    console: "⚠️ WARN [🗄️] slow ms=3",
    json: T + ",\"level\":\"warning\",\"message\":\"slow\",\"logger_name\":\"db.pool\",\"ms\":3}"
  },
  {
    // A key given twice is written twice (docs/logging.md): a JSON parser keeps the later value.
    name: "bound fields, then the call's",
    via: "log",
    level: "info",
    message: "bound",
    logger: "api",
    bound: { request_id: "r1", user: "u" },
    fields: { user: "v", n: 2 },
    console: "[🔌] bound request_id=r1 user=u user=v n=2",
    json: T +
      ",\"level\":\"info\",\"message\":\"bound\",\"logger_name\":\"api\",\"request_id\":\"r1\",\"user\":\"u\",\"user\":\"v\",\"n\":2}"
  },
  {
    name: "context, bound and call fields",
    via: "log",
    level: "info",
    message: "ctx",
    bound: { b: 1 },
    context: { trace: "t1", tenant: "acme" },
    fields: { c: 3 },
    console: "[▶️] ctx trace=t1 tenant=acme b=1 c=3",
    json: T + ",\"level\":\"info\",\"message\":\"ctx\",\"trace\":\"t1\",\"tenant\":\"acme\",\"b\":1,\"c\":3}"
  },
  {
    name: "Domain-Action-Status emoji",
    via: "log",
    level: "info",
    message: "User logged in",
    fields: { domain: "auth", action: "login", status: "success" },
    console: "[🔑][➡️][✅] User logged in domain=auth action=login status=success",
    json: T +
      ",\"level\":\"info\",\"message\":\"User logged in\",\"domain\":\"auth\",\"action\":\"login\",\"status\":\"success\"}"
  },
  {
    name: "secrets redacted",
    via: "log",
    level: "info",
    message: "login",
    fields: { user: "bob", password: "hunter2", api_key: "k", token: "t" },
    console: "[▶️] login user=bob password=[REDACTED] api_key=[REDACTED] token=[REDACTED]",
    json: T +
      ",\"level\":\"info\",\"message\":\"login\",\"user\":\"bob\",\"password\":\"[REDACTED]\",\"api_key\":\"[REDACTED]\",\"token\":\"[REDACTED]\"}"
  },
  {
    name: "control characters, unicode, odd keys",
    via: "log",
    level: "info",
    message: "line1\nline2\ttab \u001b[31mred ✓",
    fields: { x: "a\nb", "odd key": "v", "k=v": 1 },
    console: "[▶️] line1\\nline2\\ttab \\u001b[31mred ✓ x=\"a\\nb\" \"odd key\"=v \"k=v\"=1",
    json: T +
      ",\"level\":\"info\",\"message\":\"line1\\nline2\\ttab \\u001b[31mred ✓\",\"x\":\"a\\nb\",\"odd key\":\"v\",\"k=v\":1}"
  },
  {
    name: "an empty message",
    via: "log",
    level: "info",
    message: "",
    console: "[▶️]",
    json: T + ",\"level\":\"info\",\"message\":\"\"}"
  },
  {
    name: "exception: the error's stack and cause chain",
    via: "exception",
    level: "error",
    message: "failed",
    error: () => error("outer", error("inner")),
    fields: { id: 7 },
    console:
      "🔥 ERROR [▶️] failed id=7 error=\"Error: outer\" cause=\"Error: inner\" stack=\"Error: outer\\n    at f (x.ts:1:1)\"",
    json: T +
      ",\"level\":\"error\",\"message\":\"failed\",\"id\":7,\"error\":{\"name\":\"Error\",\"message\":\"outer\",\"stack\":\"Error: outer\\n    at f (x.ts:1:1)\",\"cause\":{\"name\":\"Error\",\"message\":\"inner\",\"stack\":\"Error: inner\\n    at f (x.ts:1:1)\"}}}"
  },
  {
    name: "exception: not an Error",
    via: "exception",
    level: "error",
    message: "odd failure",
    error: () => ({ code: "E1" }),
    console: "🔥 ERROR [▶️] odd failure error=\"{\\\"code\\\":\\\"E1\\\"}\"",
    json: T + ",\"level\":\"error\",\"message\":\"odd failure\",\"error\":{\"code\":\"E1\"}}"
  },
  {
    name: "Effect.logInfo",
    via: "effect",
    level: "info",
    message: "plain effect",
    console: "[▶️] plain effect",
    json: T + ",\"level\":\"info\",\"message\":\"plain effect\"}"
  },
  {
    name: "Effect.logWarning with Effect.annotateLogs",
    via: "effect",
    level: "warning",
    message: "annotated",
    annotations: { req: "r1" },
    console: "⚠️ WARN [▶️] annotated req=r1",
    json: T + ",\"level\":\"warning\",\"message\":\"annotated\",\"req\":\"r1\"}"
  },
  {
    name: "Effect.logFatal",
    via: "effect",
    level: "critical",
    message: "fatal",
    console: "❌ CRITICAL [▶️] fatal",
    json: T + ",\"level\":\"critical\",\"message\":\"fatal\"}"
  },
  {
    name: "Effect.logDebug inside Log.withContext",
    via: "effect",
    level: "debug",
    message: "in context",
    context: { job: "j1" },
    console: "🐞 DEBUG [▶️] in context job=j1",
    json: T + ",\"level\":\"debug\",\"message\":\"in context\",\"job\":\"j1\"}"
  },
  {
    name: "Effect.log with several arguments",
    via: "effect",
    level: "info",
    message: "a 1 true",
    args: () => ["a", 1, true],
    console: "[▶️] a 1 true",
    json: T + ",\"level\":\"info\",\"message\":\"a 1 true\"}"
  },
  {
    name: "Effect.logError with an Error and a fields object",
    via: "effect",
    level: "error",
    message: "Request failed",
    args: () => ["Request failed", error("bad"), { status: 500 }],
    console: "🔥 ERROR [▶️] Request failed status=500 error=\"Error: bad\" stack=\"Error: bad\\n    at f (x.ts:1:1)\"",
    json: T +
      ",\"level\":\"error\",\"message\":\"Request failed\",\"status\":500,\"error\":{\"name\":\"Error\",\"message\":\"bad\",\"stack\":\"Error: bad\\n    at f (x.ts:1:1)\"}}"
  },
  {
    name: "secrets in bound fields and in the context",
    via: "log",
    level: "info",
    message: "call",
    logger: "client",
    bound: { api_key: "k-123" },
    context: { password: "p", user: "bob" },
    console: "[🙋] call password=[REDACTED] user=bob api_key=[REDACTED]",
    json: T +
      ",\"level\":\"info\",\"message\":\"call\",\"logger_name\":\"client\",\"password\":\"[REDACTED]\",\"user\":\"bob\",\"api_key\":\"[REDACTED]\"}"
  }
]
