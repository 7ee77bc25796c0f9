/**
 * What the console and JSON formatters share, in the Effect-free core, without Effect: the reserved JSON keys, the
 * DAS values, message and error text, and the shared base's caches and parts, through a minimal formatter.
 */
import { describe, expect, it } from "vitest"
import { defaultFormatOptions } from "../../src/core/format.js"
import {
  dasOf,
  errorHead,
  fieldKeyOf,
  type FormatOptions,
  FormatterBase,
  isError,
  reservedJsonKeys,
  valueText
} from "../../src/core/formatter.js"
import { Binding, Context, type Fields } from "../../src/core/record.js"
import { KEEP, makeRedactor, REDACT } from "../../src/core/redact.js"
import { defaultLimits, Renderer } from "../../src/core/render.js"

const renderer = new Renderer(makeRedactor())

/** The smallest formatter: `<key>value` fields, `R` for a redacted value; its protected parts made callable. */
class Probe extends FormatterBase {
  protected keyText(shown: string): string {
    return "<" + shown + ">"
  }
  protected nameText(name: string | undefined): string {
    return "{" + (name ?? "") + "}"
  }
  protected serviceText(serviceName: string): string {
    return "svc:" + serviceName
  }
  protected field(key: string, value: unknown): string {
    const k = this.key(key)
    return k.action === KEEP ? k.text + String(value) : k.action === REDACT ? k.text + "R" : ""
  }
  protected errorNote(text: string): string {
    return "!" + text
  }
  protected traceText(traceId: string, spanId: string | undefined): string {
    return "T" + traceId + (spanId ?? "")
  }
  format(): string {
    return ""
  }
  fallback(): string {
    return ""
  }
  fieldsOf(fields: Fields) {
    return this.fields(fields)
  }
  contextOf(context: Context) {
    return this.context(context)
  }
  preparedOf(binding: Binding) {
    return this.prepared(binding)
  }
  keyOf(key: string) {
    return this.key(key)
  }
  tooLongOf(length: number, error: unknown) {
    return this.tooLong(length, error)
  }
  isoOf(millis: number) {
    return this.iso(millis)
  }
}

const probe = (over: Partial<FormatOptions> = {}, withDas = true) =>
  new Probe({ ...defaultFormatOptions, ...over }, renderer, withDas)

