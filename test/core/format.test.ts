/**
 * The console and JSON formatters of the Effect-free core, driven without Effect: each renders one `LogRecord` built
 * by hand (the context a core `Context`, the spans an array, a cause its failures and defects, the trace ids strings).
 */
import { describe, expect, it } from "vitest"
import { causeText } from "../../src/core/cause.js"
import * as emoji from "../../src/core/emoji.js"
import { makeFormatter } from "../../src/core/format.js"
import type { FormatOptions } from "../../src/core/formatter.js"
import {
  Binding,
  type CauseData,
  Context,
  emptyContext,
  type LogRecord,
  rootBinding,
  type Span
} from "../../src/core/record.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

const options = (over: Partial<FormatOptions> = {}): FormatOptions => ({
  format: "key_value",
  level: "info",
  moduleLevels: [],
  timestamps: false,
  colors: false,
  loggerNameEmoji: true,
  dasEmoji: true,
  serviceName: undefined,
  emoji: emoji.defaults,
  redactor: makeRedactor(),
  limits: defaultLimits,
  traceIds: false,
  ...over
})

const make = (over: Partial<FormatOptions> = {}, renderer?: Renderer) => {
  const o = options(over)
  return makeFormatter(o, renderer ?? new Renderer(o.redactor, o.limits))
}

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

const record = (over: Partial<LogRecord> & Pick<LogRecord, "message">): LogRecord => ({
  level: "info",
  time: T,
  binding: rootBinding,
  fields: undefined,
  error: undefined,
  context: emptyContext,
  spans: [],
  cause: undefined,
  traceId: undefined,
  spanId: undefined,
  ...over
})

/** An error with a fixed stack (a line's text does not depend on where the test runs). */
const errorWithStack = <E extends Error>(error: E, frame: string): E => {
  error.stack = `${error.name}: ${error.message}\n    at ${frame}`
  return error
}

const failAndDie = (): CauseData => ({
  reasons: [
    { kind: "fail", value: errorWithStack(Object.assign(new Error("x"), { order_id: 7 }), "charge (pay.ts:3:9)") },
    { kind: "die", value: { code: 42, password: "p" } }
  ],
  interrupted: false
})

