import { FetchHttpClient, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit, Layer, Redacted, type Scope } from "effect"
import { HttpLogging, Log, Otlp, Telemetry, TestLog } from "effect-foundation"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { decodeBody } from "./otlpProto.js"
import { defectMessage, localServer } from "./utils.js"

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

/**
 * An OTLP/HTTP receiver on 127.0.0.1 (random port). `respond(n)` gives the
 * status of the n-th request (0-based); `undefined` never answers.
 */
const receiver = (
  respond: (n: number) => number | undefined = () => 200
): Effect.Effect<Receiver, never, Scope.Scope> => {
  const requests: Array<Received> = []
  return Effect.map(
    localServer((req, body, res) => {
      const status = respond(requests.length)
      requests.push({ path: req.url, headers: req.headers, status, body: decodeBody(req.headers, body).body })
      if (status === undefined) return
      res.writeHead(status, { "content-type": "application/json" })
      res.end(status === 200 ? "{\"partialSuccess\":{}}" : "{}")
    }),
    ({ url }) => ({ url, requests })
  )
}

/** A port with nothing listening on it. */
const deadPort = Effect.async<number>((resume) => {
  const s = createServer()
  s.listen(0, "127.0.0.1", () => {
    const { port } = s.address() as AddressInfo
    s.close(() => resume(Effect.succeed(port)))
  })
})

/** Waits (bounded, ~5 s) until `predicate` holds. */
const until = (predicate: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500 && !predicate(); i++) yield* Effect.sleep(Duration.millis(10))
    expect(predicate()).toBe(true)
  })

/** The `telemetry.sdk.*` resource attributes every export carries. */
const sdk = {
  "telemetry.sdk.name": { stringValue: "effect-foundation" },
  "telemetry.sdk.language": { stringValue: "nodejs" },
  "telemetry.sdk.version": { stringValue: "0.1.0" }
}

const records = (r: Received): Array<any> =>
  r.body.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((s: any) => s.logRecords))
const allRecords = (rx: Receiver, okOnly = true) =>
  rx.requests.filter((r) => !okOnly || r.status === 200).flatMap(records)
const attrs = (rec: any): Record<string, any> => Object.fromEntries(rec.attributes.map((a: any) => [a.key, a.value]))
const resource = (r: Received): Record<string, any> =>
  Object.fromEntries(r.body.resourceLogs[0].resource.attributes.map((a: any) => [a.key, a.value]))

// Small waits so retries and intervals are quick; no assertion depends on timing.
const fast = {
  retry: { maxAttempts: 3, delay: "5 millis", jitter: "none" },
  scheduledDelay: "1 hour"
} as const

