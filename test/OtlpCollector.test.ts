/**
 * The OTLP exporter against a collector stand-in on 127.0.0.1 that answers
 * like a real one (test/collector.ts). The tests that wait out a real
 * deadline or run a child process are in OtlpCollectorProcess.test.ts.
 */
import { OtlpSerialization, OtlpTracer } from "@effect/opentelemetry"
import { FetchHttpClient, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, type Context, Effect, Exit, Fiber, Layer, Option, TestClock, Tracer } from "effect"
import { HttpLogging, Log, Telemetry, TestLog } from "effect-foundation"
import { createServer } from "node:http"
import { accepted, at, attrs, collector, type Received, records } from "./collector.js"

const HEX32 = /^[0-9a-f]{32}$/
const HEX16 = /^[0-9a-f]{16}$/

/** A real wait (not the Clock: some tests run under TestClock). */
const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((r) => setTimeout(r, ms)))

/** Waits (real time, bounded ~5 s) until `predicate` holds. */
const until = (predicate: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500 && !predicate(); i++) yield* realSleep(10)
    expect(predicate()).toBe(true)
  })

const env = (vars: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))

describe("nothing written where it does not belong, no torn line, no frozen loop (OTLP)", () => {
  it.live("OTEL_EXPORTER_OTLP_(LOGS_)HEADERS that no HTTP request can carry fail at start, naming the variable, without the value", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const cases: ReadonlyArray<readonly [string, string, string]> = [
        ["OTEL_EXPORTER_OTLP_HEADERS", "a=b%0d%0aX:1", "value of header \"a\""],
        ["OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-key=s3cret%00", "value of header \"x-key\""],
        ["OTEL_EXPORTER_OTLP_HEADERS", "x-key=s3cret%0a", "value of header \"x-key\""],
        ["OTEL_EXPORTER_OTLP_HEADERS", "bad name=s3cret", "header name is not an HTTP token"],
        ["OTEL_EXPORTER_OTLP_HEADERS", "x(y)=s3cret", "header name is not an HTTP token"],
        ["OTEL_EXPORTER_OTLP_HEADERS", "x-key=%E2%82%AC", "value of header \"x-key\""]
      ]
      for (const [name, value, why] of cases) {
        const exit = yield* Effect.exit(
          Log.info("x").pipe(Effect.provide(Telemetry.otlp(at(rx))), env({ [name]: value }))
        )
        const text = Exit.isFailure(exit) ? String(exit.cause) : "started"
        expect(text, `${name}=${value}`).toContain(`${name}: invalid value`)
        expect(text, `${name}=${value}`).toContain(why)
        expect(text, `${name}=${value}: the value is not echoed`).not.toContain("s3cret")
      }
      // nothing was sent with a broken header
      expect(rx.requests).toHaveLength(0)
      // legal headers still go through: a token name, a value with spaces and obs-text
      yield* Log.info("ok").pipe(
        Effect.provide(Telemetry.otlp(at(rx))),
        env({ OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20t0k,x-tenant=acme~1" })
      )
      expect(rx.requests.map((r) => [r.status, r.headers.authorization, r.headers["x-tenant"]])).toEqual([
        [200, "Bearer t0k", "acme~1"]
      ])
      // the option is checked too
      const option = yield* Effect.exit(
        Log.info("x").pipe(Effect.provide(Telemetry.otlp({ ...at(rx), headers: { a: "b\r\nX: 1" } })))
      )
      expect(Exit.isFailure(option) ? String(option.cause) : "started").toContain("Otlp option headers")
      expect(rx.requests).toHaveLength(1)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it("the exit report counts the queued, the unreported earlier drops and the batch in flight; no credentials or query in it", async () => {
    const { exitReport } = await import("../src/internal/otlp.js") as any
    const url = "https://user:pw@collector:4318/v1/logs?api_key=s3cret"
    expect(exitReport(url, 0, 0, 0)).toBeUndefined()
    expect(exitReport(url, 300, 0, 0)).toBe(
      "effect-foundation: OTLP export (https://collector:4318/v1/logs): 300 records dropped (not sent before the process exited)\n"
    )
    expect(exitReport(url, 300, 12, 512)).toBe(
      "effect-foundation: OTLP export (https://collector:4318/v1/logs): 312 records dropped (300 not sent before the process exited, 12 earlier, the queue being full); 512 more in flight, delivery unknown\n"
    )
    expect(exitReport(url, 0, 0, 5)).toBe(
      "effect-foundation: OTLP export (https://collector:4318/v1/logs): no records dropped; 5 more in flight, delivery unknown\n"
    )
  })
})

/** An external parent span with the ids a propagator handed over as they were. */
const external = (traceId: string, spanId: string) => Tracer.externalSpan({ traceId, spanId, sampled: true })

describe("OTLP exporter against a collector stand-in", () => {
  it.live("malformed and 64-bit ids never reject the batch; invalid ids are left out, 64-bit trace ids padded", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const ids = yield* Effect.gen(function*() {
        yield* Log.info("no span")
        // What B3 / traceparent propagation hands over as is
        yield* Log.info("garbage b3").pipe(Effect.withParentSpan(external("garbage-x-1", "garbage-x-1")))
        yield* Log.info("garbage parent, own span").pipe(
          Effect.withSpan("child"),
          Effect.withParentSpan(external("garbage-x-1", "1"))
        )
        yield* Log.info("64-bit b3").pipe(Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
        const child = yield* Effect.gen(function*() {
          const span = yield* Effect.currentSpan
          yield* Log.info("64-bit parent, own span")
          return span.spanId
        }).pipe(Effect.withSpan("child"), Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
        yield* Log.info("non-hex").pipe(
          Effect.withParentSpan(external("zzzz7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
        )
        yield* Log.info("upper-case").pipe(
          Effect.withParentSpan(external("0AF7651916CD43DD8448EB211C80319C", "B7AD6B7169203331"))
        )
        yield* Log.info("all-zero trace").pipe(
          Effect.withParentSpan(external("00000000000000000000000000000000", "b7ad6b7169203331"))
        )
        yield* Log.info("all-zero span").pipe(
          Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c", "0000000000000000"))
        )
        yield* Log.info("too long").pipe(
          Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c00", "b7ad6b716920333100"))
        )
        yield* Log.info("valid").pipe(
          Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
        )
        yield* Effect.logWarning("plain effect log, garbage").pipe(Effect.withParentSpan(external("garbage-x-1", "x")))
        yield* Effect.logWarning("plain effect log, 64-bit").pipe(
          Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7"))
        )
        const own = yield* Effect.gen(function*() {
          const span = yield* Effect.currentSpan
          yield* Log.info("own span")
          return { traceId: span.traceId, spanId: span.spanId }
        }).pipe(Effect.withSpan("op"))
        return { child, own }
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
      // One batch of 14, accepted as a whole
      expect(rx.requests.map((r) => r.status)).toEqual([200])
      const got = accepted(rx).map((r) => [r.body.stringValue, r.traceId, r.spanId])
      expect(got).toEqual([
        ["no span", undefined, undefined],
        ["garbage b3", undefined, undefined],
        ["garbage parent, own span", undefined, undefined],
        ["64-bit b3", "0000000000000000a3ce929d0e0e4736", "00f067aa0ba902b7"],
        ["64-bit parent, own span", "0000000000000000a3ce929d0e0e4736", ids.child],
        ["non-hex", undefined, undefined],
        ["upper-case", undefined, undefined],
        ["all-zero trace", undefined, undefined],
        ["all-zero span", "0af7651916cd43dd8448eb211c80319c", undefined],
        ["too long", undefined, undefined],
        ["valid", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"],
        ["plain effect log, garbage", undefined, undefined],
        ["plain effect log, 64-bit", "0000000000000000a3ce929d0e0e4736", "00f067aa0ba902b7"],
        ["own span", ids.own.traceId, ids.own.spanId]
      ])
      // flags only with a trace id
      for (const r of accepted(rx)) expect(r.flags === undefined).toBe(r.traceId === undefined)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a request with `b3: garbage-x-1` through HttpLogging is exported, without ids", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const app = HttpRouter.empty.pipe(
        HttpRouter.get("/hi", Effect.as(Log.info("in handler"), HttpServerResponse.text("hi")))
      )
      yield* Effect.gen(function*() {
        yield* HttpServer.serveEffect(app, HttpLogging.make({ received: true }))
        const { port } = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
        for (const headers of [{ b3: "garbage-x-1" }, { b3: "a3ce929d0e0e4736-00f067aa0ba902b7-1" }]) {
          const res = yield* Effect.promise(() =>
            fetch(`http://127.0.0.1:${port}/hi`, { headers }).then((r) => r.text())
          )
          expect(res).toBe("hi")
        }
        for (let i = 0; i < 500; i++) {
          if ((yield* TestLog.records).filter((r) => r.message === "Request completed").length === 2) break
          yield* realSleep(10)
        }
      }).pipe(
        Effect.scoped,
        Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
        Effect.provide(Telemetry.otlp(at(rx)))
      )
      expect(rx.requests.every((r) => r.status === 200)).toBe(true)
      const recs = accepted(rx).filter((r) => r.body.stringValue === "in handler")
      expect(recs).toHaveLength(2)
      expect(recs[0].traceId).toBeUndefined()
      expect(recs[1].traceId).toBe("0000000000000000a3ce929d0e0e4736")
      expect(recs[1].spanId).toMatch(HEX16)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("400 and 500 are not retried; 503 is", () =>
    Effect.gen(function*() {
      for (const status of [400, 500, 501, 408]) {
        const rx = yield* collector(() => ({ status }))
        const report = yield* Effect.gen(function*() {
          yield* Log.info("rejected")
          return yield* Telemetry.flush("5 seconds")
        }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
        expect(rx.requests.map((r) => r.status)).toEqual([status])
        expect(report).toMatchObject({ status: "failed", failed: 1, written: 0, pending: 0 })
      }
      for (const status of [429, 502, 503, 504]) {
        const rx = yield* collector((n) => ({ status: n === 0 ? status : 200 }))
        const report = yield* Effect.gen(function*() {
          yield* Log.info("retried")
          return yield* Telemetry.flush("5 seconds")
        }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
        expect(rx.requests.map((r) => r.status)).toEqual([status, 200])
        expect(report).toMatchObject({ status: "flushed", failed: 0, written: 1, pending: 0 })
      }
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.effect("429 with `Retry-After: 1` waits a second before the retry (TestClock)", () =>
    Effect.gen(function*() {
      const rx = yield* collector((n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }))
      yield* Effect.gen(function*() {
        yield* Log.info("later")
        const flushing = yield* Effect.fork(Telemetry.flush("10 seconds"))
        yield* until(() => rx.requests.length === 1)
        yield* realSleep(30)
        yield* TestClock.adjust("999 millis")
        yield* realSleep(100)
        // the policy's own wait (5 ms) is long over; Retry-After is not
        expect(rx.requests).toHaveLength(1)
        yield* TestClock.adjust("1 millis")
        yield* until(() => rx.requests.length === 2)
        const report = yield* Fiber.join(flushing)
        expect(report).toMatchObject({ status: "flushed", written: 1, failed: 0 })
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
      expect(rx.requests.map((r) => r.status)).toEqual([429, 200])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a Retry-After past the shutdown deadline does not hold the shutdown", () =>
    Effect.gen(function*() {
      const rx = yield* collector(() => ({ status: 503, headers: { "retry-after": "3600" } }))
      const report = yield* Effect.gen(function*() {
        yield* Log.info("x")
        return yield* Telemetry.shutdown("2 seconds")
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))), Effect.timeout("20 seconds"))
      expect(rx.requests).toHaveLength(1)
      expect(report.failed).toBe(1)
      expect(report.pending).toBe(0)
      expect(report.status).toBe("failed")
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it("Retry-After in seconds or as an HTTP date", async () => {
    const { retryAfterMillis } = await import("../src/internal/otlp.js") as any
    const now = Date.parse("2026-01-02T03:04:05Z")
    expect(retryAfterMillis("1", now)).toBe(1000)
    expect(retryAfterMillis(" 120 ", now)).toBe(120_000)
    expect(retryAfterMillis("Fri, 02 Jan 2026 03:04:15 GMT", now)).toBe(10_000)
    expect(retryAfterMillis("Fri, 02 Jan 2026 03:04:00 GMT", now)).toBe(0)
    expect(retryAfterMillis("soon", now)).toBeUndefined()
    expect(retryAfterMillis("-3", now)).toBeUndefined()
    expect(retryAfterMillis(undefined, now)).toBeUndefined()
  })

  it.live("with a tracer installed, the export itself makes no span and sends no trace headers", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const spans: Array<string> = []
      const tracer = Tracer.make({
        span: (name, parent, context, links, startTime, kind) => {
          spans.push(name)
          return new RecordingSpan(name, parent, context, links, startTime, kind)
        },
        context: (f) => f()
      })
      yield* Effect.gen(function*() {
        yield* Log.info("inside", { n: 1 }).pipe(Effect.withSpan("work"))
        yield* Log.info("outside")
        yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))), Effect.withTracer(tracer))
      expect(rx.requests.length).toBeGreaterThanOrEqual(1)
      for (const r of rx.requests) {
        expect(r.headers.traceparent).toBeUndefined()
        expect(r.headers.b3).toBeUndefined()
      }
      expect(spans).toEqual(["work"])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("only the program's spans are exported, none of the log export", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const TracerLive = OtlpTracer.layer({
        url: `${rx.url}/v1/traces`,
        resource: { serviceName: "svc" },
        exportInterval: "1 hour"
      }).pipe(
        Layer.provide(OtlpSerialization.layerJson),
        Layer.provide(FetchHttpClient.layer)
      )
      yield* Effect.gen(function*() {
        yield* Log.info("inside").pipe(Effect.withSpan("work"))
        yield* Log.info("outside")
        yield* Telemetry.flush("5 seconds")
        yield* Log.info("at shutdown")
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))), Effect.provide(TracerLive))
      const logs = rx.requests.filter((r) => r.path === "/v1/logs")
      const traces = rx.requests.filter((r) => r.path === "/v1/traces")
      expect(logs.flatMap(records).map((r) => r.body.stringValue)).toEqual(["inside", "outside", "at shutdown"])
      for (const r of logs) {
        expect(r.headers.traceparent).toBeUndefined()
        expect(r.headers.b3).toBeUndefined()
      }
      const spans = traces.flatMap((r) =>
        r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans))
      )
      expect(spans.map((s: any) => s.name)).toEqual(["work"])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("gzip from OTEL_EXPORTER_OTLP_(LOGS_)COMPRESSION: the body decodes to the same payload", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const batch = Effect.gen(function*() {
        for (let i = 0; i < 512; i++) {
          yield* Log.info("request handled", { i, path: "/api/items", status: 200, user_agent: "curl/8.5.0" })
        }
      })
      const run = (vars: Record<string, string>) =>
        batch.pipe(
          Effect.provide(Telemetry.otlp({ ...at(rx), maxBatchSize: 512 })),
          env(vars),
          Effect.provide(TestLog.layer())
        )
      yield* run({})
      yield* run({ OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" })
      yield* run({ OTEL_EXPORTER_OTLP_COMPRESSION: "gzip", OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: "none" })
      yield* run({ OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: "GZIP" })
      expect(rx.requests.map((r) => r.headers["content-encoding"])).toEqual([undefined, "gzip", undefined, "gzip"])
      const [plain, zipped, , zipped2] = rx.requests
      expect(zipped!.raw.length).toBeLessThan(plain!.raw.length / 10)
      const strip = (body: any) =>
        records({ body } as Received).map((r) => ({ ...r, timeUnixNano: "", observedTimeUnixNano: "" }))
      expect(strip(zipped!.body)).toEqual(strip(plain!.body))
      expect(strip(zipped2!.body)).toEqual(strip(plain!.body))
      expect(records(plain!)).toHaveLength(512)

      const bad = yield* Effect.exit(
        Log.info("x").pipe(Effect.provide(Telemetry.otlp(at(rx))), env({ OTEL_EXPORTER_OTLP_COMPRESSION: "br" }))
      )
      expect(Exit.isFailure(bad)).toBe(true)
      expect(String(Exit.isFailure(bad) ? bad.cause : "")).toContain(
        "OTEL_EXPORTER_OTLP_COMPRESSION: invalid value \"br\"; accepted: gzip, none"
      )
    }).pipe(Effect.scoped))

  it.live("OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT bounds one request", () =>
    Effect.gen(function*() {
      // the first request is never answered; the second is
      const rx = yield* collector((n) => (n === 0 ? undefined : { status: 200 }))
      const report = yield* Effect.gen(function*() {
        yield* Log.info("slow collector")
        return yield* Telemetry.flush("5 seconds")
      }).pipe(
        Effect.provide(Telemetry.otlp(at(rx))),
        env({ OTEL_EXPORTER_OTLP_TIMEOUT: "60000", OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: "100" })
      )
      expect(report).toMatchObject({ status: "flushed", written: 1 })
      expect(rx.requests).toHaveLength(2)
      const bad = yield* Effect.exit(
        Log.info("x").pipe(Effect.provide(Telemetry.otlp(at(rx))), env({ OTEL_EXPORTER_OTLP_TIMEOUT: "10s" }))
      )
      expect(String(Exit.isFailure(bad) ? bad.cause : "")).toContain(
        "OTEL_EXPORTER_OTLP_TIMEOUT: invalid value \"10s\""
      )
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL: http/protobuf by default and when asked, http/json when asked", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const runs: ReadonlyArray<readonly [string, Record<string, string>, Telemetry.OtlpOptions]> = [
        ["unset", {}, {}],
        ["protobuf", { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }, {}],
        ["json", { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }, {}],
        ["logs wins", { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: " HTTP/JSON " }, {}],
        ["logs protobuf", {
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf"
        }, {}],
        ["option wins", { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, { protocol: "http/json" }]
      ]
      for (const [message, vars, options] of runs) {
        yield* Log.info(message).pipe(Effect.provide(Telemetry.otlp({ ...at(rx), ...options })), env(vars))
      }
      expect(rx.requests.map((r) => [records(r)[0].body.stringValue, r.headers["content-type"]])).toEqual([
        ["unset", "application/x-protobuf"],
        ["protobuf", "application/x-protobuf"],
        ["json", "application/json"],
        ["logs wins", "application/json"],
        ["logs protobuf", "application/x-protobuf"],
        ["option wins", "application/json"]
      ])
      // nothing to warn about
      expect((yield* TestLog.records).filter((r) => r.level === "warning")).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("OTEL_EXPORTER_OTLP_PROTOCOL=grpc or an unknown value never stops the program: one warning line", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const program = Effect.as(Log.info("still running"), "done")
      const run = (vars: Record<string, string>) =>
        Effect.gen(function*() {
          yield* TestLog.clear
          const result = yield* program.pipe(Effect.provide(Telemetry.otlp(at(rx))), env(vars))
          const recs = yield* TestLog.records
          return {
            result,
            lines: recs.map((r) => r.message),
            warnings: recs.filter((r) => r.level === "warning").map((r) => r.message)
          }
        })
      // grpc: no HTTP/2 client here; the export is off, the program runs
      const grpc = yield* run({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })
      expect(grpc.result).toBe("done")
      expect(grpc.lines).toContain("still running")
      expect(grpc.warnings).toEqual([
        "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: this exporter sends OTLP over HTTP only (http/protobuf, http/json); " +
        "OTLP log export is off"
      ])
      expect(rx.requests).toHaveLength(0)
      const grpcLogs = yield* run({
        OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "GRPC",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json"
      })
      expect(grpcLogs.warnings).toHaveLength(1)
      expect(grpcLogs.warnings[0]).toContain("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=grpc")
      expect(rx.requests).toHaveLength(0)
      // unknown: ignored (the OTel configuration rule for an unknown enum value), exported with the default
      const unknown = yield* run({ OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" })
      expect(unknown.result).toBe("done")
      expect(unknown.warnings).toEqual([
        "OTEL_EXPORTER_OTLP_PROTOCOL: unknown value \"thrift\" ignored (accepted: http/protobuf, http/json, grpc); " +
        "exporting with http/protobuf"
      ])
      expect(rx.requests.map((r) => [r.headers["content-type"], records(r).map((x) => x.body.stringValue)])).toEqual([
        ["application/x-protobuf", ["still running"]]
      ])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("User-Agent names the library and version; the scope carries the logger name", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      yield* Effect.gen(function*() {
        yield* Log.named("checkout").info("a")
        yield* Log.info("b")
        yield* Log.named("db.pool").warning("c")
        yield* Log.named("checkout").info("d")
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
      const pkg = JSON.parse(
        yield* Effect.promise(() => import("node:fs/promises").then((fs) => fs.readFile("package.json", "utf8")))
      )
      expect(rx.requests[0]!.headers["user-agent"]).toBe(`effect-foundation/${pkg.version}`)
      const scopes = rx.requests[0]!.body.resourceLogs[0].scopeLogs.map((
        s: any
      ) => [s.scope, s.logRecords.map((r: any) => r.body.stringValue)])
      expect(scopes).toEqual([
        [{ name: "checkout", version: pkg.version }, ["a", "d"]],
        [{ name: "effect-foundation", version: pkg.version }, ["b"]],
        [{ name: "db.pool", version: pkg.version }, ["c"]]
      ])
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a full queue reports its drops: one warning line with the exact count, not exported; `dropped` in the report", () =>
    Effect.gen(function*() {
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      const rx = yield* collector((n) => (n === 0 ? { status: 200, hold: held } : { status: 200 }))
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 10; i++) yield* Log.info("item", { i })
        // the first batch is in flight (held by the collector); the queue takes 20 more, the next 7 are dropped
        yield* until(() => rx.requests.length === 1)
        for (let i = 10; i < 37; i++) yield* Log.info("item", { i })
        release()
        return yield* Telemetry.flush("5 seconds")
      }).pipe(Effect.provide(Telemetry.otlp({ ...at(rx), maxBatchSize: 10, maxQueueSize: 20 })))
      expect(report.dropped).toBe(7)
      expect(report.status).toBe("flushed")
      const warnings = (yield* TestLog.records).filter((r) => r.message.startsWith("OTLP export queue full"))
      expect(warnings.map((w) => [w.level, w.message, w.fields.dropped])).toEqual([
        ["warning", "OTLP export queue full: 7 records dropped", 7]
      ])
      const sent = accepted(rx)
      expect(sent.map((r) => attrs(r).i?.intValue)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)))
      expect(sent.some((r) => r.body.stringValue.startsWith("OTLP export"))).toBe(false)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("20,000 records into a 2,048 queue: every drop is reported, warnings sum to the report's count", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      const report = yield* Effect.gen(function*() {
        for (let i = 0; i < 20_000; i++) yield* Log.info("burst", { i })
        return yield* Telemetry.flush("10 seconds")
      }).pipe(Effect.provide(Telemetry.otlp(at(rx))))
      const exported = accepted(rx).length
      expect(exported + report.dropped).toBe(20_000)
      expect(report.dropped).toBeGreaterThan(0)
      const warnings = (yield* TestLog.records).filter((r) => r.message.startsWith("OTLP export queue full"))
      expect(warnings.reduce((n, w) => n + (w.fields.dropped as number), 0)).toBe(report.dropped)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("a flush report's status agrees with its counts", () =>
    Effect.gen(function*() {
      const rx = yield* collector(() => ({ status: 503 }))
      const [flushed, shut] = yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* Log.info("kept", { i })
        const flushed = yield* Telemetry.flush("300 millis")
        const shut = yield* Telemetry.shutdown("300 millis")
        return [flushed, shut] as const
      }).pipe(Effect.provide(Telemetry.otlp({ ...at(rx), circuitBreaker: { failureThreshold: 100 } })))
      // nothing given up during the flush: the records wait for the next round
      expect(flushed).toMatchObject({ status: "timed_out", failed: 0, pending: 5, written: 0 })
      expect(shut).toMatchObject({ status: "failed", failed: 5, pending: 0, written: 0 })
      for (const r of [flushed, shut]) {
        if (r.status === "failed") expect(r.failed).toBeGreaterThan(0)
        if (r.status === "flushed") expect(r.failed + r.pending).toBe(0)
      }
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))

  it.live("an exported payload follows the OTLP/JSON rules, field by field", () =>
    Effect.gen(function*() {
      const rx = yield* collector()
      class Oops extends Error {
        code = 42
      }
      yield* Effect.gen(function*() {
        yield* Log.named("checkout").info("all kinds", {
          s: "x",
          i: 42,
          neg: -7,
          big: 2 ** 60,
          f: 1.5,
          nan: NaN,
          inf: -Infinity,
          b: false,
          n: null,
          u: undefined,
          bi: 12345678901234567890123n,
          arr: [1, "a", null, [true]],
          obj: { deep: { deeper: [1.25] } },
          date: new Date(0),
          map: new Map([["k", 1]]),
          set: new Set([1]),
          fn: () => 1,
          sym: Symbol("s"),
          "exception.message": "user field",
          "logger.name": "user field"
        })
        yield* Log.exception("failed", new Oops("bad"))
        yield* Effect.logError("a cause").pipe(Effect.withSpan("op"))
        yield* Effect.fail("nope").pipe(Effect.catchAllCause((cause) => Log.exception("from cause", cause)))
        for (const level of ["trace", "debug", "info", "warning", "error", "critical"] as const) {
          yield* Log[level]("level " + level)
        }
        yield* Log.info("64").pipe(Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
        yield* Log.info("garbage").pipe(Effect.withParentSpan(external("garbage-x-1", "1")))
      }).pipe(Effect.provide(Telemetry.otlp({ ...at(rx), resourceAttributes: { "k8s.pod.count": 3, ok: true } })))
      expect(rx.requests).toHaveLength(1)
      const problems: Array<string> = []
      validateRequest(rx.requests[0]!.body, problems)
      expect(problems).toEqual([])
      expect(records(rx.requests[0]!)).toHaveLength(12)
    }).pipe(Effect.scoped, Effect.provide(TestLog.layer())))
})

// --- OTLP/JSON rules (opentelemetry-proto, docs/specification.md#json-protobuf-encoding) ------------------------

const variants = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"]
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function validateAnyValue(v: any, path: string, out: Array<string>): void {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return void out.push(`${path}: not an object`)
  const keys = Object.keys(v)
  // the empty AnyValue (no variant set) stands for null
  if (keys.length === 0) return
  if (keys.length !== 1 || !variants.includes(keys[0]!)) {
    return void out.push(`${path}: not exactly one AnyValue variant: ${keys.join(",")}`)
  }
  const [k] = keys
  const x = v[k!]
  switch (k) {
    case "stringValue":
      if (typeof x !== "string") out.push(`${path}.stringValue: not a string`)
      break
    case "boolValue":
      if (typeof x !== "boolean") out.push(`${path}.boolValue: not a boolean`)
      break
    case "intValue":
      if (typeof x !== "string" || !/^-?\d+$/.test(x) || BigInt(x) < INT64_MIN || BigInt(x) > INT64_MAX) {
        out.push(`${path}.intValue: not an int64 decimal string: ${x}`)
      }
      break
    case "doubleValue":
      if (typeof x !== "number" || !Number.isFinite(x)) out.push(`${path}.doubleValue: not a finite number: ${x}`)
      break
    case "bytesValue":
      if (typeof x !== "string" || !/^[A-Za-z0-9+/]*=*$/.test(x)) out.push(`${path}.bytesValue: not base64`)
      break
    case "arrayValue":
      if (!Array.isArray(x?.values)) out.push(`${path}.arrayValue.values: not an array`)
      else x.values.forEach((e: any, i: number) => validateAnyValue(e, `${path}.arrayValue.values[${i}]`, out))
      break
    case "kvlistValue":
      validateKeyValues(x?.values, `${path}.kvlistValue.values`, out)
      break
  }
}

function validateKeyValues(list: any, path: string, out: Array<string>): void {
  if (!Array.isArray(list)) return void out.push(`${path}: not an array`)
  const seen = new Set<string>()
  list.forEach((kv: any, i: number) => {
    if (typeof kv?.key !== "string" || kv.key === "") out.push(`${path}[${i}].key: not a non-empty string`)
    else if (seen.has(kv.key)) out.push(`${path}[${i}].key: duplicate ${kv.key}`)
    else seen.add(kv.key)
    const extra = Object.keys(kv ?? {}).filter((k) => k !== "key" && k !== "value")
    if (extra.length > 0) out.push(`${path}[${i}]: unknown fields ${extra.join(",")}`)
    validateAnyValue(kv?.value, `${path}[${i}].value`, out)
  })
}

const recordFields = new Set([
  "timeUnixNano",
  "observedTimeUnixNano",
  "severityNumber",
  "severityText",
  "body",
  "attributes",
  "droppedAttributesCount",
  "flags",
  "traceId",
  "spanId",
  "eventName"
])

function validateRequest(body: any, out: Array<string>): void {
  if (!Array.isArray(body?.resourceLogs)) return void out.push("resourceLogs: not an array")
  body.resourceLogs.forEach((rl: any, i: number) => {
    const p = `resourceLogs[${i}]`
    validateKeyValues(rl.resource?.attributes, `${p}.resource.attributes`, out)
    if (!Array.isArray(rl.scopeLogs)) return void out.push(`${p}.scopeLogs: not an array`)
    rl.scopeLogs.forEach((sl: any, j: number) => {
      const q = `${p}.scopeLogs[${j}]`
      if (typeof sl.scope?.name !== "string") out.push(`${q}.scope.name: not a string`)
      if (sl.scope?.version !== undefined && typeof sl.scope.version !== "string") {
        out.push(`${q}.scope.version: not a string`)
      }
      if (!Array.isArray(sl.logRecords)) return void out.push(`${q}.logRecords: not an array`)
      sl.logRecords.forEach((r: any, k: number) => {
        const s = `${q}.logRecords[${k}]`
        for (const key of Object.keys(r)) if (!recordFields.has(key)) out.push(`${s}: unknown field ${key}`)
        for (const t of ["timeUnixNano", "observedTimeUnixNano"]) {
          if (typeof r[t] !== "string" || !/^\d+$/.test(r[t]) || BigInt(r[t]) > 2n ** 64n - 1n) {
            out.push(`${s}.${t}: not a fixed64 decimal string`)
          }
        }
        if (!Number.isInteger(r.severityNumber) || r.severityNumber < 1 || r.severityNumber > 24) {
          out.push(`${s}.severityNumber: not 1..24`)
        }
        if (typeof r.severityText !== "string") out.push(`${s}.severityText: not a string`)
        validateAnyValue(r.body, `${s}.body`, out)
        validateKeyValues(r.attributes, `${s}.attributes`, out)
        if (r.traceId !== undefined && (!HEX32.test(r.traceId) || /^0+$/.test(r.traceId))) {
          out.push(`${s}.traceId: not 32 lowercase hex digits, not all zero: ${r.traceId}`)
        }
        if (r.spanId !== undefined && (!HEX16.test(r.spanId) || /^0+$/.test(r.spanId))) {
          out.push(`${s}.spanId: not 16 lowercase hex digits, not all zero: ${r.spanId}`)
        }
        if (r.spanId !== undefined && r.traceId === undefined) out.push(`${s}.spanId without traceId`)
        if (r.flags !== undefined && (!Number.isInteger(r.flags) || r.flags < 0 || r.flags > 0xffffffff)) {
          out.push(`${s}.flags: not a fixed32`)
        }
      })
    })
  })
}

/** A span that keeps what it is told (enough for a recording tracer). */
class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<[string, bigint, Record<string, unknown> | undefined]> = []
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    readonly links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.status = { _tag: "Started", startTime }
    this.traceId = Option.match(parent, { onNone: () => hex(32), onSome: (p) => p.traceId })
    this.spanId = hex(16)
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push([name, startTime, attributes])
  }
  addLinks(): void {}
}

const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("")