describe("core/formatter", () => {
  it("reserved JSON keys, and the user's key behind a fields.<key>", () => {
    expect([...reservedJsonKeys]).toEqual([
      "timestamp",
      "level",
      "message",
      "logger_name",
      "trace_id",
      "span_id",
      "service_name",
      "spans",
      "error",
      "cause"
    ])
    expect(["fields.level", "fields.cause", "fields.other", "level", "fields.fields.level"].map(fieldKeyOf)).toEqual([
      "level",
      "cause",
      "fields.other",
      "level",
      "fields.fields.level"
    ])
  })

  it("DAS values: only strings count, merged over what was known; nothing new gives back the same object", () => {
    const into = { domain: "db" }
    expect(dasOf({ status: 503, action: 1 }, into)).toBe(into)
    expect(dasOf({ status: "ok", domain: "cache" }, into)).toEqual({ domain: "cache", status: "ok" })
    expect(into).toEqual({ domain: "db" })
    expect([dasOf({ a: 1 }, undefined), dasOf(null as unknown as Fields, into)]).toEqual([undefined, into])
    const throwing = Object.defineProperty({ action: "query" }, "domain", {
      enumerable: true,
      get: () => {
        throw new Error("no")
      }
    })
    expect(dasOf(throwing, undefined)).toEqual({ action: "query" })
  })

  it("a value as message text: strings as they are, others rendered, a quoted rendering unquoted", () => {
    expect([
      valueText("a b\n", renderer),
      valueText(42, renderer),
      valueText(null, renderer),
      valueText(undefined, renderer),
      valueText({ a: "x y" }, renderer),
      valueText(Symbol("s t"), renderer),
      valueText({ password: "p" }, renderer)
    ]).toEqual(["a b\n", "42", "null", "undefined", "{\"a\":\"x y\"}", "Symbol(s t)", "{\"password\":\"[REDACTED]\"}"])
  })

  it("isError and errorHead never throw", () => {
    const unreadable = new Proxy({}, {
      getPrototypeOf: () => {
        throw new Error("no")
      }
    })
    expect([isError(new TypeError()), isError(Object.create(Error.prototype)), isError({ message: "x" })]).toEqual([
      true,
      true,
      false
    ])
    expect(isError(unreadable)).toBe(false)
    const hostile = new Error("m")
    Object.defineProperty(hostile, "message", {
      get: () => {
        throw new Error("no")
      }
    })
    expect([errorHead(new TypeError("x")), errorHead(new RangeError("")), errorHead(hostile)]).toEqual([
      "TypeError: x",
      "RangeError",
      "[Unrenderable error]"
    ])
  })

  it("module levels: the longest matching prefix, on dotted segments only", () => {
    const p = probe({ moduleLevels: [["db", "warning"], ["db.pool", "debug"], ["d", "error"]] })
    expect(["db", "db.pool", "db.pool.x", "db.poolx", "dbx", "d.b", undefined].map((n) => p.moduleLevel(n))).toEqual([
      "warning",
      "debug",
      "debug",
      "warning",
      undefined,
      "error",
      undefined
    ])
  })

  it("fields: at most maxKeys, the rest counted; a Proxy that refuses its keys gives one marker", () => {
    const p = probe({ limits: { ...defaultLimits, maxKeys: 2 } })
    const refusing = new Proxy({}, {
      ownKeys: () => {
        throw new Error("no")
      }
    })
    expect([p.fieldsOf({ a: 1, password: 2, c: 3, d: 4 }), p.fieldsOf(refusing)]).toEqual([
      "<a>1<password>R<…>2 more keys",
      "<fields>[Unrenderable: keys cannot be listed]"
    ])
  })

  it("a key over 256 characters is cut when shown and classified whole", () => {
    const long = "k".repeat(300)
    expect(probe().keyOf(long).text).toBe("<" + "k".repeat(256) + "…[truncated 44 chars]>")
    expect(probe().keyOf("x".repeat(290) + "_password").action).toBe(REDACT)
  })

  it("a binding's parts: name, module threshold, rendered fields and DAS values (only when asked)", () => {
    const binding = new Binding("db.pool", { domain: "database", n: 1 })
    expect(probe({ moduleLevels: [["db", "warning"]] }).preparedOf(binding)).toEqual({
      threshold: 30000,
      name: "{db.pool}",
      fields: "<domain>database<n>1",
      das: { domain: "database" }
    })
    expect(probe({}, false).preparedOf(binding)).toEqual({
      threshold: undefined,
      name: "{db.pool}",
      fields: "<domain>database<n>1",
      das: undefined
    })
  })

  it("a context's parts: its fields in order, DAS values from its string domain/action/status", () => {
    expect(probe().contextOf(new Context(["action", "status", "x"], ["query", 3, 1]))).toEqual({
      fields: "<action>query<status>3<x>1",
      das: { action: "query" }
    })
  })

  it("the too-long note keeps the service and the error's head; the ISO time of a bad number is Invalid Date", () => {
    const p = probe({ serviceName: "s", limits: { ...defaultLimits, maxLineLength: 10 } })
    const note = "svc:s<truncated>record fields of 99 characters over the 10-character limit were left out"
    expect([p.tooLongOf(99, undefined), p.tooLongOf(99, new TypeError("t")), p.tooLongOf(99, 5)]).toEqual([
      note,
      note + "!\"TypeError: t\"",
      note + "!\"[number]\""
    ])
    expect([p.isoOf(0), p.isoOf(Number.NaN), p.isoOf(Infinity)]).toEqual([
      "1970-01-01T00:00:00.000Z",
      "Invalid Date",
      "Invalid Date"
    ])
  })
})
