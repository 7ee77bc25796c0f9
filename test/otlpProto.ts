/**
 * Decoding OTLP/HTTP log bodies the way a collector does: protobuf bodies
 * with the official opentelemetry-proto `.proto` files (shipped by the
 * devDependency `@opentelemetry/otlp-grpc-exporter-base@0.38`, loaded with
 * protobufjs), JSON bodies with `JSON.parse`; gzip either way.
 *
 * `decodeBody` returns the OTLP/JSON form of a protobuf body (int64 as
 * decimal text, trace and span ids as hex, empty repeated fields as `[]`),
 * so one assertion reads both encodings.
 */
import type { IncomingHttpHeaders } from "node:http"
import { createRequire } from "node:module"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import protobuf from "protobufjs"

const require = createRequire(import.meta.url)

/** The folder holding `opentelemetry/proto/...`. */
export const protoDir = path.join(
  path.dirname(require.resolve("@opentelemetry/otlp-grpc-exporter-base/package.json")),
  "build",
  "protos"
)

let requestType: protobuf.Type | undefined

/** `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest`, from the official files. */
export const exportLogsServiceRequest = (): protobuf.Type => {
  if (requestType !== undefined) return requestType
  const root = new protobuf.Root()
  root.resolvePath = (_origin, target) => path.join(protoDir, target)
  root.loadSync("opentelemetry/proto/collector/logs/v1/logs_service.proto", { keepCase: false })
  requestType = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest")
  return requestType
}

const hex = (base64: string): string => Buffer.from(base64, "base64").toString("hex")

/** protobufjs's object form -> the OTLP/JSON mapping (ids hex; no deprecated fields). */
const toJsonMapping = (value: any, key?: string): any => {
  if (Array.isArray(value)) return value.map((v) => toJsonMapping(v))
  if (value === null || typeof value !== "object") {
    return (key === "traceId" || key === "spanId") && typeof value === "string" ? hex(value) : value
  }
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value)) {
    if (k === "instrumentationLibraryLogs") continue
    out[k] = toJsonMapping(value[k], k)
  }
  return out
}

/** A protobuf `ExportLogsServiceRequest` as its OTLP/JSON object; throws on a malformed body. */
export const decodeProtobuf = (bytes: Uint8Array): any => {
  const type = exportLogsServiceRequest()
  const message = type.decode(bytes)
  const problem = type.verify(message)
  if (problem !== null) throw new Error(`invalid ExportLogsServiceRequest: ${problem}`)
  return toJsonMapping(type.toObject(message, { longs: String, enums: Number, bytes: String, arrays: true }))
}

/** A request body as the collector reads it: gunzipped, then by content type. */
export const decodeBody = (
  headers: IncomingHttpHeaders,
  raw: Buffer
): { readonly text: string; readonly body: any } => {
  const bytes = headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw
  if (headers["content-type"] === "application/x-protobuf") {
    return { text: bytes.toString("latin1"), body: decodeProtobuf(bytes) }
  }
  const text = bytes.toString("utf8")
  return { text, body: JSON.parse(text) }
}
