/**
 * Trace correlation in local lines (issue 11 item 6), and one redactor for
 * every destination: lines, span events, OTLP (issue 13 items 7 and 8).
 */
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, Tracer } from "effect"
import { Foundation, HttpLogging, Log, Telemetry } from "effect-foundation"
import { createServer } from "node:http"
import { decodeBody } from "./otlpProto.js"
import { localServer, recordingTracer } from "./utils.js"

/** A collector stand-in on 127.0.0.1 that keeps every request body. */
const collector = Effect.suspend(() => {
  const bodies: Array<any> = []
  return Effect.map(
    localServer((req, body, res) => {
      bodies.push(decodeBody(req.headers, body).body)
      res.writeHead(200, { "content-type": "application/json" })
      res.end("{}")
    }),
    ({ url }) => ({ url: `${url}/v1/logs`, bodies })
  )
})

const exported = (bodies: Array<any>): Array<any> =>
  bodies.flatMap((b) => b.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((s: any) => s.logRecords)))
const attrs = (rec: any): Record<string, any> => Object.fromEntries(rec.attributes.map((a: any) => [a.key, a.value]))

/** Foundation.layer writing to an array (JSON unless said otherwise). */
const captured = (options: Foundation.Options = {}) => {
  const chunks: Array<string> = []
  const layer = Foundation.layer({
    format: "json",
    ...options,
    sink: { target: (chunk: string) => void chunks.push(chunk), exitHook: false, ...options.sink }
  })
  const lines = () => chunks.join("").split("\n").filter((l) => l !== "")
  return { layer, lines, json: () => lines().map((l) => JSON.parse(l)) }
}

const external = (traceId: string, spanId: string) => Tracer.externalSpan({ traceId, spanId, sampled: true })
const env = (vars: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))

