/**
 * The OTLP record conversion of the Effect-free core, without Effect: one hand-built `LogRecord` as an OTLP
 * `logRecord` (severity, redacted body and attributes, `logger.name`, `exception.*` from the error or the cause's
 * first failure, `effect.cause`, trace and span ids with the sampled flag).
 */
import { describe, expect, it } from "vitest"
import { severity, toLogRecord } from "../../src/core/otlpRecord.js"
import { Binding, type CauseData, emptyContext, type LogRecord, rootBinding } from "../../src/core/record.js"
import { makeRedactor } from "../../src/core/redact.js"
import { Renderer } from "../../src/core/render.js"

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const renderer = new Renderer(makeRedactor())

const record = (over: Partial<LogRecord> = {}): LogRecord => ({
  level: "info",
  time: T,
  message: "hello",
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

const convert = (r: LogRecord, merged: Record<string, unknown> = {}, sampled = true) =>
  toLogRecord(r, merged, sampled, renderer)

/** An error with a fixed stack. */
const withStack = <E extends Error>(error: E, frame: string): E => {
  error.stack = `${error.name}: ${error.message}\n    at ${frame}`
  return error
}

const attrs = (r: ReturnType<typeof convert>) => Object.fromEntries(r.attributes.map((a) => [a.key, a.value]))

describe("core/otlpRecord", () => {
  it("maps each level to the first OTel severity number of its range and its text", () => {
    expect(severity).toEqual({
      trace: [1, "TRACE"],
      debug: [5, "DEBUG"],
      info: [9, "INFO"],
      warning: [13, "WARN"],
      error: [17, "ERROR"],
      critical: [21, "FATAL"]
    })
    expect(convert(record({ level: "critical" }))).toMatchObject({ severityNumber: 21, severityText: "FATAL" })
  })

  it("a plain record: times in nanoseconds, the body, the merged fields redacted and typed, no ids", () => {
    expect(convert(record(), { user: "ann", password: "p", n: 3, skip: undefined, nested: { ok: true } })).toEqual({
      timeUnixNano: "1767323045678000000",
      observedTimeUnixNano: "1767323045678000000",
      severityNumber: 9,
      severityText: "INFO",
      body: { stringValue: "hello" },
      attributes: [
        { key: "user", value: { stringValue: "ann" } },
        { key: "password", value: { stringValue: "[REDACTED]" } },
        { key: "n", value: { intValue: "3" } },
        { key: "nested", value: { kvlistValue: { values: [{ key: "ok", value: { boolValue: true } }] } } }
      ]
    })
  })

  it("a non-string message is its text; a named logger adds logger.name, replacing a field of that key in place", () => {
    const r = convert(record({ message: { a: 1 }, binding: new Binding("billing", undefined) }), {
      "logger.name": "forged",
      x: 1
    })
    expect(r.body).toEqual({ stringValue: "{\"a\":1}" })
    expect(r.attributes).toEqual([
      { key: "logger.name", value: { stringValue: "billing" } },
      { key: "x", value: { intValue: "1" } }
    ])
  })

  it("trace and span ids with flags from the sampled flag; a trace id alone has no spanId", () => {
    const trace = "0af7651916cd43dd8448eb211c80319c"
    const span = "b7ad6b7169203331"
    const both = convert(record({ traceId: trace, spanId: span }), {}, true)
    expect([both.traceId, both.spanId, both.flags]).toEqual([trace, span, 1])
    const unsampled = convert(record({ traceId: trace }), {}, false)
    expect([unsampled.traceId, unsampled.flags, "spanId" in unsampled]).toEqual([trace, 0, false])
    const none = convert(record({ spanId: span }))
    expect(["traceId" in none, "spanId" in none, "flags" in none]).toEqual([false, false, false])
  })

  it("an Error: exception.type, .message and .stacktrace masked, after the fields; a same-key field replaced", () => {
    const error = withStack(new TypeError("bad token=abc"), "pay (pay.ts:1:2)")
    const r = convert(record({ level: "error", error }), { "exception.type": "forged", order: 7 })
    expect(r.attributes.map((a) => a.key)).toEqual([
      "exception.type",
      "order",
      "exception.message",
      "exception.stacktrace"
    ])
    expect(attrs(r)).toEqual({
      "exception.type": { stringValue: "TypeError" },
      order: { intValue: "7" },
      "exception.message": { stringValue: "bad token=[REDACTED]" },
      "exception.stacktrace": { stringValue: "TypeError: bad token=[REDACTED]\n    at pay (pay.ts:1:2)" }
    })
  })

  it("a non-Error error: a string as its text, any other value as its redacted JSON, no type or stack", () => {
    expect(convert(record({ error: "just text" })).attributes).toEqual([
      { key: "exception.message", value: { stringValue: "just text" } }
    ])
    expect(convert(record({ error: { code: 7, password: "p" } })).attributes).toEqual([
      { key: "exception.message", value: { stringValue: "{\"code\":7,\"password\":\"[REDACTED]\"}" } }
    ])
  })

  it("an Error whose message getter throws keeps what was read before it, without a stack", () => {
    const hostile = new Error("x")
    Object.defineProperty(hostile, "name", { value: "Boom" })
    Object.defineProperty(hostile, "message", {
      get() {
        throw new Error("no")
      }
    })
    expect(convert(record({ error: hostile })).attributes).toEqual([
      { key: "exception.type", value: { stringValue: "Boom" } },
      { key: "exception.message", value: { stringValue: "" } }
    ])
  })

  it("a cause: exception.* from its first failure (before any defect), and effect.cause its text", () => {
    const failure = withStack(new Error("declined"), "charge (pay.ts:3:9)")
    const cause: CauseData = {
      reasons: [{ kind: "die", value: withStack(new RangeError("defect"), "x (x.ts:1:1)") }, {
        kind: "fail",
        value: failure
      }],
      interrupted: false
    }
    const a = attrs(convert(record({ level: "error", cause })))
    expect([a["exception.type"], a["exception.message"]]).toEqual([
      { stringValue: "Error" },
      { stringValue: "declined" }
    ])
    expect(a["effect.cause"]).toEqual({
      stringValue: "RangeError: defect\n    at x (x.ts:1:1)\nError: declined\n    at charge (pay.ts:3:9)"
    })
    // defects only: the first defect
    const die = convert(record({ cause: { reasons: [{ kind: "die", value: "boom" }], interrupted: false } }))
    expect(attrs(die)["exception.message"]).toEqual({ stringValue: "boom" })
  })

  it("a cause beside an error: exception.* from the error; interruption alone: effect.cause only; empty: nothing", () => {
    const cause: CauseData = { reasons: [{ kind: "fail", value: "from cause" }], interrupted: false }
    const both = attrs(convert(record({ error: "from error", cause })))
    expect(both["exception.message"]).toEqual({ stringValue: "from error" })
    expect(Object.keys(both)).toEqual(["exception.message", "effect.cause"])
    expect(convert(record({ cause: { reasons: [], interrupted: true } })).attributes).toEqual([
      { key: "effect.cause", value: { stringValue: "All fibers interrupted without errors." } }
    ])
    expect(convert(record({ cause: { reasons: [], interrupted: false } })).attributes).toEqual([])
  })
})
