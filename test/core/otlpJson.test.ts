/**
 * The OTLP/JSON payload of the Effect-free core, without Effect: values as `AnyValue`s, milliseconds as nanosecond
 * text, the `telemetry.sdk.*` attributes, and a batch grouped by instrumentation scope.
 */
import { describe, expect, it } from "vitest"
import { anyValue, type Item, type LogRecordJson, nanos, payload, sdkAttributes } from "../../src/core/otlpJson.js"

const rec = (body: string): LogRecordJson => ({
  timeUnixNano: "1000000",
  observedTimeUnixNano: "1000000",
  severityNumber: 9,
  severityText: "INFO",
  body: { stringValue: body },
  attributes: []
})

describe("core/otlpJson", () => {
  it("anyValue: strings, booleans, safe integers as int64 text, other finite numbers as doubles", () => {
    expect(["", "x", true, false, 0, -7, Number.MAX_SAFE_INTEGER, 2.5, -1e-300, 2 ** 53].map(anyValue)).toEqual([
      { stringValue: "" },
      { stringValue: "x" },
      { boolValue: true },
      { boolValue: false },
      { intValue: "0" },
      { intValue: "-7" },
      { intValue: "9007199254740991" },
      { doubleValue: 2.5 },
      { doubleValue: -1e-300 },
      { doubleValue: 9007199254740992 }
    ])
  })

  it("anyValue: NaN and infinities as text, bigints in int64 range as intValue, beyond it as text", () => {
    expect([NaN, Infinity, -Infinity].map(anyValue)).toEqual([
      { stringValue: "NaN" },
      { stringValue: "Infinity" },
      { stringValue: "-Infinity" }
    ])
    expect([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n) - 1n].map(anyValue)).toEqual([
      { intValue: "-9223372036854775808" },
      { intValue: "9223372036854775807" },
      { stringValue: "9223372036854775808" },
      { stringValue: "-9223372036854775809" }
    ])
  })

  it("anyValue: null and undefined are the empty value; arrays and objects nest, keys in order", () => {
    expect([anyValue(null), anyValue(undefined), anyValue(Symbol("s"))]).toEqual([{}, {}, { stringValue: "Symbol(s)" }])
    expect(anyValue({ b: [1, "x", null], a: { ok: true } })).toEqual({
      kvlistValue: {
        values: [
          { key: "b", value: { arrayValue: { values: [{ intValue: "1" }, { stringValue: "x" }, {}] } } },
          { key: "a", value: { kvlistValue: { values: [{ key: "ok", value: { boolValue: true } }] } } }
        ]
      }
    })
    expect([anyValue([]), anyValue({})]).toEqual([{ arrayValue: { values: [] } }, { kvlistValue: { values: [] } }])
  })

  it("nanos: whole milliseconds times 10^6 as exact text; sub-milliseconds cut; not a time at or after 0: \"0\"", () => {
    expect([0, 1, 1.9, 1_700_000_000_123, 4_102_444_800_000].map(nanos)).toEqual([
      "0",
      "1000000",
      "1000000",
      "1700000000123000000",
      "4102444800000000000"
    ])
    expect([-1, NaN, Infinity, -Infinity].map(nanos)).toEqual(["0", "0", "0", "0"])
  })

  it("sdkAttributes: the library's name and version, the language of a runtime with process.versions.node", () => {
    expect(sdkAttributes("1.2.3")).toEqual({
      "telemetry.sdk.name": "effect-foundation",
      "telemetry.sdk.language": "nodejs",
      "telemetry.sdk.version": "1.2.3"
    })
  })

  it("payload: one scopeLogs per logger name in order of appearance, records in order, unnamed in the own scope", () => {
    const resource = [{ key: "service.name", value: { stringValue: "svc" } }]
    const items: Array<Item> = [
      { scope: "db", record: rec("1") },
      { scope: undefined, record: rec("2") },
      { scope: "http", record: rec("3") },
      { scope: "db", record: rec("4") },
      { scope: undefined, record: rec("5") }
    ]
    expect(payload(resource, items, { name: "effect-foundation", version: "0.1.0" })).toEqual({
      resourceLogs: [{
        resource: { attributes: resource },
        scopeLogs: [
          { scope: { name: "db", version: "0.1.0" }, logRecords: [rec("1"), rec("4")] },
          { scope: { name: "effect-foundation", version: "0.1.0" }, logRecords: [rec("2"), rec("5")] },
          { scope: { name: "http", version: "0.1.0" }, logRecords: [rec("3")] }
        ]
      }]
    })
  })

  it("payload: without an own version the named scopes carry none; an empty batch has no scopeLogs", () => {
    const p = payload([], [{ scope: "db", record: rec("1") }], { name: "own" })
    expect(p.resourceLogs[0]!.scopeLogs.map((s) => s.scope)).toEqual([{ name: "db" }])
    expect(Object.keys(p.resourceLogs[0]!.scopeLogs[0]!.scope)).toEqual(["name"])
    expect(payload([], [], { name: "own" })).toEqual({
      resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [] }]
    })
  })
})