describe("trace ids in local lines", () => {
  it.effect("JSON lines inside a span carry trace_id and span_id; none outside", () =>
    Effect.gen(function*() {
      const out = captured()
      const ids = yield* Effect.gen(function*() {
        yield* Log.info("before")
        const ids = yield* Effect.gen(function*() {
          const span = yield* Effect.currentSpan
          yield* Log.named("worker").info("inside", { n: 1 })
          yield* Effect.logWarning("plain inside")
          return { trace_id: span.traceId, span_id: span.spanId }
        }).pipe(Effect.withSpan("op"))
        yield* Log.info("after")
        return ids
      }).pipe(Effect.provide(out.layer))
      const [before, inside, plain, after] = out.json()
      expect(before.trace_id).toBeUndefined()
      expect(before.span_id).toBeUndefined()
      expect(after.trace_id).toBeUndefined()
      expect(inside).toMatchObject({ message: "inside", logger_name: "worker", ...ids, n: 1 })
      expect(plain).toMatchObject({ message: "plain inside", ...ids })
      // right after the header, before the fields
      expect(Object.keys(inside)).toEqual(["timestamp", "level", "message", "logger_name", "trace_id", "span_id", "n"])
      expect(out.lines()[0]).not.toContain("trace_id")
    }))

  it.effect("invalid ids are left out and 64-bit trace ids padded, as the exporter does", () =>
    Effect.gen(function*() {
      const out = captured()
      yield* Effect.gen(function*() {
        yield* Log.info("garbage").pipe(Effect.withParentSpan(external("garbage-x-1", "garbage-x-1")))
        yield* Log.info("64").pipe(Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
        yield* Log.info("zero span").pipe(
          Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c", "0000000000000000"))
        )
      }).pipe(Effect.provide(out.layer))
      expect(out.json().map((r) => [r.message, r.trace_id, r.span_id])).toEqual([
        ["garbage", undefined, undefined],
        ["64", "0000000000000000a3ce929d0e0e4736", "00f067aa0ba902b7"],
        ["zero span", "0af7651916cd43dd8448eb211c80319c", undefined]
      ])
    }))

  it.live("the ids in a line are the ids the exporter sends", () =>
    Effect.gen(function*() {
      const rx = yield* collector
      const out = captured()
      yield* Effect.gen(function*() {
        yield* Log.info("own span").pipe(Effect.withSpan("op"))
        yield* Effect.logInfo("plain own span").pipe(Effect.withSpan("op2"))
        yield* Log.info("64").pipe(Effect.withParentSpan(external("a3ce929d0e0e4736", "00f067aa0ba902b7")))
        yield* Log.info("garbage").pipe(Effect.withParentSpan(external("garbage-x-1", "1")))
        yield* Log.info("none")
      }).pipe(
        Effect.provide(
          Telemetry.otlp({ endpoint: rx.url, scheduledDelay: "1 hour" }).pipe(Layer.provideMerge(out.layer))
        )
      )
      const lines = out.json().map((r) => [r.message, r.trace_id, r.span_id])
      const sent = exported(rx.bodies).map((r) => [r.body.stringValue, r.traceId, r.spanId])
      expect(sent).toEqual(lines)
      expect(lines.filter((l) => l[1] !== undefined)).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.effect("console lines: a short form with `traceIds: true` (or PROVIDE_LOG_TRACE_IDS); off by default. JSON can turn them off", () =>
    Effect.gen(function*() {
      const span = external("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
      const run = (options: Foundation.Options, vars: Record<string, string> = {}) =>
        Effect.gen(function*() {
          const out = captured(options)
          yield* Log.info("hello", { k: 1 }).pipe(Effect.withParentSpan(span), Effect.provide(out.layer), env(vars))
          return out.lines()[0]
        })
      expect(yield* run({ format: "key_value" })).toBe("[▶️] hello k=1")
      expect(yield* run({ format: "key_value", traceIds: true })).toBe("[▶️] hello k=1 trace=0af76519 span=b7ad6b71")
      expect(yield* run({ format: "key_value" }, { PROVIDE_LOG_TRACE_IDS: "true" })).toBe(
        "[▶️] hello k=1 trace=0af76519 span=b7ad6b71"
      )
      expect(yield* run({ format: "json" }, { PROVIDE_LOG_TRACE_IDS: "off" })).not.toContain("trace_id")
      expect(yield* run({ format: "json", traceIds: false })).not.toContain("trace_id")
      const bad = yield* Effect.exit(run({}, { PROVIDE_LOG_TRACE_IDS: "maybe" }))
      expect(Exit.isFailure(bad)).toBe(true)
      expect(String(Exit.isFailure(bad) ? bad.cause : "")).toContain("PROVIDE_LOG_TRACE_IDS: invalid value \"maybe\"")
    }))

  it.effect("the pretty CLI turns a JSON line from inside a span into the console line (ids are not fields)", () =>
    Effect.gen(function*() {
      const { makePrettifier } = yield* Effect.promise(() => import("../src/internal/pretty.js"))
      const json = captured()
      const console = captured({ format: "key_value" })
      const body = Log.named("worker").info("inside", { n: 1, span: "s" }).pipe(
        Effect.withParentSpan(external("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
      )
      yield* body.pipe(Effect.provide(json.layer))
      yield* body.pipe(Effect.provide(console.layer))
      expect(json.json()[0]).toMatchObject({
        trace_id: "0af7651916cd43dd8448eb211c80319c",
        span_id: "b7ad6b7169203331"
      })
      expect(makePrettifier()(json.lines()[0]!)).toBe(console.lines()[0] + "\n")
      expect(console.lines()[0]).toBe("[👷] inside n=1 span=s")
    }))

  it.live("a request with a traceparent: its JSON lines carry the header's trace id", () =>
    Effect.gen(function*() {
      const out = captured()
      const app = HttpRouter.empty.pipe(
        HttpRouter.get("/hi", Effect.as(Log.info("in handler"), HttpServerResponse.text("hi")))
      )
      yield* Effect.gen(function*() {
        yield* HttpServer.serveEffect(app, HttpLogging.middleware)
        const { port } = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
        yield* Effect.promise(() =>
          fetch(`http://127.0.0.1:${port}/hi`, {
            headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }
          }).then((r) => r.text())
        )
        for (let i = 0; i < 500 && !out.lines().some((l) => l.includes("Request completed")); i++) {
          yield* Telemetry.flush()
          yield* Effect.sleep("10 millis")
        }
      }).pipe(
        Effect.scoped,
        Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
        Effect.provide(out.layer)
      )
      const recs = out.json().filter((r) => r.message === "in handler" || r.message === "Request completed")
      expect(recs).toHaveLength(2)
      for (const r of recs) {
        expect(r.trace_id).toBe("0af7651916cd43dd8448eb211c80319c")
        expect(r.span_id).toMatch(/^[0-9a-f]{16}$/)
      }
    }))
})

describe("one redactor for every destination", () => {
  it.effect("span events are redacted exactly like lines", () =>
    Effect.gen(function*() {
      const { events, tracer } = recordingTracer()
      const out = captured({ redaction: { keys: ["pin"] } })
      yield* Effect.gen(function*() {
        yield* Log.info("login with Bearer abcdefgh12345678", {
          password: "hunter2",
          api_key: "k-1",
          pin: "1234",
          user: "ada",
          nested: { token: "t" }
        })
        yield* Log.exception("failed", Object.assign(new Error("password=hunter2"), { secret: "s" }))
        yield* Effect.logInfo("plain with Bearer abcdefgh12345678").pipe(Effect.annotateLogs({ cookie: "c=1" }))
      }).pipe(
        Log.withContext({ session: "s-1" }),
        Effect.withSpan("op"),
        Effect.provide(out.layer),
        Effect.withTracer(tracer)
      )
      const line = out.lines().join("\n")
      expect(line).not.toMatch(/hunter2|k-1|1234|abcdefgh12345678|s-1|"t"|c=1/)
      const text = JSON.stringify(events.map((e) => [e.name, e.attributes]))
      expect(text).not.toMatch(/hunter2|k-1|1234|abcdefgh12345678|s-1|"t"|c=1/)
      expect(events.map((e) => e.name)).toEqual([
        "login with Bearer [REDACTED]",
        "failed",
        "plain with Bearer [REDACTED]"
      ])
      expect(events[0]!.attributes).toMatchObject({
        session: "[REDACTED]",
        password: "[REDACTED]",
        api_key: "[REDACTED]",
        pin: "[REDACTED]",
        user: "ada",
        nested: { token: "[REDACTED]" }
      })
      expect(events[1]!.attributes!.error).toMatchObject({ message: "password=[REDACTED]", secret: "[REDACTED]" })
    }))

  it.live("OTLP uses the program's redaction settings (options and environment); its own option only hides more", () =>
    Effect.gen(function*() {
      const send = (
        foundation: Foundation.Options,
        otlp: Telemetry.OtlpOptions = {},
        vars: Record<string, string> = {}
      ) =>
        Effect.gen(function*() {
          const rx = yield* collector
          const out = captured(foundation)
          yield* Log.info("pin 1234 sent", {
            pin: "1234",
            otp_code: "999",
            password: "hunter2",
            extra: "e",
            user: "ada"
          }).pipe(
            Effect.provide(
              Telemetry.otlp({ endpoint: rx.url, scheduledDelay: "1 hour", ...otlp }).pipe(
                Layer.provideMerge(out.layer)
              )
            ),
            env(vars)
          )
          return { sent: attrs(exported(rx.bodies)[0]), line: out.json()[0] }
        }).pipe(Effect.scoped)
      const fromOptions = yield* send({ redaction: { keys: ["pin", "otp_code"] } })
      expect(fromOptions.line).toMatchObject({ pin: "[REDACTED]", otp_code: "[REDACTED]" })
      expect(fromOptions.sent).toMatchObject({
        pin: { stringValue: "[REDACTED]" },
        otp_code: { stringValue: "[REDACTED]" },
        password: { stringValue: "[REDACTED]" },
        user: { stringValue: "ada" }
      })
      const fromEnv = yield* send({}, {}, { PROVIDE_LOG_SANITIZATION_KEYS: "pin,otp_code" })
      expect(fromEnv.sent).toMatchObject({
        pin: { stringValue: "[REDACTED]" },
        otp_code: { stringValue: "[REDACTED]" }
      })
      // Telemetry.otlp({ redaction }) can hide more, never less
      const more = yield* send({ redaction: { keys: ["pin"] } }, { redaction: { keys: ["extra"] } })
      expect(more.sent).toMatchObject({
        pin: { stringValue: "[REDACTED]" },
        extra: { stringValue: "[REDACTED]" },
        user: { stringValue: "ada" }
      })
      expect(more.line.extra).toBe("e")
      const notLess = yield* send({ redaction: { keys: ["pin"] } }, { redaction: { enabled: false } })
      expect(notLess.sent).toMatchObject({
        pin: { stringValue: "[REDACTED]" },
        password: { stringValue: "[REDACTED]" }
      })
    }))
})
