/**
 * The Effect 4 binding's OTLP export: the root's cases (test/Otlp.test.ts) against a local receiver, ported to
 * effect 4 (`effect/http`'s HttpClient). The same requests: the body decoded by the root tests' `otlpProto.ts`.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as Log from "../../src/effect4/Log.js"
import * as Otlp from "../../src/effect4/Otlp.js"
import * as Telemetry from "../../src/effect4/Telemetry.js"
import { decodeBody } from "../otlpProto.js"
import { itEffect, itLive } from "./harness.js"

interface Received {
  readonly path: string | undefined
  readonly headers: IncomingHttpHeaders
  readonly status: number | undefined
  readonly body: any
}

interface Receiver {
  readonly url: string
  readonly requests: Array<Received>
}

/** An OTLP/HTTP receiver on 127.0.0.1 (random port). `respond(n)` gives the status of the n-th request (0-based). */
const receiver = (respond: (n: number) => number = () => 200): Effect.Effect<Receiver, never, Scope.Scope> => {
  const requests: Array<Received> = []
  return Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly close: () => Promise<void> }>((resume) => {
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          const status = respond(requests.length)
          const body = Buffer.concat(chunks)
          requests.push({ path: req.url, headers: req.headers, status, body: decodeBody(req.headers, body).body })
          res.writeHead(status, { "content-type": "application/json" })
          res.end(status === 200 ? "{\"partialSuccess\":{}}" : "{}")
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections()
              server.close(() => done())
            })
        }))
      })
    }),
    ({ close }) => Effect.promise(close)
  ).pipe(Effect.map(({ url }) => ({ url, requests })))
}

const records = (r: Received): Array<any> =>
  r.body.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((s: any) => s.logRecords))
const allRecords = (rx: Receiver) => rx.requests.filter((r) => r.status === 200).flatMap(records)
const attrs = (rec: any): Record<string, any> => Object.fromEntries(rec.attributes.map((a: any) => [a.key, a.value]))
const resource = (r: Received): Record<string, any> =>
  Object.fromEntries(r.body.resourceLogs[0].resource.attributes.map((a: any) => [a.key, a.value]))

// Small waits so retries are quick; no assertion depends on timing.
const fast = { retry: { maxAttempts: 3, delay: "5 millis", jitter: "none" }, scheduledDelay: "1 hour" } as const

/** Our logger underneath (its lines dropped, no sink registered: the flush reports count the export alone). */
const withFoundation = (otlp: Layer.Layer<never, unknown>) =>
  otlp.pipe(Layer.provideMerge(EmojiLogger.layer({ format: "json" }, () => {})))

const withEnv = (env: Record<string, string>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provideService(self, ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))

