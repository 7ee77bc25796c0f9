/**
 * The collector stand-in the OTLP tests send to (test/OtlpCollector.test.ts, test/OtlpCollectorProcess.test.ts):
 * on 127.0.0.1, it answers like a real one: ids are checked (an invalid one rejects the whole batch with 400, as
 * the OpenTelemetry Collector does), bodies may be gzipped, responses may carry `Retry-After`.
 */
import { Effect, type Scope } from "effect"
import type { IncomingHttpHeaders } from "node:http"
import { decodeBody } from "./otlpProto.js"
import { localServer } from "./utils.js"

export interface Answer {
  readonly status: number
  readonly headers?: Record<string, string>
  /** Hold the answer until this promise settles. */
  readonly hold?: Promise<void>
}

export interface Received {
  readonly path: string | undefined
  readonly headers: IncomingHttpHeaders
  readonly status: number | undefined
  /** The raw body as sent (maybe gzipped). */
  readonly raw: Buffer
  readonly text: string
  readonly body: any
}

export interface Collector {
  readonly url: string
  readonly requests: Array<Received>
}

/** What the Collector's OTLP/JSON decoder refuses: an id that is present and not hex of the right length. */
const badIds = (body: any): string | undefined => {
  for (const rl of body.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        if (r.traceId !== undefined && r.traceId !== "" && !/^[0-9a-fA-F]{32}$/.test(r.traceId)) {
          return `invalid traceId ${r.traceId}`
        }
        if (r.spanId !== undefined && r.spanId !== "" && !/^[0-9a-fA-F]{16}$/.test(r.spanId)) {
          return `invalid spanId ${r.spanId}`
        }
      }
    }
  }
  return undefined
}

/**
 * A collector stand-in on 127.0.0.1 (random port): decodes gzip, rejects a
 * batch with an invalid id (400), else answers `answer(n)` for the n-th request.
 */
export const collector = (
  answer: (n: number) => Answer | undefined = () => ({ status: 200 })
): Effect.Effect<Collector, never, Scope.Scope> => {
  const requests: Array<Received> = []
  return Effect.map(
    localServer((req, raw, res) => {
      const { body, text } = decodeBody(req.headers, raw)
      const invalid = badIds(body)
      const a: Answer | undefined = invalid !== undefined ? { status: 400 } : answer(requests.length)
      requests.push({ path: req.url, headers: req.headers, status: a?.status, raw, text, body })
      if (a === undefined) return
      const send = () => {
        res.writeHead(a.status, { "content-type": "application/json", ...a.headers })
        res.end(a.status === 200 ? "{\"partialSuccess\":{}}" : JSON.stringify({ code: 3, message: invalid ?? "no" }))
      }
      if (a.hold === undefined) send()
      else a.hold.then(send, send)
    }),
    ({ url }) => ({ url, requests })
  )
}

export const records = (r: Received): Array<any> =>
  r.body.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((s: any) => s.logRecords))
export const accepted = (c: Collector) => c.requests.filter((r) => r.status === 200).flatMap(records)
export const attrs = (rec: any): Record<string, any> =>
  Object.fromEntries(rec.attributes.map((a: any) => [a.key, a.value]))
export const fast = { retry: { maxAttempts: 3, delay: "5 millis", jitter: "none" }, scheduledDelay: "1 hour" } as const
export const at = (c: Collector) => ({ ...fast, endpoint: `${c.url}/v1/logs` })
