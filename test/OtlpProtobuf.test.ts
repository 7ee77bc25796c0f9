/**
 * OTLP over http/protobuf: the hand-written encoder (`src/core/otlpProtobuf.ts`)
 * unit-tested without Effect against the official opentelemetry-proto files
 * (loaded with protobufjs), and the exporter end to end against a collector
 * stand-in on 127.0.0.1 that decodes every body, both encodings, gzip too.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, type Scope } from "effect"
import { Log, Telemetry, TestLog } from "effect-foundation"
import type { IncomingHttpHeaders } from "node:http"
import { anyValue, type ExportLogsRequest, type LogRecordJson, payload } from "../src/core/otlpJson.js"
import { encodeLogsRequest } from "../src/core/otlpProtobuf.js"
import { decodeBody, decodeProtobuf, exportLogsServiceRequest } from "./otlpProto.js"
import { localServer } from "./utils.js"

const record = (over: Partial<LogRecordJson> = {}): LogRecordJson => ({
  timeUnixNano: "1700000000123000000",
  observedTimeUnixNano: "1700000000123000000",
  severityNumber: 9,
  severityText: "INFO",
  body: { stringValue: "hello" },
  attributes: [],
  ...over
})

const request = (records: ReadonlyArray<LogRecordJson>, scope?: string): ExportLogsRequest =>
  payload(
    [{ key: "service.name", value: { stringValue: "svc" } }],
    records.map((r) => ({ scope, record: r })),
    { name: "effect-foundation", version: "0.1.0" }
  )

/** The payload as a collector reads its OTLP/JSON form. */
const asJson = (p: ExportLogsRequest): any => JSON.parse(JSON.stringify(p))

/** The JSON form less the proto3 defaults (zero flags and times, empty keys), which the wire leaves out. */
const withoutDefaults = (p: ExportLogsRequest): any =>
  JSON.parse(
    JSON.stringify(p, (k, v) =>
      (k === "flags" && v === 0) || (v === "0" && k.endsWith("UnixNano")) || (k === "key" && v === "") ? undefined : v)
  )

const hexToBase64 = (hex: string) => Buffer.from(hex, "hex").toString("base64")

/** The same payload through protobufjs with the official files (the reference encoder). */
const protobufjsEncode = (p: ExportLogsRequest): Uint8Array => {
  const type = exportLogsServiceRequest()
  const json = asJson(p)
  for (const rl of json.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        if (r.traceId !== undefined) r.traceId = hexToBase64(r.traceId)
        if (r.spanId !== undefined) r.spanId = hexToBase64(r.spanId)
      }
    }
  }
  return type.encode(type.fromObject(json)).finish()
}

const rich = (): ExportLogsRequest =>
  request([
    record({
      body: { stringValue: "héllo wörld 😀 ✓" },
      attributes: [
        { key: "int", value: anyValue(42) },
        { key: "zero", value: anyValue(0) },
        { key: "negative", value: anyValue(-7) },
        { key: "safe max", value: anyValue(Number.MAX_SAFE_INTEGER) },
        { key: "safe min", value: anyValue(Number.MIN_SAFE_INTEGER) },
        { key: "int64 min", value: anyValue(-(2n ** 63n)) },
        { key: "int64 max", value: anyValue(2n ** 63n - 1n) },
        { key: "2^40", value: anyValue(2n ** 40n) },
        { key: "double", value: anyValue(9.99) },
        { key: "tiny", value: anyValue(-1e-300) },
        { key: "true", value: anyValue(true) },
        { key: "false", value: anyValue(false) },
        { key: "empty string", value: anyValue("") },
        { key: "null", value: anyValue(null) },
        { key: "tags", value: anyValue(["a", 1, 2.5, [], {}, null]) },
        { key: "nested", value: anyValue({ city: "Oslo", zip: null, deep: { list: [{ k: true }] } }) },
        { key: "long", value: anyValue("x".repeat(70_000)) },
        { key: "", value: anyValue("empty key") }
      ],
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      flags: 1
    }),
    record({ severityNumber: 21, severityText: "FATAL", traceId: "0000000000000000a3ce929d0e0e4736", flags: 0 }),
    record({ timeUnixNano: "0", observedTimeUnixNano: "18446744073709551615", body: {} })
  ])