describe("core formatters", () => {
  it("console: level marker, name emoji, context in its order then bound then call fields, spans, redaction", () => {
    const f = make()
    const line = f.format(record({
      level: "warning",
      message: "slow\nstep",
      binding: new Binding("worker.alpha", { job: 7 }),
      fields: { password: "p", ms: 12 },
      context: new Context(["request_id", "attempt"], ["r-1", 2]),
      spans: [{ label: "inner", startTime: T - 5 }, { label: "outer", startTime: T - 12 }]
    }))
    expect(line).toBe(
      "⚠️ WARN [👷] slow\\nstep request_id=r-1 attempt=2 job=7 password=[REDACTED] ms=12 inner=5ms outer=12ms\n"
    )
  })

  it("JSON: context in its order, spans, fields; reserved keys moved under fields.", () => {
    const f = make({ format: "json" })
    const line = f.format(record({
      message: "done",
      binding: new Binding("http", { level: "forged" }),
      fields: { n: 1, skip: undefined },
      context: new Context(["zeta", "alpha", "token"], ["z", "a", "t"]),
      spans: [{ label: "inner", startTime: T - 5 }, { label: "outer", startTime: T - 12 }]
    }))
    expect(line).toBe(
      "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"info\",\"message\":\"done\",\"logger_name\":\"http\"," +
        "\"zeta\":\"z\",\"alpha\":\"a\",\"token\":\"[REDACTED]\",\"fields.level\":\"forged\",\"n\":1," +
        "\"spans\":{\"inner\":5,\"outer\":12}}\n"
    )
  })

  it("console: a cause with a failure and a defect: the failure's fields, then the text of both, in order", () => {
    const line = make().format(record({ level: "error", message: "failed", cause: failAndDie() }))
    expect(line).toBe(
      "🔥 ERROR [▶️] failed error.order_id=7 cause=\"Error: x\\n    at charge (pay.ts:3:9)\\n" +
        "Error: {\\\"code\\\":42,\\\"password\\\":\\\"[REDACTED]\\\"}\"\n"
    )
  })

  it("JSON: a cause with a failure and a defect as data; an interruption alone", () => {
    const f = make({ format: "json" })
    const parsed = JSON.parse(f.format(record({ level: "error", message: "failed", cause: failAndDie() })))
    expect(parsed.cause).toEqual({
      failures: [{ name: "Error", message: "x", stack: "Error: x\n    at charge (pay.ts:3:9)", order_id: 7 }],
      defects: [{ code: 42, password: "[REDACTED]" }]
    })
    const interrupted = JSON.parse(f.format(record({ message: "m", cause: { reasons: [], interrupted: true } })))
    expect(interrupted.cause).toEqual({ interrupted: true })
    const text = causeText(new Renderer(makeRedactor()), { reasons: [], interrupted: true })
    expect(text).toBe("All fibers interrupted without errors.")
  })

  it("a cause's text: the chain as [cause]: blocks, and the binding's stack layout through errorStack", () => {
    class Tagged extends Renderer {
      override errorStack(name: string, message: string, _stack: string, value: unknown): string {
        return `<${name}|${message}|${value instanceof Error ? "error" : typeof value}>`
      }
    }
    const inner = errorWithStack(new Error("inner"), "db (db.ts:1:1)")
    const outer = errorWithStack(new TypeError("outer", { cause: inner }), "api (api.ts:2:2)")
    const cause: CauseData = { reasons: [{ kind: "die", value: outer }], interrupted: false }
    expect(causeText(new Renderer(makeRedactor()), cause)).toBe(
      "TypeError: outer\n    at api (api.ts:2:2) {\n  [cause]: Error: inner\n      at db (db.ts:1:1)\n}"
    )
    expect(causeText(new Tagged(makeRedactor()), cause)).toBe(
      "<TypeError|outer|error> {\n  [cause]: <Error|inner|error>\n}"
    )
    const line = make({}, new Tagged(makeRedactor())).format(record({ message: "m", cause }))
    expect(line).toBe("[▶️] m cause=\"<TypeError|outer|error> {\\n  [cause]: <Error|inner|error>\\n}\"\n")
  })

  it("console: DAS fields choose the emoji; an error shows its fields and chain; the cause then only its text", () => {
    const error = Object.assign(new TypeError("bad", { cause: new Error("inner") }), { code: "E1" })
    const line = make().format(record({
      level: "error",
      message: "failed",
      fields: { domain: "database" },
      error,
      cause: { reasons: [{ kind: "fail", value: "x" }], interrupted: false }
    }))
    expect(
      line.startsWith(
        "🔥 ERROR [🗄️] failed domain=database error=\"TypeError: bad\" error.code=E1 cause=\"Error: inner\""
      )
    ).toBe(true)
    expect(line.endsWith(" cause=\"Error: x\"\n")).toBe(true)
  })

  it("trace ids: JSON's trace_id / span_id, the console's short form; only with the option", () => {
    const ids = { traceId: "0123456789abcdef0123456789abcdef", spanId: "fedcba9876543210" }
    const json = make({ format: "json", traceIds: true })
    const first = JSON.parse(json.format(record({ message: "a", ...ids })))
    const second = JSON.parse(json.format(record({ message: "b", traceId: ids.traceId, spanId: undefined })))
    const third = JSON.parse(json.format(record({ message: "c", ...ids })))
    expect([first, second, third].map((p) => [p.trace_id, p.span_id])).toEqual([
      [ids.traceId, ids.spanId],
      [ids.traceId, undefined],
      [ids.traceId, ids.spanId]
    ])
    expect(make({ traceIds: true }).format(record({ message: "m", ...ids }))).toBe(
      "[▶️] m trace=01234567 span=fedcba98\n"
    )
    expect(make({ traceIds: true }).format(record({ message: "m", traceId: "0".repeat(16) + "89abcdef01234567" })))
      .toBe("[▶️] m trace=89abcdef\n")
    expect(make().format(record({ message: "m", ...ids }))).toBe("[▶️] m\n")
  })

  it("a context is prepared once seen twice, and a changed context is rendered again", () => {
    const f = make()
    const a = new Context(["k"], [1])
    const b = new Context(["k"], [2])
    const lines = [a, b, a, b, emptyContext].map((context) => f.format(record({ message: "m", context })))
    expect(lines).toEqual(["[▶️] m k=1\n", "[▶️] m k=2\n", "[▶️] m k=1\n", "[▶️] m k=2\n", "[▶️] m\n"])
  })

  it("a binding is prepared once per formatter, and module levels give its threshold", () => {
    const f = make({ format: "json", moduleLevels: [["db", "warning"], ["db.pool", "debug"]] })
    const pool = new Binding("db.pool.main", { size: 4 })
    const spans: ReadonlyArray<Span> = []
    for (let i = 0; i < 100; i++) f.format(record({ message: "q", binding: pool, spans }))
    expect([f.preparedCount, f.moduleThreshold(pool), f.moduleLevel("db.x"), f.moduleLevel("dbx")]).toEqual([
      1,
      10000,
      "warning",
      undefined
    ])
  })

  it("the last resort keeps the level and the message, in each format", () => {
    expect(make().fallback("error", T, "kept", "bad")).toBe("🔥 ERROR kept error=\"unformattable record: bad\"\n")
    expect(JSON.parse(make({ format: "json" }).fallback("info", T, 42, "bad"))).toEqual({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "info",
      message: "[Unrenderable message]",
      error: "unformattable record: bad"
    })
  })
})
