/**
 * The server of the HTTP scenario (bench/scenarios/http.ts), one process per
 * subject: a real `NodeHttpServer` on 127.0.0.1 (random port) with logging
 * through `Foundation.layer` (JSON, to /dev/null), and
 *
 * - `none`: no request logging
 * - `ours`: `HttpLogging.middleware`
 * - `effect`: Effect's `HttpMiddleware.logger`
 * - `line`: the floor of any request logger: one `Log.info` line when the
 *   request completes (`Effect.onExit`), with no request context, no id and
 *   no echo
 * - `bound`: the floor of a request logger that binds the request's context
 *   as `HttpLogging` must (`method`, `path` and `request_id` as log
 *   annotations, so every logger and `Effect.log*` see them): one FiberRefs
 *   update (`FiberRef.set`, the cheapest there is), never restored, and
 *   the same line with its duration; no echo, no options
 *
 * It tells the parent its port, then answers `"stats"` with the requests it
 * received, the lines its sink wrote (after a flush) and the CPU time it used,
 * and `"gc"` after a full collection (when run with `--expose-gc`).
 */
import { HttpMiddleware, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Clock, Context, Effect, Exit, FiberRef, HashMap, Runtime } from "effect"
import { Foundation, HttpLogging, Log, type LogSink, Telemetry } from "effect-foundation"
import { createServer } from "node:http"
import { currentFlushables } from "../src/internal/flush.js"

const subject = process.argv[2] as "none" | "ours" | "effect" | "line" | "bound"
let requests = 0

const router = HttpRouter.empty.pipe(
  HttpRouter.get("/api/items/:id", HttpServerResponse.json({ id: 1, name: "item", tags: ["a", "b"] }))
)

const status = (exit: Exit.Exit<HttpServerResponse.HttpServerResponse, unknown>) =>
  Exit.isSuccess(exit) ? exit.value.status : 500

const bound = <E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
  Effect.withFiberRuntime<HttpServerResponse.HttpServerResponse, E, R>((fiber) => {
    const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
    const context = HashMap.set(
      HashMap.set(
        HashMap.set(fiber.getFiberRef(FiberRef.currentLogAnnotations), "method", request.method),
        "path",
        request.url
      ),
      "request_id",
      crypto.randomUUID()
    )
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const start = clock.unsafeCurrentTimeMillis()
    return Effect.zipRight(
      FiberRef.set(FiberRef.currentLogAnnotations, context),
      Effect.onExit(
        app,
        (exit) =>
          Log.info("Request completed", { status: status(exit), duration_ms: clock.unsafeCurrentTimeMillis() - start })
      )
    )
  })

const main = Effect.gen(function*() {
  const app = router
  const logged = subject === "ours"
    ? HttpLogging.middleware(app)
    : subject === "effect"
    ? HttpMiddleware.logger(app)
    : subject === "line"
    ? Effect.onExit(app, (exit) => Log.info("Request completed", { status: status(exit) }))
    : subject === "bound"
    ? bound(app)
    : app
  // counted on arrival, outside every middleware
  const counted = Effect.zipRight(Effect.sync(() => void requests++), logged)
  yield* HttpServer.serveEffect(counted)
  const address = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
  const sink = (yield* FiberRef.get(currentFlushables))[0] as LogSink.LogSink
  const runtime = yield* Effect.runtime<never>()
  process.on("message", (m) => {
    // bench/instructions.ts: a full collection before the counted window (node --expose-gc)
    if (m === "gc") return void (globalThis.gc?.(), process.send!("gc"))
    if (m !== "stats") return
    void Runtime.runPromise(runtime)(Telemetry.flush()).then(() => {
      const cpu = process.cpuUsage()
      process.send!({ requests, lines: sink.stats().written, cpuMicros: cpu.user + cpu.system })
    })
  })
  process.send!({ port: address.port })
  yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
  Effect.provide(
    Foundation.layer({ format: "json", level: "info", sink: { target: { file: "/dev/null" }, exitHook: false } })
  )
)

process.on("disconnect", () => process.exit(0))
Effect.runFork(main)
