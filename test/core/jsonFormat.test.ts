/**
 * The JSON formatter of the Effect-free core, without Effect, on records built by hand: the exact line and its key
 * order, values, the record's error, the line limit, messages that are not text, and the last resort. (test/core/
 * format.test.ts covers the context order, spans, reserved keys, causes and trace ids.)
 */
import { describe, expect, it } from "vitest"
import { defaultFormatOptions } from "../../src/core/format.js"
import type { FormatOptions } from "../../src/core/formatter.js"
import { JsonFormatter } from "../../src/core/jsonFormat.js"
import type { LevelName } from "../../src/core/level.js"
import { Binding, Context, emptyContext, type LogRecord, rootBinding } from "../../src/core/record.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

const make = (over: Partial<FormatOptions> = {}) => {
  const options: FormatOptions = { ...defaultFormatOptions, format: "json", ...over }
  return new JsonFormatter(options, new Renderer(options.redactor, options.limits))
}

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const head = "{\"timestamp\":\"2026-01-02T03:04:05.678Z\""

const record = (over: Partial<LogRecord>): LogRecord => ({
  level: "info",
  time: T,
  message: "m",
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

describe("core/jsonFormat", () => {
  it("each level by its name; no logger_name for the root binding", () => {
    const f = make()
    const levels: ReadonlyArray<LevelName> = ["trace", "debug", "info", "warning", "error", "critical"]
    expect(levels.map((level) => f.format(record({ level })))).toEqual(
      levels.map((level) => head + ",\"level\":\"" + level + "\",\"message\":\"m\"}\n")
    )
  })

  it("key order: timestamp, level, message, logger_name, trace ids, service_name, context, bound, call fields", () => {
    const f = make({ serviceName: "shop", traceIds: true })
    const line = f.format(record({
      level: "critical",
      binding: new Binding("db", { b: 2 }),
      context: new Context(["c"], [3]),
      fields: { a: 1 },
      traceId: "0123456789abcdef0123456789abcdef",
      spanId: "fedcba9876543210"
    }))
    expect(line).toBe(
      head + ",\"level\":\"critical\",\"message\":\"m\",\"logger_name\":\"db\"," +
        "\"trace_id\":\"0123456789abcdef0123456789abcdef\",\"span_id\":\"fedcba9876543210\"," +
        "\"service_name\":\"shop\",\"c\":3,\"b\":2,\"a\":1}\n"
    )
  })

  it("a field named trace_id or span_id is written apart and cannot forge the record's ids", () => {
    const ids = { traceId: "0123456789abcdef0123456789abcdef", spanId: "fedcba9876543210" }
    const forged = { trace_id: "forged", span_id: "x" }
    const inSpan = JSON.parse(make({ traceIds: true }).format(record({ ...ids, fields: forged })))
    expect([inSpan.trace_id, inSpan.span_id, inSpan["fields.trace_id"], inSpan["fields.span_id"]]).toEqual([
      ids.traceId,
      ids.spanId,
      "forged",
      "x"
    ])
    expect(make().format(record({ context: new Context(["trace_id"], ["t"]) }))).toBe(
      head + ",\"level\":\"info\",\"message\":\"m\",\"fields.trace_id\":\"t\"}\n"
    )
  })

  it("values: undefined left out, secrets hidden at any depth, removed keys gone, odd numbers as strings", () => {
    const f = make({ redactor: makeRedactor({ removeKeys: ["pin"] }) })
    const fields = { u: undefined, pin: 1, user: { password: "p", name: "n" }, inf: Infinity, big: 10n, list: [1, "a"] }
    expect(f.format(record({ fields }))).toBe(
      head + ",\"level\":\"info\",\"message\":\"m\",\"user\":{\"password\":\"[REDACTED]\",\"name\":\"n\"}," +
        "\"inf\":\"Infinity\",\"big\":\"10\",\"list\":[1,\"a\"]}\n"
    )
  })

  it("the message: masked, terminal-safe and valid JSON; a non-string one as text", () => {
    const f = make()
    const line = f.format(record({ message: "say \"hi\"\\ \u2028 \u001b postgres://app:hunter2@db/x" }))
    expect(line).toBe(
      head + ",\"level\":\"info\",\"message\":\"say \\\"hi\\\"\\\\ \\u2028 \\u001b postgres://app:[REDACTED]@db/x\"}\n"
    )
    expect(JSON.parse(line).message).toBe("say \"hi\"\\ \u2028 \u001b postgres://app:[REDACTED]@db/x")
    expect(JSON.parse(f.format(record({ message: { a: 1 } }))).message).toBe("{\"a\":1}")
  })

  it("the record's error as walked data after the fields; a field named error is kept apart", () => {
    const error = Object.assign(new TypeError("bad"), { code: "E1", token: "t" })
    error.stack = "TypeError: bad\n    at x (x.ts:1:1)"
    const parsed = JSON.parse(make().format(record({ level: "error", fields: { error: "mine" }, error })))
    expect(parsed).toEqual({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "error",
      message: "m",
      "fields.error": "mine",
      error: {
        name: "TypeError",
        message: "bad",
        stack: "TypeError: bad\n    at x (x.ts:1:1)",
        code: "E1",
        token: "[REDACTED]"
      }
    })
    expect(make().format(record({ error: "text" }))).toBe(
      head + ",\"level\":\"info\",\"message\":\"m\",\"error\":\"text\"}\n"
    )
  })

  it("fields over the line limit are left out with a note; the error keeps its name and message", () => {
    const f = make({ serviceName: "s", limits: { ...defaultLimits, maxLineLength: 20 } })
    const fields = { a: "x".repeat(30) }
    const error = new RangeError("far")
    delete error.stack
    expect(f.format(record({ fields, error }))).toBe(
      head + ",\"level\":\"info\",\"message\":\"m\",\"service_name\":\"s\"," +
        "\"truncated\":\"record fields of 102 characters over the 20-character limit were left out\"," +
        "\"error\":\"RangeError: far\"}\n"
    )
    expect(JSON.parse(f.format(record({ fields, error: { code: 1 } }))).error).toBe("[object]")
    expect(JSON.parse(f.format(record({ fields }))).truncated).toBe(
      "record fields of 56 characters over the 20-character limit were left out"
    )
  })

  it("a time that is not a finite number is written as Invalid Date", () => {
    expect(make().format(record({ time: Number.NaN }))).toBe(
      "{\"timestamp\":\"Invalid Date\",\"level\":\"info\",\"message\":\"m\"}\n"
    )
  })

  it("the last resort: a message that is not text is replaced, the reason masked", () => {
    expect(make().fallback("error", T, { a: 1 }, "token leaked: Bearer abcdefghijklmnopqrstuvwxyz0123")).toBe(
      head + ",\"level\":\"error\",\"message\":\"[Unrenderable message]\"," +
        "\"error\":\"unformattable record: token leaked: Bearer [REDACTED]\"}\n"
    )
    expect(make().fallback("warning", Number.NaN, "kept\n", "why")).toBe(
      "{\"timestamp\":\"Invalid Date\",\"level\":\"warning\",\"message\":\"kept\\n\"," +
        "\"error\":\"unformattable record: why\"}\n"
    )
  })
})
