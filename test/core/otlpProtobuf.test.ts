/**
 * The protobuf encoder of the Effect-free core, without Effect: the exact bytes of small requests (tags, varints,
 * fixed64 times, lengths, UTF-8), the proto3 defaults left out, and a round trip through the official
 * opentelemetry-proto files (`test/otlpProto.ts`, protobufjs).
 */
import { describe, expect, it } from "vitest"
import type { AnyValue, ExportLogsRequest, LogRecordJson } from "../../src/core/otlpJson.js"
import { encodeLogsRequest } from "../../src/core/otlpProtobuf.js"
import { decodeProtobuf } from "../otlpProto.js"

const bytes = (u: Uint8Array): Array<number> => Array.from(u)

/** A length-delimited field: tag, one-byte length (all test messages are under 128 bytes), content. */
const field = (tag: number, content: ReadonlyArray<number>): Array<number> => {
  expect(content.length).toBeLessThan(128)
  return [tag, content.length, ...content]
}

const utf8 = (s: string): Array<number> => Array.from(new TextEncoder().encode(s))

/** A request with one resource attribute, the empty key (left out on the wire) and `value`. */
const withValue = (value: AnyValue): ExportLogsRequest => ({
  resourceLogs: [{ resource: { attributes: [{ key: "", value }] }, scopeLogs: [] }]
})

/** The bytes `withValue` must encode to, around the `AnyValue`'s own bytes. */
const aroundValue = (value: ReadonlyArray<number>): Array<number> =>
  field(0x0a, field(0x0a, field(0x0a, field(0x12, value))))

const record = (over: Partial<LogRecordJson>): LogRecordJson => ({
  timeUnixNano: "0",
  observedTimeUnixNano: "0",
  severityNumber: 0,
  severityText: "",
  body: {},
  attributes: [],
  ...over
})

const withRecord = (r: LogRecordJson, scope: { name: string; version?: string } = { name: "" }): ExportLogsRequest => ({
  resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope, logRecords: [r] }] }]
})

/** ResourceLogs { resource {}, scopeLogs { scope {...}, logRecords [record] } } around a record's bytes. */
const aroundRecord = (r: ReadonlyArray<number>, scope: ReadonlyArray<number> = []): Array<number> =>
  field(0x0a, [0x0a, 0x00, ...field(0x12, [...field(0x0a, scope), ...field(0x12, r)])])

