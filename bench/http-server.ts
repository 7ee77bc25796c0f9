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
 *
 * It tells the parent its port, then answers `"stats"` with the requests it
 * received, the lines its sink wrote (after a flush) and the CPU time it used.
 */
import { HttpMiddleware, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Exit, FiberRef, Runtime } from "effect"
import { Foundation, HttpLogging, Log, type LogSink, Telemetry } from "effect-foundation"
import { createServer } from "node:http"
import { currentFlushables } from "../src/internal/flush.js"

const subject = process.argv[2] as "none" | "ours" | "effect" | "line"
let requests = 0

const router = HttpRouter.empty.pipe(
  HttpRouter.get("/api/items/:id", HttpServerResponse.json({ id: 1, name: "item", tags: ["a", "b"] }))
)

const main = Effect.gen(function*() {
  const app = router
  const logged = subject === "ours"
    ? HttpLogging.middleware(app)
    : subject === "effect"
    ? HttpMiddleware.logger(app)
    : subject === "line"
    ? Effect.onExit(
      app,
      (exit) => Log.info("Request completed", { status: Exit.isSuccess(exit) ? exit.value.status : 500 })
    )
    : app
  // counted on arrival, outside every middleware
  const counted = Effect.zipRight(Effect.sync(() => void requests++), logged)
  yield* HttpServer.serveEffect(counted)
  const address = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
  const sink = (yield* FiberRef.get(currentFlushables))[0] as LogSink.LogSink
  const runtime = yield* Effect.runtime<never>()
  process.on("message", (m) => {
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
