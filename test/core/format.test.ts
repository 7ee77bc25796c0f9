/**
 * The console and JSON formatters of the Effect-free core, driven without Effect: the context is a `Map`, the spans
 * an array, a cause a list of errors, the current span a plain object with its ids.
 */
import { describe, expect, it } from "vitest"
import { ConsoleFormatter } from "../../src/core/consoleFormat.js"
import * as emoji from "../../src/core/emoji.js"
import type { BindingLike, EntryLike, FormatHooks, FormatOptions } from "../../src/core/formatter.js"
import { JsonFormatter } from "../../src/core/jsonFormat.js"
import { makeRedactor } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

type Ctx = Map<string, unknown>
interface PlainCause {
  readonly errors: ReadonlyArray<unknown>
}
interface PlainSpan {
  readonly traceId: string
  readonly spanId: string
}

const hooks: FormatHooks<Ctx, PlainCause, PlainSpan> = {
  contextSize: (ctx) => ctx.size,
  forEachContext: (ctx, f) => ctx.forEach((value, key) => f(key, value)),
  causeData: (cause, renderer) => ({ failures: cause.errors.map((e) => renderer.safe(e)) }),
  causeText: (cause) => cause.errors.map(String).join("\n"),
  causeReasons: (cause, max) => cause.errors.slice(0, max),
  traceIds: (span) => span
}

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

const make = (over: Partial<FormatOptions> = {}) => {
  const o = options(over)
  const renderer = new Renderer(o.redactor, o.limits)
  return o.format === "json" ? new JsonFormatter(o, renderer, hooks) : new ConsoleFormatter(o, renderer, hooks)
}

const entry = (binding: BindingLike, message: string, fields?: object, error?: unknown): EntryLike => ({
  binding,
  message,
  fields: fields as EntryLike["fields"],
  error
})

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const none = new Map<string, unknown>()

describe("core formatters", () => {
  it("console: level marker, name emoji, context then bound then call fields, spans, redaction", () => {
    const f = make()
    const worker: BindingLike = { name: "worker.alpha", fields: { job: 7 } }
    const line = f.render(
      "warning",
      T,
      entry(worker, "slow\nstep", { password: "p", ms: 12 }),
      new Map([["request_id", "r-1"]]),
      [{ label: "step", startTime: T - 5 }],
      undefined,
      undefined
    )
    expect(line).toBe(
      "⚠️ WARN [👷] slow\\nstep request_id=r-1 job=7 password=[REDACTED] ms=12 step=5ms\n"
    )
  })

  it("console: DAS fields choose the emoji; an error shows its fields and chain; a cause its reasons", () => {
    const f = make()
    const root: BindingLike = { name: undefined, fields: undefined }
    const error = Object.assign(new TypeError("bad", { cause: new Error("inner") }), { code: "E1" })
    const line = f.render("error", T, entry(root, "failed", { domain: "database" }, error), none, undefined, {
      errors: [Object.assign(new Error("x"), { order_id: 7 })]
    }, undefined)
    expect(
      line.startsWith(
        "🔥 ERROR [🗄️] failed domain=database error=\"TypeError: bad\" error.code=E1 cause=\"Error: inner\""
      )
    )
      .toBe(true)
    // the record has its own error: the cause's errors' fields are not repeated, its text is
    expect(line).not.toContain("order_id")
    expect(line.endsWith(" cause=\"Error: x\"\n")).toBe(true)
  })

  it("JSON: reserved keys moved under fields., trace ids, the cause as data, one object per line", () => {
    const f = make({ format: "json", traceIds: true, serviceName: "svc" })
    const binding: BindingLike = { name: "http", fields: { level: "forged" } }
    const line = f.render(
      "info",
      T,
      entry(binding, "done", { token: "t", n: 1, skip: undefined }),
      none,
      undefined,
      { errors: [new Error("boom")] },
      { traceId: "0123456789abcdef0123456789abcdef", spanId: "0123456789abcdef" }
    )
    const parsed = JSON.parse(line)
    expect(line.endsWith("}\n")).toBe(true)
    expect(parsed).toMatchObject({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "info",
      message: "done",
      logger_name: "http",
      trace_id: "0123456789abcdef0123456789abcdef",
      span_id: "0123456789abcdef",
      service_name: "svc",
      "fields.level": "forged",
      token: "[REDACTED]",
      n: 1,
      cause: { failures: [{ name: "Error", message: "boom" }] }
    })
    expect("skip" in parsed).toBe(false)
  })

  it("a binding is prepared once per formatter, and module levels give its threshold", () => {
    const f = make({ format: "json", moduleLevels: [["db", "warning"], ["db.pool", "debug"]] })
    const pool: BindingLike = { name: "db.pool.main", fields: { size: 4 } }
    for (let i = 0; i < 100; i++) f.render("info", T, entry(pool, "q"), none, undefined, undefined, undefined)
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