describe("core/otlpProtobuf", () => {
  it("an empty request is no bytes; a resource with no attributes and no scopes is its empty field", () => {
    expect(bytes(encodeLogsRequest({ resourceLogs: [] }))).toEqual([])
    expect(bytes(encodeLogsRequest({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [] }] }))).toEqual([
      0x0a,
      0x02,
      0x0a,
      0x00
    ])
  })

  it("a resource attribute: key field 1, AnyValue field 2, string value field 1, lengths nested", () => {
    const p: ExportLogsRequest = {
      resourceLogs: [{ resource: { attributes: [{ key: "k", value: { stringValue: "v" } }] }, scopeLogs: [] }]
    }
    expect(bytes(encodeLogsRequest(p))).toEqual([
      0x0a, // ExportLogsServiceRequest.resource_logs (1, LEN)
      0x0c,
      0x0a, // ResourceLogs.resource (1, LEN)
      0x0a,
      0x0a, // Resource.attributes (1, LEN)
      0x08,
      0x0a, // KeyValue.key (1, LEN)
      0x01,
      0x6b,
      0x12, // KeyValue.value (2, LEN)
      0x03,
      0x0a, // AnyValue.string_value (1, LEN)
      0x01,
      0x76
    ])
  })

  it("scalar AnyValues: bool (2, varint), int64 (3, varint, two's complement), double (4, fixed64 LE)", () => {
    const cases: Array<[AnyValue, Array<number>]> = [
      [{ boolValue: true }, [0x10, 0x01]],
      [{ boolValue: false }, [0x10, 0x00]],
      [{ intValue: "0" }, [0x18, 0x00]],
      [{ intValue: "127" }, [0x18, 0x7f]],
      [{ intValue: "300" }, [0x18, 0xac, 0x02]],
      [{ intValue: "4294967296" }, [0x18, 0x80, 0x80, 0x80, 0x80, 0x10]],
      [{ intValue: "-1" }, [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
      [{ intValue: "9223372036854775807" }, [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
      [{ intValue: "-9223372036854775808" }, [0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      [{ intValue: "12abc" }, [0x18, 0x00]],
      [{ intValue: "-" }, [0x18, 0x00]],
      [{ doubleValue: 1.5 }, [0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f]],
      [{}, []]
    ]
    for (const [value, expected] of cases) {
      expect(bytes(encodeLogsRequest(withValue(value))), JSON.stringify(value)).toEqual(aroundValue(expected))
    }
  })

  it("strings are UTF-8 with their byte length; a lone surrogate is U+FFFD (3 bytes)", () => {
    const cases: Array<[string, Array<number>]> = [
      ["", [0x0a, 0x00]],
      ["é", [0x0a, 0x02, 0xc3, 0xa9]],
      ["✓", [0x0a, 0x03, 0xe2, 0x9c, 0x93]],
      ["😀", [0x0a, 0x04, 0xf0, 0x9f, 0x98, 0x80]],
      ["\ud800x", [0x0a, 0x04, 0xef, 0xbf, 0xbd, 0x78]],
      ["x\udc00", [0x0a, 0x04, 0x78, 0xef, 0xbf, 0xbd]]
    ]
    for (const [s, expected] of cases) {
      expect(bytes(encodeLogsRequest(withValue({ stringValue: s }))), JSON.stringify(s)).toEqual(aroundValue(expected))
    }
    // 200 bytes: a two-byte length varint (0xc8 0x01)
    const long = bytes(encodeLogsRequest(withValue({ stringValue: "x".repeat(200) })))
    expect(long.slice(0, 12)).toEqual([0x0a, 0xd4, 0x01, 0x0a, 0xd1, 0x01, 0x0a, 0xce, 0x01, 0x12, 0xcb, 0x01])
    expect(long.slice(12, 15)).toEqual([0x0a, 0xc8, 0x01])
    expect(long.length).toBe(215)
  })

  it("arrays (5) and key-value lists (6) wrap each element in its own field 1", () => {
    expect(bytes(encodeLogsRequest(withValue({ arrayValue: { values: [{ boolValue: true }, {}] } })))).toEqual(
      aroundValue(field(0x2a, [...field(0x0a, [0x10, 0x01]), ...field(0x0a, [])]))
    )
    const kv = { kvlistValue: { values: [{ key: "a", value: { intValue: "1" } }] } }
    expect(bytes(encodeLogsRequest(withValue(kv)))).toEqual(
      aroundValue(field(0x32, field(0x0a, [...field(0x0a, utf8("a")), ...field(0x12, [0x18, 0x01])])))
    )
  })

  it("a log record: every field with its tag, the observed time (11) last, ids as raw bytes", () => {
    const r = record({
      timeUnixNano: "1000",
      observedTimeUnixNano: "1700000000123000000",
      severityNumber: 9,
      severityText: "INFO",
      body: { stringValue: "hi" },
      attributes: [{ key: "n", value: { boolValue: false } }],
      flags: 1,
      traceId: "0aF7",
      spanId: "b7ad"
    })
    expect(bytes(encodeLogsRequest(withRecord(r, { name: "s", version: "1" })))).toEqual(aroundRecord(
      [
        ...[0x09, 0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // time_unix_nano (1, fixed64): 1000
        ...[0x10, 0x09], // severity_number (2, varint)
        ...field(0x1a, utf8("INFO")), // severity_text (3)
        ...field(0x2a, field(0x0a, utf8("hi"))), // body (5)
        ...field(0x32, [...field(0x0a, utf8("n")), ...field(0x12, [0x10, 0x00])]), // attributes (6)
        ...[0x45, 0x01, 0x00, 0x00, 0x00], // flags (8, fixed32)
        ...field(0x4a, [0x0a, 0xf7]), // trace_id (9, bytes; hex of either case)
        ...field(0x52, [0xb7, 0xad]), // span_id (10)
        // observed_time_unix_nano (11, fixed64): 1700000000123000000 = 0x17979cfe3d7ed4c0
        ...[0x59, 0xc0, 0xd4, 0x7e, 0x3d, 0xfe, 0x9c, 0x97, 0x17]
      ],
      [...field(0x0a, utf8("s")), ...field(0x12, utf8("1"))]
    ))
  })

  it("proto3 defaults are left out: zero times, severity and flags, empty text, ids and scope name", () => {
    // only the body field remains, empty
    expect(bytes(encodeLogsRequest(withRecord(record({ flags: 0, traceId: "", spanId: "" }))))).toEqual(
      aroundRecord([0x2a, 0x00])
    )
    // the same time twice is written twice; a zero time alone is left out
    const times = record({ timeUnixNano: "0", observedTimeUnixNano: "18446744073709551615" })
    expect(bytes(encodeLogsRequest(withRecord(times, { name: "", version: "" })))).toEqual(
      aroundRecord([0x2a, 0x00, 0x59, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    )
  })

  it("round trip: the official .proto files decode the bytes to the same payload, a second encoding equal", () => {
    const attributes = Array.from({ length: 1200 }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i - 600) } }))
    const p: ExportLogsRequest = {
      resourceLogs: [{
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc ✓" } }] },
        scopeLogs: [{
          scope: { name: "db", version: "0.1.0" },
          logRecords: [
            record({
              timeUnixNano: "1700000000123000000",
              observedTimeUnixNano: "1700000000124000000",
              severityNumber: 17,
              severityText: "ERROR",
              body: { stringValue: "héllo 😀" },
              attributes: [
                { key: "list", value: { arrayValue: { values: [{ doubleValue: -2.25 }, { stringValue: "" }] } } },
                { key: "map", value: { kvlistValue: { values: [{ key: "ok", value: { boolValue: true } }] } } },
                { key: "min", value: { intValue: "-9223372036854775808" } },
                ...attributes
              ],
              traceId: "0af7651916cd43dd8448eb211c80319c",
              spanId: "b7ad6b7169203331",
              flags: 1
            })
          ]
        }]
      }]
    }
    const first = encodeLogsRequest(p)
    // the first encoding outgrew the scratch notes (4096): a small one after it, then the same again, are exact
    expect(bytes(encodeLogsRequest(withValue({ intValue: "300" })))).toEqual(aroundValue([0x18, 0xac, 0x02]))
    expect(bytes(encodeLogsRequest(p))).toEqual(bytes(first))
    expect(decodeProtobuf(first)).toEqual(JSON.parse(JSON.stringify(p)))
  })
})