describe("OTLP protobuf encoder (no Effect)", () => {
  it("decodes with the official .proto files to exactly the OTLP/JSON payload, field by field", () => {
    const p = rich()
    const decoded = decodeProtobuf(encodeLogsRequest(p))
    expect(decoded).toEqual(withoutDefaults(p))
    // spot checks of the wire values that the JSON mapping writes as text
    const [first, fatal, edge] = decoded.resourceLogs[0].scopeLogs[0].logRecords
    const a = Object.fromEntries(first.attributes.map((kv: any) => [kv.key, kv.value]))
    expect(a.int).toEqual({ intValue: "42" })
    expect(a.negative).toEqual({ intValue: "-7" })
    expect(a["int64 min"]).toEqual({ intValue: "-9223372036854775808" })
    expect(a["int64 max"]).toEqual({ intValue: "9223372036854775807" })
    expect(a.double).toEqual({ doubleValue: 9.99 })
    expect(a.long.stringValue).toHaveLength(70_000)
    expect(first.body).toEqual({ stringValue: "héllo wörld 😀 ✓" })
    expect([first.traceId, first.spanId, first.flags]).toEqual([
      "0af7651916cd43dd8448eb211c80319c",
      "b7ad6b7169203331",
      1
    ])
    expect([fatal.severityNumber, fatal.severityText, fatal.spanId, fatal.flags]).toEqual([
      21,
      "FATAL",
      undefined,
      undefined
    ])
    expect([edge.timeUnixNano, edge.observedTimeUnixNano, edge.body]).toEqual([undefined, "18446744073709551615", {}])
  })

  it("writes the same bytes as protobufjs with the official files", () => {
    // a batch past the encoder's first scratch size (4096 notes), then a small one reusing the grown scratch
    const big = request(
      Array.from({ length: 1500 }, (_, i) => record({ attributes: [{ key: "i", value: anyValue(i - 700) }] }))
    )
    for (const p of [rich(), big, request([record()]), request([record(), record()], "db.pool")]) {
      const ours = Buffer.from(encodeLogsRequest(p))
      const reference = Buffer.from(protobufjsEncode(p))
      // compared as a whole (a failure prints the lengths and the first differing byte, not 70 KB of hex)
      const at = ours.findIndex((b, i) => b !== reference[i])
      expect({ length: ours.length, firstDifference: at }).toEqual({ length: reference.length, firstDifference: -1 })
    }
  })

  it("a lone surrogate is written as U+FFFD, as TextEncoder does; sizes stay exact", () => {
    const text = "a\ud800b\udc00c😀\ud83d"
    const decoded = decodeProtobuf(encodeLogsRequest(request([record({ body: { stringValue: text } })])))
    const body = decoded.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue
    expect(body).toBe(new TextDecoder().decode(new TextEncoder().encode(text)))
    expect(body).toBe("a\ufffdb\ufffdc😀\ufffd")
  })

  it("an empty batch and a record without attributes decode", () => {
    expect(decodeProtobuf(encodeLogsRequest(request([])))).toEqual({
      resourceLogs: [{
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeLogs: []
      }]
    })
  })
})

// --- end to end ------------------------------------------------------------------------------------------------

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: any
}

const collector = (): Effect.Effect<
  { readonly url: string; readonly requests: Array<Received> },
  never,
  Scope.Scope
> => {
  const requests: Array<Received> = []
  return Effect.map(
    localServer((req, raw, res) => {
      requests.push({ headers: req.headers, body: decodeBody(req.headers, raw).body })
      res.writeHead(200, { "content-type": "application/json" })
      res.end("{\"partialSuccess\":{}}")
    }),
    ({ url }) => ({ url: `${url}/v1/logs`, requests })
  )
}

const env = (vars: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))

const kv = (list: ReadonlyArray<any>): Record<string, any> => Object.fromEntries(list.map((a) => [a.key, a.value]))

const sdk = {
  "telemetry.sdk.name": { stringValue: "effect-foundation" },
  "telemetry.sdk.language": { stringValue: "nodejs" },
  "telemetry.sdk.version": { stringValue: "0.1.0" }
}

/** The records every run logs: typed attributes, non-Error failures, an Error, a span. */
const workload = Effect.gen(function*() {
  yield* Log.named("checkout").info("Order placed", {
    order_id: 42,
    count: -3,
    amount: 9.99,
    paid: false,
    tags: ["a", 2],
    address: { city: "Oslo", zip: null },
    note: "héllo 😀"
  })
  yield* Log.exception("declined", { code: 7, reason: "card" })
  yield* Log.exception("plain", "just text")
  yield* Effect.logError("effect failure", Cause.fail(404))
  yield* Log.exception("typed", new TypeError("card declined"))
  return yield* Effect.gen(function*() {
    const span = yield* Effect.currentSpan
    yield* Log.warning("in span", { step: 2 })
    return { traceId: span.traceId, spanId: span.spanId }
  }).pipe(Effect.withSpan("op"))
})