describe("Otlp (effect 4)", () => {
  itLive(
    "Otlp.layer exports every record; Telemetry.flush includes it and its report counts them",
    () =>
      Effect.gen(function*() {
        const rx = yield* receiver()
        const report = yield* Effect.gen(function*() {
          yield* Log.named("orders").info("placed", { order_id: 7 })
          yield* Effect.logWarning("slow")
          return yield* Telemetry.flush("5 seconds")
        }).pipe(
          Effect.provide(withFoundation(Otlp.layer({ ...fast, endpoint: `${rx.url}/v1/logs`, serviceName: "shop" })))
        )
        expect(report).toMatchObject({ status: "flushed", written: 2, failed: 0, pending: 0, dropped: 0 })
        expect(rx.requests.map((r) => [r.path, r.headers["content-type"]])).toEqual([
          ["/v1/logs", "application/x-protobuf"]
        ])
        expect(resource(rx.requests[0]!)["service.name"]).toEqual({ stringValue: "shop" })
        expect(resource(rx.requests[0]!)["telemetry.sdk.version"]).toEqual({ stringValue: "0.1.0" })
        expect(allRecords(rx).map((r) => [r.severityText, r.body.stringValue, attrs(r)["order_id"]])).toEqual([
          ["INFO", "placed", { intValue: "7" }],
          ["WARN", "slow", undefined]
        ])
      })
  )

  itLive(
    "Otlp.layerWith sends through the HttpClient provided, as JSON when asked; closing the layer flushes",
    () =>
      Effect.gen(function*() {
        const rx = yield* receiver()
        const layer = Otlp.layerWith({ ...fast, endpoint: `${rx.url}/v1/logs`, protocol: "http/json" }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
        yield* Log.info("through my client", { password: "hunter2" }).pipe(Effect.provide(withFoundation(layer)))
        expect(rx.requests.map((r) => [r.path, r.headers["content-type"]])).toEqual([["/v1/logs", "application/json"]])
        expect(allRecords(rx).map((r) => [r.body.stringValue, attrs(r)["password"]])).toEqual([
          ["through my client", { stringValue: "[REDACTED]" }]
        ])
      })
  )

  itLive("503 then 429 then recovery: retried, nothing lost or duplicated", () =>
    Effect.gen(function*() {
      const rx = yield* receiver((n) => (n === 0 ? 503 : n === 1 ? 429 : 200))
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* Log.info("event", { i })
        return yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(withFoundation(Otlp.layer({ ...fast, endpoint: `${rx.url}/v1/logs` }))))
      expect(report).toMatchObject({ status: "flushed", written: 5, failed: 0 })
      expect(rx.requests.map((r) => r.status)).toEqual([503, 429, 200])
      for (const r of rx.requests) expect(records(r).map((x) => attrs(x).i.intValue)).toEqual(["0", "1", "2", "3", "4"])
      expect(allRecords(rx)).toHaveLength(5)
    }))

  itLive(
    "collector down for good: the program is unaffected, every record accounted for, shutdown within its deadline",
    () =>
      Effect.gen(function*() {
        const port = yield* Effect.callback<number>((resume) => {
          const s = createServer()
          s.listen(0, "127.0.0.1", () => {
            const { port } = s.address() as AddressInfo
            s.close(() => resume(Effect.succeed(port)))
          })
        })
        const lines: Array<string> = []
        const result = yield* Effect.gen(function*() {
          let sum = 0
          for (let i = 0; i < 100; i++) {
            yield* Log.info("working", { i })
            sum += i
            if (i % 10 === 0) yield* Effect.sleep("5 millis")
          }
          // The console side keeps every line whatever the collector does.
          expect(lines.filter((l) => l.includes("\"working\"")), `${lines.length} lines`).toHaveLength(100)
          const report = yield* Telemetry.shutdown("300 millis")
          // Every record is accounted for: dropped by the bound (20), or given up on at shutdown (at most the bound).
          expect(report, JSON.stringify(report)).toMatchObject({ pending: 0, written: 0, status: "failed" })
          expect(report.failed).toBeLessThanOrEqual(20)
          expect(report.dropped + report.failed, JSON.stringify(report)).toBe(100)
          return sum
        }).pipe(
          Effect.provide(
            Otlp.layer({
              endpoint: `http://127.0.0.1:${port}/v1/logs`,
              scheduledDelay: "5 millis",
              maxQueueSize: 20,
              maxBatchSize: 10,
              retry: { maxAttempts: 2, delay: "5 millis", jitter: "none" },
              circuitBreaker: { failureThreshold: 2, resetTimeout: "1 hour" },
              shutdownTimeout: "300 millis"
            }).pipe(Layer.provideMerge(EmojiLogger.layer({ format: "json" }, (l) => void lines.push(l))))
          ),
          Effect.timeout("20 seconds")
        )
        expect(result).toBe(4950)
        // the exporter's own lines go to the other loggers, never back into the export
        expect(lines.filter((l) => l.includes("OTLP export is losing records"))).toHaveLength(1)
      }),
    30_000
  )

  itEffect("an invalid option dies at layer build, in the one wording of every option", () =>
    Effect.gen(function*() {
      const built = (options: Otlp.OtlpOptions) => Effect.exit(Effect.scoped(Layer.build(Otlp.layer(options))))
      const message = (exit: Exit.Exit<unknown, unknown>) =>
        Exit.isFailure(exit) ? String(exit.cause) : "no defect: succeeded"
      expect(message(yield* built({ maxBatchSize: 0 }))).toContain(
        "Otlp option maxBatchSize: invalid value 0; accepted: a whole number >= 1"
      )
      expect(message(yield* built({ maxQueueSize: 1.5 }))).toContain(
        "Otlp option maxQueueSize: invalid value 1.5; accepted: a whole number >= 1"
      )
    }))

  itEffect("a bad OTEL_* variable fails at startup naming it", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(Otlp.layer()))).pipe(
        withEnv({ OTEL_EXPORTER_OTLP_TIMEOUT: "soon" })
      )
      const error = Exit.findErrorOption(exit)
      expect(error._tag === "Some" ? error.value.message : String(exit)).toContain(
        "OTEL_EXPORTER_OTLP_TIMEOUT: invalid value \"soon\"; accepted: a whole number of milliseconds above 0"
      )
    }))
})
