/**
 * Seed: "With aiohttp" (the logging middleware factory).
 * Python binds method/path/request_id to a logger in the middleware and logs
 * "Request received" / "Request completed" / exceptions. Here
 * `HttpLogging.middleware` binds them to every record logged while the request
 * is handled (handler logs and plain `Effect.log*` included), echoes the
 * request id, and writes WARN for 4xx, ERROR with the cause for 5xx and
 * defects, WARN "Request cancelled" when the client goes away. It writes one
 * line per request by default; `received: true` adds provide.foundation's
 * "Request received" line.
 *
 * Run:   npx tsx --conditions=source examples/http-server.ts      (PORT=8080 by default)
 * Then:  curl -i localhost:8080/hello/ada
 *        curl -i -H 'X-Request-ID: req-42' localhost:8080/orders/7
 *        curl -i localhost:8080/orders/0        # 404 -> WARN
 *        curl -i localhost:8080/boom            # 500 -> ERROR with the cause
 *        curl -m 1 localhost:8080/slow          # client gives up -> WARN "Request cancelled"
 *        curl localhost:8080/health             # skipped: no request lines
 *
 * Readable output when piped:  ... examples/http-server.ts | npx effect-foundation pretty
 * Ship the logs to an OpenTelemetry collector as well (each request's lines
 * carry its trace id; send a `traceparent` header to join your trace):
 *        OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME=shop npx tsx --conditions=source examples/http-server.ts
 */
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Layer } from "effect"
import { FoundationLive, HttpLogging, Log, Otlp } from "effect-foundation"
import { createServer } from "node:http"

const orders = Log.named("orders")

const router = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/hello/:name",
    Effect.gen(function*() {
      const { name } = yield* HttpRouter.params
      yield* Log.info("Greeting", { name })
      return HttpServerResponse.text(`Hello, ${name}!\n`)
    })
  ),
  HttpRouter.get(
    "/orders/:id",
    Effect.gen(function*() {
      const { id } = yield* HttpRouter.params
      yield* orders.debug("Looking up order", { order_id: id })
      if (id === "0") return HttpServerResponse.text("no such order\n", { status: 404 })
      yield* orders.info("Order found", { order_id: id, domain: "database", action: "query", status: "success" })
      return yield* HttpServerResponse.json({ id, items: 3 })
    })
  ),
  HttpRouter.get("/boom", Effect.fail(new Error("database unreachable"))),
  HttpRouter.get(
    "/slow",
    Effect.zipRight(
      Log.info("Starting slow work"),
      Effect.as(Effect.sleep("10 seconds"), HttpServerResponse.text("done\n"))
    )
  ),
  HttpRouter.get("/health", HttpServerResponse.text("ok\n"))
)

const logging = HttpLogging.make({ received: true, headers: ["user-agent", "authorization"], skipPaths: ["/health"] })

const ServerLive = Layer.unwrapEffect(
  Effect.map(
    Config.integer("PORT").pipe(Config.withDefault(8080)),
    (port) => NodeHttpServer.layer(() => createServer(), { port, host: "127.0.0.1" })
  )
)

const AppLive = router.pipe(
  HttpServer.serve(logging),
  HttpServer.withLogAddress,
  Layer.provide(ServerLive)
)

// OTLP export only when a collector is configured.
const OtlpLive = Layer.unwrapEffect(
  Effect.map(
    Config.option(Config.string("OTEL_EXPORTER_OTLP_ENDPOINT")),
    (endpoint) => endpoint._tag === "Some" ? Otlp.layer({ serviceVersion: "0.1.0" }) : Layer.empty
  )
)

// Foundation underneath everything else, so startup and shutdown lines are kept.
AppLive.pipe(Layer.provide(OtlpLive), Layer.provide(FoundationLive), Layer.launch, NodeRuntime.runMain)
