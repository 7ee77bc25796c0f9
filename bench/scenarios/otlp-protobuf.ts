/**
 * OTLP protobuf encoders compared on the same batch: the library's
 * hand-written one (`src/core/otlpProtobuf.ts`), protobufjs with the official
 * opentelemetry-proto files (reflection, its generated encode functions), and
 * `@effect/opentelemetry`'s serializer (`OtlpSerialization.layerProtobuf`);
 * `JSON.stringify` of the same payload (the http/json body) for scale. Also
 * the minified size each adds to a bundle (esbuild).
 *
 * A scenario of `npm run bench` (`npm run bench -- otlp` alone): each encoder's
 * time per batch, and the ratio to ours (their time / ours: > 1, ours is faster).
 * Times are medians of interleaved windows (see `measure`). Every encoder's output is checked against protobufjs's bytes (or decodes
 * to the same message) before timing.
 */
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import { Effect } from "effect"
import * as esbuild from "esbuild"
import { isDeepStrictEqual } from "node:util"
import { gzipSync } from "node:zlib"
import { anyValue, type ExportLogsRequest, payload } from "../../src/core/otlpJson.js"
import { encodeLogsRequest } from "../../src/core/otlpProtobuf.js"
import { exportLogsServiceRequest } from "../../test/otlpProto.js"
import type { Row, Scenario } from "../harness.js"

const records = 512
const rounds = 400
const scenario = "OTLP protobuf encoding, 512 records"

/** A batch like a web service's: a message, 6 attributes (strings, ints, a double, a bool), a span on half. */
const batch = (n: number): ExportLogsRequest => {
  const items = []
  for (let i = 0; i < n; i++) {
    const time = String(BigInt(1_700_000_000_000 + i) * 1_000_000n)
    items.push({
      scope: i % 3 === 0 ? "http" : undefined,
      record: {
        timeUnixNano: time,
        observedTimeUnixNano: time,
        severityNumber: 9,
        severityText: "INFO",
        body: { stringValue: "Request completed" },
        attributes: [
          { key: "http.method", value: anyValue("GET") },
          { key: "http.path", value: anyValue(`/api/items/${i}`) },
          { key: "http.status", value: anyValue(200) },
          { key: "duration_ms", value: anyValue(12.5 + i / 1000) },
          { key: "request_id", value: anyValue(`r-${i.toString(36)}`) },
          { key: "cached", value: anyValue(i % 2 === 0) }
        ],
        ...(i % 2 === 0
          ? { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", flags: 1 }
          : {})
      }
    })
  }
  return payload(
    [
      { key: "service.name", value: anyValue("shop") },
      { key: "telemetry.sdk.name", value: anyValue("effect-foundation") }
    ],
    items,
    { name: "effect-foundation", version: "0.1.0" }
  )
}

const p = batch(records)
const type = exportLogsServiceRequest()
const forProtobufjs = (req: ExportLogsRequest) => {
  const json = JSON.parse(JSON.stringify(req))
  for (const rl of json.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        if (r.traceId !== undefined) r.traceId = Buffer.from(r.traceId, "hex")
        if (r.spanId !== undefined) r.spanId = Buffer.from(r.spanId, "hex")
      }
    }
  }
  return type.fromObject(json)
}
const message = forProtobufjs(p)
const effectOtel = Effect.runSync(Effect.provide(OtlpSerialization.OtlpSerialization, OtlpSerialization.layerProtobuf))

const subjects: ReadonlyArray<readonly [string, () => Uint8Array | string]> = [
  ["hand-written (src/core/otlpProtobuf.ts)", () => encodeLogsRequest(p)],
  ["protobufjs, message prepared (encode only)", () => type.encode(message).finish()],
  ["protobufjs, from the payload (fromObject + encode)", () => type.encode(forProtobufjs(p)).finish()],
  ["@effect/opentelemetry OtlpSerialization.layerProtobuf", () => (effectOtel.logs(p as any) as any).body],
  ["JSON.stringify (the http/json body)", () => JSON.stringify(p)]
]

// Correctness first: same bytes as protobufjs, or the same decoded message.
const reference = type.encode(message).finish()
for (const [name, run] of subjects) {
  const out = run()
  if (typeof out === "string") continue
  const same = Buffer.compare(Buffer.from(out), Buffer.from(reference)) === 0 ||
    isDeepStrictEqual(type.toObject(type.decode(out)), type.toObject(type.decode(reference)))
  if (!same) throw new Error(`${name}: output differs from protobufjs`)
}

/** Milliseconds per call of `run`, over `n` calls. */
const time = (run: () => unknown, n: number): number => {
  const start = performance.now()
  for (let i = 0; i < n; i++) run()
  return (performance.now() - start) / n
}

/**
 * The median of 7 windows per subject, the subjects interleaved window by
 * window (a loaded machine slows them all alike), after a warm-up of each.
 */
const measure = (): ReadonlyArray<number> => {
  for (const [, run] of subjects) time(run, Math.max(50, rounds / 4))
  const windows: Array<Array<number>> = subjects.map(() => [])
  for (let w = 0; w < 7; w++) {
    subjects.forEach(([, run], i) => windows[i]!.push(time(run, Math.max(1, Math.round(rounds / 7)))))
  }
  return windows.map((ms) => ms.sort((a, b) => a - b)[3]!)
}

const bundleSize = async (contents: string): Promise<number> => {
  const out = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    minify: true,
    write: false,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    logLevel: "silent"
  })
  return out.outputFiles[0]!.contents.length
}

const sizes: ReadonlyArray<readonly [string, string]> = [
  ["hand-written encoder", `export { encodeLogsRequest } from "./src/core/otlpProtobuf.ts"`],
  ["protobufjs/light (needs the .proto descriptors too)", `export * from "protobufjs/light.js"`],
  ["protobufjs/minimal (needs generated code too)", `export * from "protobufjs/minimal.js"`]
]

export default {
  name: scenario,
  run: async (): Promise<ReadonlyArray<Row>> => {
    const medians = measure()
    const ours = subjects[0]![0]
    const body = `protobuf body ${reference.length} B (gzip ${gzipSync(reference).length} B), JSON ${
      JSON.stringify(p).length
    } B; every encoder's output checked against protobufjs's bytes first`
    const rows: Array<Row> = subjects.map(([subject], i) =>
      i === 0
        ? { scenario, subject, value: medians[0]! * 1000, unit: "µs/batch", note: body }
        : {
          scenario,
          subject,
          value: medians[i]! * 1000,
          unit: "µs/batch",
          baseline: ours,
          ratio: medians[i]! / medians[0]!
        }
    )
    for (const [subject, code] of sizes) {
      rows.push({ scenario, subject: `${subject}: minified`, value: await bundleSize(code), unit: "bytes" })
    }
    return rows
  }
} satisfies Scenario
