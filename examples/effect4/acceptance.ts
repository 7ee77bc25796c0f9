/**
 * A program written only against Effect 4 that uses `effect-foundation/effect4` end to end (issue 21, "Acceptance"):
 * bound and fiber context, a retry that logs, a fallback, an HTTP server with one line per request, then 20,000
 * numbered lines and `process.exit(0)` right after the last one (the exit hook writes what is still buffered).
 * test/Package.test.ts installs the packed package with only effect 4 beside it and runs this under Node 22.
 *
 *   npx tsx --conditions=source examples/effect4/acceptance.ts | npx effect-foundation pretty
 *   LINES=100 npx tsx --conditions=source examples/effect4/acceptance.ts
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Layer } from "effect"
import { ErrorHandling, FoundationLive, HttpLogging, Log, Retry } from "effect-foundation/effect4"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

// Bound context (a named logger with bound fields) and fiber context (every record logged inside, in every fiber
// it starts, plain `Effect.log*` included).
const orders = Log.named("orders").bind({ tenant: "acme" })
const context = Effect.gen(function*() {
  yield* orders.info("Order placed", { order_id: 7 })
  yield* Effect.all([orders.info("Reserving stock"), Effect.logInfo("Charging card")], { concurrency: "unbounded" })
}).pipe(Log.withContext({ request_id: "req-1" }))

// A call that fails twice, then succeeds: two "Retrying" lines, then the result.
let calls = 0
const flaky = Effect.suspend(() => {
  calls++
  return calls < 3 ? Effect.fail(new Error(`connection reset (call ${calls})`)) : Effect.succeed("payload")
})
const retried = Effect.gen(function*() {
  const result = yield* flaky.pipe(
    Retry.withRetry({ maxAttempts: 3, delay: "10 millis", backoff: 2, logRetries: true })
  )
  yield* Log.info("Fetch successful", { result, calls })
})

// A call that always fails: the error is logged, the fallback is used.
const fallback = Effect.gen(function*() {
  const value = yield* Effect.fail(new Error("cache unreachable")).pipe(
    ErrorHandling.withErrorHandling({ fallback: () => "default", logErrors: true })
  )
  yield* Log.info("Using value", { value })
})

// An HTTP server with the request logging middleware: one line per request (it switches effect 4's built-in
// `HttpMiddleware.logger` off for the requests it handles).
const Routes = Layer.mergeAll(
  HttpRouter.add(
    "GET",
    "/hello/:name",
    Effect.gen(function*() {
      const { name } = yield* HttpRouter.params
      yield* Log.info("Greeting", { name })
      return HttpServerResponse.text(`Hello, ${name}!`)
    })
  ),
  HttpRouter.add("GET", "/orders/:id", HttpServerResponse.text("no such order", { status: 404 }))
)
const ServerLive = HttpRouter.serve(Routes, { middleware: HttpLogging.middleware }).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)
const http = Effect.gen(function*() {
  const server = yield* HttpServer.HttpServer
  const base = HttpServer.formatAddress(server.address)
  for (const path of ["/hello/ada", "/orders/0", "/hello/grace"]) {
    const response = yield* Effect.promise(() => fetch(base + path, { headers: { "x-request-id": `http-${path}` } }))
    yield* Effect.promise(() => response.text())
  }
}).pipe(Effect.provide(ServerLive))

// Numbered lines, then process.exit right after the last: none may be lost.
const LINES = Number(process.env.LINES ?? 20_000)
const burst = Effect.gen(function*() {
  for (let i = 0; i < LINES; i++) {
    yield* Log.info("line", { i })
    if (i % 1_000 === 999) yield* Effect.yieldNow
  }
  return yield* Effect.sync(() => process.exit(0))
})

const main = Effect.gen(function*() {
  yield* Log.info("Acceptance starting")
  yield* context
  yield* retried
  yield* fallback
  yield* http
  yield* burst
})

// Foundation underneath everything else.
main.pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