describe("Telemetry.otlp", () => {
  it.live("posts OTLP JSON to /v1/logs: severity, body, attributes, resource, trace ids inside a span", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      const spanIds = yield* Effect.gen(function*() {
        yield* Log.named("checkout").info("Order placed", {
          order_id: 42,
          amount: 9.99,
          paid: true,
          tags: ["a", "b"],
          address: { city: "Oslo", zip: null },
          card: Redacted.make("4111 1111 1111 1111"),
          password: "hunter2"
        })
        const ids = yield* Effect.gen(function*() {
          const span = yield* Effect.currentSpan
          yield* Log.warning("inside span", { step: 2 })
          return { traceId: span.traceId, spanId: span.spanId }
        }).pipe(Effect.withSpan("checkout.process"), Log.withContext({ request_id: "r-1" }))
        yield* Log.exception("payment failed", new TypeError("card declined"))
        yield* Effect.logError("plain effect error").pipe(Effect.annotateLogs({ tenant: "acme" }))
        yield* Log.trace("fine")
        yield* Log.critical("down")
        return ids
      }).pipe(
        Effect.provide(
          Telemetry.otlp({
            ...fast,
            endpoint: `${rx.url}/v1/logs`,
            serviceName: "shop",
            serviceVersion: "1.2.3",
            resourceAttributes: { "deployment.environment": "test" }
          })
        )
      )
      // The layer's scope closed: the shutdown flush delivered everything in one request.
      expect(rx.requests).toHaveLength(1)
      const req = rx.requests[0]!
      expect(req.path).toBe("/v1/logs")
      // http/protobuf is the default (decoded here with the official .proto files)
      expect(req.headers["content-type"]).toBe("application/x-protobuf")
      expect(resource(req)).toEqual({
        ...sdk,
        "deployment.environment": { stringValue: "test" },
        "service.name": { stringValue: "shop" },
        "service.version": { stringValue: "1.2.3" }
      })
      // one scope per logger name, in order of appearance; unnamed records are in the library's own scope
      expect(req.body.resourceLogs[0].scopeLogs.map((s: any) => s.scope)).toEqual([{
        name: "checkout",
        version: "0.1.0"
      }, {
        name: "effect-foundation",
        version: "0.1.0"
      }])
      const recs = records(req)
      expect(recs.map((r) => [r.severityNumber, r.severityText, r.body.stringValue])).toEqual([
        [9, "INFO", "Order placed"],
        [13, "WARN", "inside span"],
        [17, "ERROR", "payment failed"],
        [17, "ERROR", "plain effect error"],
        [1, "TRACE", "fine"],
        [21, "FATAL", "down"]
      ])
      const [placed, inSpan, failed, plain] = recs
      expect(placed.timeUnixNano).toMatch(/^\d{19}$/)
      expect(BigInt(placed.timeUnixNano) / 1_000_000n).toBeGreaterThan(1_600_000_000_000n)
      expect(placed.observedTimeUnixNano).toBe(placed.timeUnixNano)
      expect(attrs(placed)).toEqual({
        "logger.name": { stringValue: "checkout" },
        order_id: { intValue: "42" },
        amount: { doubleValue: 9.99 },
        paid: { boolValue: true },
        tags: { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } },
        address: {
          kvlistValue: { values: [{ key: "city", value: { stringValue: "Oslo" } }, { key: "zip", value: {} }] }
        },
        card: { stringValue: "<redacted>" },
        password: { stringValue: "[REDACTED]" }
      })
      expect(placed.traceId).toBeUndefined()
      expect(placed.spanId).toBeUndefined()
      expect(inSpan.traceId).toBe(spanIds.traceId)
      expect(inSpan.spanId).toBe(spanIds.spanId)
      expect(inSpan.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(inSpan.spanId).toMatch(/^[0-9a-f]{16}$/)
      expect(inSpan.flags).toBe(1)
      expect(attrs(inSpan)).toEqual({ request_id: { stringValue: "r-1" }, step: { intValue: "2" } })
      const f = attrs(failed)
      expect(f["exception.type"]).toEqual({ stringValue: "TypeError" })
      expect(f["exception.message"]).toEqual({ stringValue: "card declined" })
      expect(f["exception.stacktrace"].stringValue).toContain("TypeError: card declined")
      expect(attrs(plain)).toEqual({ tenant: { stringValue: "acme" } })
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("configuration from OTEL_* variables; a bad one fails at startup naming it", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      const env = (vars: Record<string, string>) =>
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))
      yield* Log.info("from env").pipe(
        Effect.provide(Telemetry.otlp(fast)),
        env({
          OTEL_EXPORTER_OTLP_ENDPOINT: `${rx.url}/otlp/`,
          OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20t0k,x-tenant=acme",
          OTEL_SERVICE_NAME: "billing",
          OTEL_RESOURCE_ATTRIBUTES: "service.version=2.0.1,host.name=h1"
        })
      )
      yield* Log.info("logs endpoint wins").pipe(
        Effect.provide(Telemetry.otlp({ ...fast, headers: { "x-tenant": "override" } })),
        env({
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9/unused",
          OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${rx.url}/custom/logs`,
          OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=acme"
        })
      )
      expect(rx.requests.map((r) => r.path)).toEqual(["/otlp/v1/logs", "/custom/logs"])
      const [first, second] = rx.requests
      expect(first!.headers.authorization).toBe("Bearer t0k")
      expect(first!.headers["x-tenant"]).toBe("acme")
      expect(resource(first!)).toEqual({
        ...sdk,
        "service.version": { stringValue: "2.0.1" },
        "host.name": { stringValue: "h1" },
        "service.name": { stringValue: "billing" }
      })
      expect(second!.headers["x-tenant"]).toBe("override")
      expect(resource(second!)["service.name"]).toEqual({ stringValue: "unknown_service:node" })
      expect(records(second!).map((r) => r.body.stringValue)).toEqual(["logs endpoint wins"])

      const bad = yield* Effect.exit(
        Log.info("x").pipe(Effect.provide(Telemetry.otlp()), env({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }))
      )
      expect(Exit.isFailure(bad)).toBe(true)
      expect(String(Exit.isFailure(bad) ? bad.cause : "")).toContain("OTEL_EXPORTER_OTLP_ENDPOINT")
      const badHeaders = yield* Effect.exit(
        Log.info("x").pipe(Effect.provide(Telemetry.otlp()), env({ OTEL_EXPORTER_OTLP_HEADERS: "novalue" }))
      )
      expect(String(Exit.isFailure(badHeaders) ? badHeaders.cause : "")).toContain("OTEL_EXPORTER_OTLP_HEADERS")
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("batches by size while running, by interval, and flushes the rest on close; Telemetry.flush includes it", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      yield* Effect.gen(function*() {
        // Full batches go out on their own (size trigger); the last 5 wait for the interval (1 hour) or a flush.
        for (let i = 0; i < 10; i++) yield* Log.info("item", { i })
        yield* until(() => rx.requests.length === 1)
        for (let i = 10; i < 20; i++) yield* Log.info("item", { i })
        yield* until(() => rx.requests.length === 2)
        for (let i = 20; i < 25; i++) yield* Log.info("item", { i })
        yield* Effect.sleep("50 millis")
        expect(rx.requests.map((r) => records(r).length)).toEqual([10, 10])
        const report = yield* Telemetry.flush("5 seconds")
        expect(report).toMatchObject({ status: "flushed", written: 5, failed: 0, pending: 0, dropped: 0 })
      }).pipe(Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rx.url}/v1/logs`, maxBatchSize: 10 })))
      expect(rx.requests.map((r) => records(r).length)).toEqual([10, 10, 5])
      expect(allRecords(rx).map((r) => attrs(r).i.intValue)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)))

      const rx2 = yield* receiver()
      yield* Effect.gen(function*() {
        yield* Log.info("tick")
        // Interval trigger, while the program keeps running.
        yield* until(() => rx2.requests.length === 1)
      }).pipe(Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rx2.url}/v1/logs`, scheduledDelay: "20 millis" })))
      expect(allRecords(rx2).map((r) => r.body.stringValue)).toEqual(["tick"])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("503 then 429 then recovery: retried, nothing lost or duplicated", () =>
    Effect.gen(function*() {
      const rx = yield* receiver((n) => (n === 0 ? 503 : n === 1 ? 429 : 200))
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* Log.info("event", { i })
        return yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rx.url}/v1/logs` })))
      expect(report).toMatchObject({ status: "flushed", written: 5, failed: 0 })
      expect(rx.requests.map((r) => r.status)).toEqual([503, 429, 200])
      // Every attempt carried the same batch; the accepted one has all 5, once.
      for (const r of rx.requests) expect(records(r).map((x) => attrs(x).i.intValue)).toEqual(["0", "1", "2", "3", "4"])
      expect(allRecords(rx)).toHaveLength(5)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a batch that exhausts its retries is kept (within the bound) and sent when the collector is back", () =>
    Effect.gen(function*() {
      // 3 attempts of the first round fail with 503; the next round succeeds.
      const rx = yield* receiver((n) => (n < 3 ? 503 : 200))
      yield* Effect.gen(function*() {
        for (let i = 0; i < 4; i++) yield* Log.info("kept", { i })
        yield* until(() => rx.requests.some((r) => r.status === 200))
      }).pipe(
        Effect.provide(
          Telemetry.otlp({
            ...fast,
            endpoint: `${rx.url}/v1/logs`,
            scheduledDelay: "10 millis",
            circuitBreaker: { failureThreshold: 10 }
          })
        )
      )
      expect(rx.requests.slice(0, 4).map((r) => r.status)).toEqual([503, 503, 503, 200])
      expect(allRecords(rx).map((r) => attrs(r).i.intValue)).toEqual(["0", "1", "2", "3"])
      // A 400 (payload rejected) is not retried.
      const rejecting = yield* receiver(() => 400)
      const report = yield* Effect.gen(function*() {
        yield* Log.info("rejected")
        return yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rejecting.url}/v1/logs` })))
      expect(rejecting.requests).toHaveLength(1)
      expect(report).toMatchObject({ status: "failed", failed: 1 })
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("collector down for good: the breaker opens, the program is unaffected, shutdown ends within its deadline", () =>
    Effect.gen(function*() {
      const port = yield* deadPort
      let dropped = -1
      const result = yield* Effect.gen(function*() {
        let sum = 0
        for (let i = 0; i < 100; i++) {
          yield* Log.info("working", { i })
          sum += i
          if (i % 10 === 0) yield* Effect.sleep("5 millis")
        }
        // The console side keeps every line whatever the collector does.
        const lines = (yield* TestLog.records).filter((r) => r.message === "working")
        expect(lines).toHaveLength(100)
        // Bounded queue: at most 20 held while the collector is down, the rest dropped and counted.
        const report = yield* Telemetry.shutdown("300 millis")
        expect(report.pending).toBe(0)
        expect(report.written).toBe(0)
        // Every record is accounted for: dropped by the bound, or given up on at shutdown (at most the bound).
        expect(report.failed).toBeLessThanOrEqual(20)
        expect(report.dropped + report.failed).toBe(100)
        expect(report.status).toBe("failed")
        dropped = report.dropped
        return sum
      }).pipe(
        Effect.provide(
          Telemetry.otlp({
            endpoint: `http://127.0.0.1:${port}/v1/logs`,
            scheduledDelay: "5 millis",
            maxQueueSize: 20,
            maxBatchSize: 10,
            retry: { maxAttempts: 2, delay: "5 millis", jitter: "none" },
            circuitBreaker: { failureThreshold: 2, resetTimeout: "1 hour" },
            shutdownTimeout: "300 millis"
          })
        ),
        Effect.timeout("20 seconds")
      )
      expect(result).toBe(4950)
      const recs = yield* TestLog.records
      const opened = recs.filter((r) => r.message === "Circuit breaker state changed" && r.fields.to === "open")
      expect(opened.length).toBeGreaterThanOrEqual(1)
      expect(opened[0]!.fields.circuit).toBe("otlp")
      const losing = recs.filter((r) => r.message === "OTLP export is losing records")
      expect(losing).toHaveLength(1)
      expect(losing[0]!.loggerName).toBe("otlp")
      // No exporter line was ever exported (nothing could be), and none looped back into the queue:
      // besides the loss report, only the drop warnings, whose counts add up to the records dropped.
      const drops = recs.filter((r) => r.loggerName === "otlp" && r.message.startsWith("OTLP export queue full"))
      expect(recs.filter((r) => r.loggerName === "otlp")).toHaveLength(1 + drops.length)
      expect(drops.reduce((n, r) => n + (r.fields.dropped as number), 0)).toBe(dropped)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a collector that never answers: shutdown returns at its deadline with a report", () =>
    Effect.gen(function*() {
      const rx = yield* receiver(() => undefined)
      const report = yield* Effect.gen(function*() {
        yield* Log.info("stuck")
        return yield* Telemetry.shutdown("200 millis")
      }).pipe(
        Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rx.url}/v1/logs`, exportTimeout: "1 hour" })),
        Effect.timeout("10 seconds")
      )
      expect(rx.requests).toHaveLength(1)
      expect(report).toMatchObject({ status: "timed_out", pending: 0, failed: 1 })
      expect(report.written).toBe(0)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.effect("the program's own FiberRef-installed loggers stay: OTLP is added beside them", () =>
    Effect.gen(function*() {
      const port = yield* deadPort
      yield* Log.info("beside").pipe(
        Effect.provide(
          Telemetry.otlp({
            ...fast,
            endpoint: `http://127.0.0.1:${port}/v1/logs`,
            shutdownTimeout: "1 millis",
            retry: { maxAttempts: 1 }
          })
        )
      )
      expect((yield* TestLog.records).map((r) => r.message)).toContain("beside")
    }).pipe(Effect.provide(TestLog.layer())))

  it.live("HttpLogging + OTLP: a request's lines carry the trace id of its traceparent header", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      const app = HttpRouter.empty.pipe(
        HttpRouter.get("/hi", Effect.as(Log.info("in handler"), HttpServerResponse.text("hi")))
      )
      yield* Effect.gen(function*() {
        yield* HttpServer.serveEffect(app, HttpLogging.middleware)
        const { port } = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
        const res = yield* Effect.promise(() =>
          fetch(`http://127.0.0.1:${port}/hi`, {
            headers: {
              traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
              "x-request-id": "r-otlp"
            }
          }).then((r) => r.text())
        )
        expect(res).toBe("hi")
        // The response can reach the client just before the completion line is logged.
        for (let i = 0; i < 500; i++) {
          if ((yield* TestLog.records).some((r) => r.message === "Request completed")) break
          yield* Effect.sleep("10 millis")
        }
      }).pipe(
        Effect.scoped,
        Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
        Effect.provide(Telemetry.otlp({ ...fast, endpoint: `${rx.url}/v1/logs` }))
      )
      const recs = allRecords(rx).filter((r) => attrs(r).request_id?.stringValue === "r-otlp")
      // one scope per logger name: the handler's line (unnamed) and the middleware's ("http")
      expect(recs.map((r) => r.body.stringValue).sort()).toEqual(["Request completed", "in handler"])
      for (const r of recs) {
        expect(r.traceId).toBe("0af7651916cd43dd8448eb211c80319c")
        expect(r.spanId).toMatch(/^[0-9a-f]{16}$/)
        expect(r.spanId).not.toBe("b7ad6b7169203331")
        expect(attrs(r).path).toEqual({ stringValue: "/hi" })
      }
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))
})

