/**
 * OTLP export, the request's Effect-free parts, shared by both bindings: the body (encoded by the core, gzipped with
 * the Web `CompressionStream`), and the answer read as the OTLP/HTTP specification says (which statuses may be
 * retried, the collector's `Retry-After`).
 */
import type { Protocol } from "./otlpConfig.js"
import { type ExportLogsRequest } from "./otlpJson.js"
import { encodeLogsRequest } from "./otlpProtobuf.js"

/**
 * `Retry-After`: delay-seconds or an HTTP date, in milliseconds from `now`
 * (a date in the past is 0); `undefined` when absent or unreadable.
 *
 * @internal
 */
export const retryAfterMillis = (header: string | undefined, now: number): number | undefined => {
  if (header === undefined) return undefined
  const v = header.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  if (!/[A-Za-z]/.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * The longest `Retry-After` honoured (a longer one waits this long).
 *
 * @internal
 */
export const maxRetryAfterMillis = 60_000

/**
 * Status codes the OTLP/HTTP specification allows to retry; all other 4xx and 5xx must not be.
 *
 * @internal
 */
export const retryableStatus = (status: number): boolean =>
  status === 429 || status === 502 || status === 503 || status === 504

/** The request body: protobuf bytes or JSON text. @internal */
export const encodeBody = (protocol: Protocol, request: ExportLogsRequest): Uint8Array | string =>
  protocol === "http/protobuf" ? encodeLogsRequest(request) : JSON.stringify(request)

/** gzip with the Web `CompressionStream` (Node 18+, Deno, Bun, browsers, workerd): no Node-only module. @internal */
export const gzip = (body: string | Uint8Array): Promise<Uint8Array> =>
  new Response(new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip")))
    .arrayBuffer().then((b) => new Uint8Array(b))