describe("Telemetry.otlp over http/protobuf and http/json, against a collector stand-in", () => {
  it.live("every body decodes (official .proto files for protobuf), field by field, both encodings, gzip too", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const runs = [
        ["application/x-protobuf", undefined, {}],
        ["application/x-protobuf", "gzip", { OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" }],
        ["application/json", undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }],
        ["application/json", "gzip", {
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_EXPORTER_OTLP_COMPRESSION: "gzip"
        }]
      ] as const
      const spans: Array<{ traceId: string; spanId: string }> = []
      for (const [, , vars] of runs) {
        spans.push(
          yield* workload.pipe(
            Effect.provide(Telemetry.otlp({ endpoint: rx.url, serviceVersion: "1.4.2", scheduledDelay: "1 hour" })),
            env({ ...vars, OTEL_SERVICE_NAME: "shop", OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,shard=3" })
          )
        )
      }
      expect(rx.requests.map((r) => [r.headers["content-type"], r.headers["content-encoding"]])).toEqual(
        runs.map(([type, encoding]) => [type, encoding])
      )
      const stripped: Array<unknown> = []
      for (let i = 0; i < runs.length; i++) {
        const body = rx.requests[i]!.body
        expect(body.resourceLogs).toHaveLength(1)
        const [rl] = body.resourceLogs
        expect(kv(rl.resource.attributes)).toEqual({
          ...sdk,
          "deployment.environment": { stringValue: "test" },
          shard: { stringValue: "3" },
          "service.name": { stringValue: "shop" },
          "service.version": { stringValue: "1.4.2" }
        })
        expect(rl.scopeLogs.map((s: any) => [s.scope, s.logRecords.length])).toEqual([
          [{ name: "checkout", version: "0.1.0" }, 1],
          [{ name: "effect-foundation", version: "0.1.0" }, 5]
        ])
        const [placed, declined, plain, effectFailure, typed, inSpan] = rl.scopeLogs.flatMap((s: any) => s.logRecords)
        for (const r of [placed, declined, plain, effectFailure, typed, inSpan]) {
          expect(r.timeUnixNano).toMatch(/^\d{19}$/)
          expect(r.observedTimeUnixNano).toBe(r.timeUnixNano)
        }
        expect([placed.severityNumber, placed.severityText, placed.body]).toEqual([9, "INFO", {
          stringValue: "Order placed"
        }])
        expect(kv(placed.attributes)).toEqual({
          order_id: { intValue: "42" },
          count: { intValue: "-3" },
          amount: { doubleValue: 9.99 },
          paid: { boolValue: false },
          tags: { arrayValue: { values: [{ stringValue: "a" }, { intValue: "2" }] } },
          address: {
            kvlistValue: { values: [{ key: "city", value: { stringValue: "Oslo" } }, { key: "zip", value: {} }] }
          },
          note: { stringValue: "héllo 😀" },
          "logger.name": { stringValue: "checkout" }
        })
        expect(placed.traceId).toBeUndefined()
        // exception.message is a string for every thrown value, as the semantic conventions define it
        expect(kv(declined.attributes)["exception.message"]).toEqual({
          stringValue: "{\"code\":7,\"reason\":\"card\"}"
        })
        expect(kv(plain.attributes)["exception.message"]).toEqual({ stringValue: "just text" })
        expect(kv(effectFailure.attributes)["exception.message"]).toEqual({ stringValue: "404" })
        expect([effectFailure.severityNumber, effectFailure.body]).toEqual([17, { stringValue: "effect failure" }])
        const t = kv(typed.attributes)
        expect([t["exception.type"], t["exception.message"]]).toEqual([
          { stringValue: "TypeError" },
          { stringValue: "card declined" }
        ])
        expect(t["exception.stacktrace"].stringValue).toContain("TypeError: card declined")
        expect([inSpan.severityText, inSpan.traceId, inSpan.spanId, inSpan.flags]).toEqual([
          "WARN",
          spans[i]!.traceId,
          spans[i]!.spanId,
          1
        ])
        expect(kv(inSpan.attributes)).toEqual({ step: { intValue: "2" } })
        // the same content, less what differs between runs (times, ids, stacks)
        stripped.push(
          JSON.parse(
            JSON.stringify(
              body,
              (k, v) =>
                k === "timeUnixNano" || k === "observedTimeUnixNano" || k === "traceId" || k === "spanId"
                  ? undefined
                  : k === "attributes"
                  ? v.filter((a: any) => a.key !== "exception.stacktrace" && a.key !== "effect.cause")
                  : v
            )
          )
        )
      }
      // and the four bodies carry the same content
      expect(stripped[1]).toEqual(stripped[0])
      expect(stripped[2]).toEqual(stripped[0])
      expect(stripped[3]).toEqual(stripped[0])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))
})

describe("src/core is Effect-free", () => {
  it("the OTLP encoders import nothing from effect or @effect/*", async () => {
    const fs = await import("node:fs/promises")
    for (const file of ["src/core/otlpJson.ts", "src/core/otlpProtobuf.ts"]) {
      const source = await fs.readFile(file, "utf8")
      const imports = Array.from(source.matchAll(/\bfrom\s+"([^"]+)"/g), (m) => m[1])
      expect({ file, imports: imports.filter((i) => i === "effect" || /^(effect|@effect)\//.test(i!)) }).toEqual({
        file,
        imports: []
      })
      expect(imports.every((i) => i!.startsWith("./"))).toBe(true)
    }
  })
})