describe("Otlp (the module, since 0.2.0)", () => {
  it.live("Otlp.layer exports every record; Telemetry.flush includes it and its report counts them", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      const report = yield* Effect.gen(function*() {
        yield* Log.named("orders").info("placed", { order_id: 7 })
        yield* Effect.logWarning("slow")
        return yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(Otlp.layer({ ...fast, endpoint: `${rx.url}/v1/logs`, serviceName: "shop" })))
      expect(report).toMatchObject({ status: "flushed", written: 2, failed: 0, pending: 0, dropped: 0 })
      expect(rx.requests.map((r) => r.path)).toEqual(["/v1/logs"])
      expect(resource(rx.requests[0]!)["service.name"]).toEqual({ stringValue: "shop" })
      expect(allRecords(rx).map((r) => [r.severityText, r.body.stringValue, attrs(r)["order_id"]])).toEqual([
        ["INFO", "placed", { intValue: "7" }],
        ["WARN", "slow", undefined]
      ])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("Otlp.layerWith sends through the HttpClient provided, as JSON when asked", () =>
    Effect.gen(function*() {
      const rx = yield* receiver()
      const layer = Otlp.layerWith({ ...fast, endpoint: `${rx.url}/v1/logs`, protocol: "http/json" }).pipe(
        Layer.provide(FetchHttpClient.layer)
      )
      yield* Log.info("through my client").pipe(Effect.provide(layer))
      expect(rx.requests.map((r) => [r.path, r.headers["content-type"]])).toEqual([["/v1/logs", "application/json"]])
      expect(allRecords(rx).map((r) => r.body.stringValue)).toEqual(["through my client"])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it("the Telemetry names of 0.1.0 are the same values and types", () => {
    expect(Telemetry.otlp).toBe(Otlp.layer)
    expect(Telemetry.otlpWith).toBe(Otlp.layerWith)
    expect(Telemetry.OtlpExportError).toBe(Otlp.OtlpExportError)
    const error: Otlp.OtlpExportError = new Otlp.OtlpExportError({ message: "collector answered 503", retryable: true })
    expect([error._tag, error.message, error.retryable]).toEqual(["OtlpExportError", "collector answered 503", true])
    const options: Telemetry.OtlpOptions = { maxBatchSize: 3 } satisfies Otlp.OtlpOptions
    expect(options.maxBatchSize).toBe(3)
  })

  it.effect("an invalid option dies at layer build, in the one wording of every option", () =>
    Effect.gen(function*() {
      const built = (options: Otlp.OtlpOptions) => Effect.scoped(Layer.build(Otlp.layer(options)))
      expect(yield* defectMessage(built({ maxBatchSize: 0 }))).toBe(
        "Otlp option maxBatchSize: invalid value 0; accepted: a whole number >= 1"
      )
      expect(yield* defectMessage(built({ maxQueueSize: 1.5 }))).toBe(
        "Otlp option maxQueueSize: invalid value 1.5; accepted: a whole number >= 1"
      )
    }))
})
