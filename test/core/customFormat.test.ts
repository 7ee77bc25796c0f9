/**
 * The user's own format in the Effect-free core, without Effect: a JSON line read back into a `RecordView`, and the
 * writer that hands each view to the user's function and falls back to the JSON formatter's last resort.
 */
import { describe, expect, it } from "vitest"
import { customWriter, type RecordView, viewOf } from "../../src/core/customFormat.js"
import { defaultFormatOptions } from "../../src/core/format.js"
import type { FormatOptions } from "../../src/core/formatter.js"
import { JsonFormatter } from "../../src/core/jsonFormat.js"
import { Binding, emptyContext, rootBinding } from "../../src/core/record.js"
import { Renderer } from "../../src/core/render.js"

const options: FormatOptions = { ...defaultFormatOptions, format: "json", serviceName: "shop" }
const json = new JsonFormatter(options, new Renderer(options.redactor))
const line = "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"warning\",\"message\":\"hi\",\"a\":1}"

/** A writer over `format` that collects its lines; the writer returns the number written so far. */
const collect = (format: (record: RecordView) => string) => {
  const lines: Array<string> = []
  const write = customWriter(format, (...args) => json.fallback(...args), (l) => lines.push(l))
  return { lines, write }
}

describe("core/customFormat", () => {
  it("a view puts the record's keys under their names and every other key in fields, fields.<key> back to <key>", () => {
    const view = viewOf(
      "{\"timestamp\":\"t\",\"level\":\"info\",\"message\":\"m\",\"logger_name\":\"n\",\"service_name\":\"s\"," +
        "\"trace_id\":\"ti\",\"span_id\":\"si\",\"fields.level\":\"f\",\"fields.other\":1,\"x\":2," +
        "\"spans\":{\"s\":1},\"error\":\"e\",\"cause\":{\"a\":1}}"
    )
    expect(view).toEqual({
      timestamp: "t",
      level: "info",
      message: "m",
      loggerName: "n",
      serviceName: "s",
      traceId: "ti",
      spanId: "si",
      spans: { s: 1 },
      error: "e",
      cause: { a: 1 },
      fields: { level: "f", "fields.other": 1, x: 2 }
    })
  })

  it("a __proto__ key stays a field and pollutes nothing", () => {
    const view = viewOf("{\"timestamp\":\"t\",\"__proto__\":{\"polluted\":1}}")
    expect(Object.keys(view.fields)).toEqual(["__proto__"])
    expect([(view.fields as { polluted?: unknown }).polluted, ({} as { polluted?: unknown }).polluted]).toEqual([
      undefined,
      undefined
    ])
  })

  it("the view of a JSON formatter's line: what the record carried, redacted", () => {
    const record = json.format({
      level: "error",
      time: Date.UTC(2026, 0, 2),
      message: "failed",
      binding: new Binding("db", { password: "p" }),
      fields: { level: "forged", rows: 3 },
      error: "gone",
      context: emptyContext,
      spans: [{ label: "query", startTime: Date.UTC(2026, 0, 2) - 7 }],
      cause: undefined,
      traceId: undefined,
      spanId: undefined
    })
    expect(viewOf(record)).toEqual({
      timestamp: "2026-01-02T00:00:00.000Z",
      level: "error",
      message: "failed",
      loggerName: "db",
      serviceName: "shop",
      spans: { query: 7 },
      error: "gone",
      fields: { password: "[REDACTED]", level: "forged", rows: 3 }
    })
  })

  it("the writer hands the view to the function and writes its line, adding a newline only when missing", () => {
    const { lines, write } = collect((r) => `${r.level} ${r.message} ${JSON.stringify(r.fields)}`)
    expect(write(line)).toBe(1)
    const kept = collect(() => "done\n")
    kept.write(line)
    expect([lines, kept.lines]).toEqual([["warning hi {\"a\":1}\n"], ["done\n"]])
  })

  it("a function that throws costs its record nothing: the last resort is written, with the reason", () => {
    const { lines, write } = collect(() => {
      throw new Error("oops")
    })
    write(line)
    const thrown = collect(() => {
      throw "plain"
    })
    thrown.write(line)
    const head = "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"warning\",\"message\":\"hi\","
    expect([...lines, ...thrown.lines]).toEqual([
      head + "\"error\":\"unformattable record: formatter threw: oops\"}\n",
      head + "\"error\":\"unformattable record: formatter threw: plain\"}\n"
    ])
  })

  it("a function that returns something other than a string: the last resort, saying what it returned", () => {
    const number = collect(() => 5 as unknown as string)
    const nothing = collect(() => undefined as unknown as string)
    number.write(line)
    nothing.write(line)
    expect([number.lines, nothing.lines].map((l) => JSON.parse(l[0]!).error)).toEqual([
      "unformattable record: formatter returned number",
      "unformattable record: formatter returned undefined"
    ])
  })

  it("a line that is not JSON is written as it is, without calling the function", () => {
    let called = 0
    const { lines, write } = collect(() => {
      called++
      return "x"
    })
    write("not json\n")
    expect([lines, called]).toEqual([["not json\n"], 0])
  })

  it("a record from the root binding has no loggerName, and an empty fields object", () => {
    const record = json.format({
      level: "info",
      time: 0,
      message: "m",
      binding: rootBinding,
      fields: undefined,
      error: undefined,
      context: emptyContext,
      spans: [],
      cause: undefined,
      traceId: undefined,
      spanId: undefined
    })
    expect("loggerName" in viewOf(record)).toBe(false)
    expect(viewOf(record)).toEqual({
      timestamp: "1970-01-01T00:00:00.000Z",
      level: "info",
      message: "m",
      serviceName: "shop",
      fields: {}
    })
  })
})
