import {
  type HttpApp,
  HttpMiddleware,
  HttpRouter,
  HttpServer,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Data, Deferred, Duration, Effect } from "effect"
import { EmojiLogger, HttpLogging, Log, TestLog } from "effect-foundation"
import { createServer } from "node:http"

const serverLayer = NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })

/** Serves `app` on 127.0.0.1 (random port) for the duration of `body`, logs captured by TestLog. */
const withServer = <A, E>(
  app: HttpApp.Default<unknown, never>,
  middleware: HttpLogging.Middleware | undefined,
  body: (base: string) => Effect.Effect<A, E, TestLog.TestLog>
) =>
  Effect.gen(function*() {
    if (middleware === undefined) yield* HttpServer.serveEffect(app)
    else yield* HttpServer.serveEffect(app, middleware)
    const server = yield* HttpServer.HttpServer
    const address = server.address as HttpServer.TcpAddress
    expect(address.hostname).toBe("127.0.0.1")
    return yield* body(`http://127.0.0.1:${address.port}`)
  }).pipe(Effect.scoped, Effect.provide(serverLayer), Effect.provide(TestLog.layer()))

const get = (url: string, headers: Record<string, string> = {}) =>
  Effect.promise(async () => {
    const res = await fetch(url, { headers })
    return { status: res.status, requestId: res.headers.get("x-request-id"), body: await res.text() }
  })

/** The response may reach the client just before the completion line is logged: wait for it (bounded). */
const waitForRecords = (predicate: (records: ReadonlyArray<TestLog.Record>) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1000; i++) {
      const recs = yield* TestLog.records
      if (predicate(recs)) return recs
      yield* Effect.sleep(Duration.millis(5))
    }
    return yield* TestLog.records
  })

const count = (message: string) => (recs: ReadonlyArray<TestLog.Record>) =>
  recs.filter((r) => r.message === message).length

const app = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/hello",
    Effect.gen(function*() {
      yield* Log.info("in handler", { step: 1 })
      yield* Effect.logDebug("plain effect log")
      return HttpServerResponse.text("hi")
    })
  ),
  HttpRouter.get("/bad", HttpServerResponse.text("no", { status: 400 })),
  HttpRouter.get("/unavailable", HttpServerResponse.text("later", { status: 503 })),
  HttpRouter.get("/fail", Effect.fail(new Error("boom"))),
  HttpRouter.get("/defect", Effect.die(new TypeError("kaput"))),
  HttpRouter.get("/health", HttpServerResponse.text("ok")),
  HttpRouter.get(
    "/item/:n",
    Effect.gen(function*() {
      const { n } = yield* HttpRouter.params
      yield* Log.info("handling", { n })
      yield* Effect.yieldNow()
      yield* Effect.forkScoped(Log.debug("forked", { n })).pipe(Effect.flatMap((f) => f.await))
      yield* Log.info("handled", { n })
      const request = yield* HttpServerRequest.HttpServerRequest
      return HttpServerResponse.text(`${n}:${request.headers["x-request-id"] ?? ""}`)
    }).pipe(Effect.scoped)
  )
)

describe("HttpLogging", () => {
  it.live("binds method, path and request_id to handler logs; echoes the incoming id; one line per request", () =>
    withServer(app, HttpLogging.middleware, (base) =>
      Effect.gen(function*() {
        const res = yield* get(`${base}/hello?token=secret`, { "X-Request-ID": "req-abc" })
        expect(res).toEqual({ status: 200, requestId: "req-abc", body: "hi" })
        const recs = yield* waitForRecords((r) => count("Request completed")(r) === 1)
        const ctx = { method: "GET", path: "/hello", request_id: "req-abc" }
        expect(recs.find((r) => r.message === "in handler")!.fields).toEqual({ ...ctx, step: 1 })
        expect(recs.find((r) => r.message === "plain effect log")!.fields).toEqual(ctx)
        const done = recs.find((r) => r.message === "Request completed")!
        expect(done).toMatchObject({ level: "info", loggerName: "http" })
        expect(Object.keys(done.fields).sort()).toEqual(["duration_ms", "method", "path", "request_id", "status"])
        expect(done.fields).toMatchObject({ ...ctx, status: 200 })
        expect(typeof done.fields.duration_ms).toBe("number")
        expect(done.fields.duration_ms as number).toBeGreaterThanOrEqual(0)
        // The query string (which may hold secrets) is not logged.
        expect(JSON.stringify(recs.map((r) => r.fields))).not.toContain("secret")
        // pino-http's and HttpMiddleware.logger's volume: the middleware's own line is the completion line only
        expect(recs.map((r) => r.message)).toEqual(["in handler", "plain effect log", "Request completed"])
      })))

  it.live("received: true adds a \"Request received\" line when the request arrives", () =>
    withServer(app, HttpLogging.make({ received: true, headers: ["user-agent"] }), (base) =>
      Effect.gen(function*() {
        yield* get(`${base}/hello`, { "X-Request-ID": "req-rcv", "user-agent": "curl/8" })
        const recs = yield* waitForRecords((r) => count("Request completed")(r) === 1)
        expect(recs.map((r) => r.message)).toEqual([
          "Request received",
          "in handler",
          "plain effect log",
          "Request completed"
        ])
        const ctx = { method: "GET", path: "/hello", request_id: "req-rcv" }
        expect(recs[0]).toMatchObject({
          level: "info",
          loggerName: "http",
          fields: { ...ctx, headers: { "user-agent": "curl/8" } }
        })
        expect(recs[3]!.fields).toMatchObject({ ...ctx, status: 200, headers: { "user-agent": "curl/8" } })
      })))

  it.live("generates an id when none (or an unusable one) is sent, and echoes it", () =>
    withServer(app, HttpLogging.middleware, (base) =>
      Effect.gen(function*() {
        const a = yield* get(`${base}/hello`)
        const b = yield* get(`${base}/hello`, { "x-request-id": "has space" })
        expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/)
        expect(b.requestId).toMatch(/^[0-9a-f-]{36}$/)
        expect(a.requestId).not.toBe(b.requestId)
        const recs = yield* waitForRecords((r) => count("Request completed")(r) === 2)
        const ids = recs.filter((r) => r.message === "in handler").map((r) => r.fields.request_id)
        expect(ids).toEqual([a.requestId, b.requestId])
      })))

  it.live("4xx is a WARN, 5xx and failures are an ERROR with the cause, defects too", () =>
    withServer(app, HttpLogging.make({ requestIdHeader: "X-Request-ID" }), (base) =>
      Effect.gen(function*() {
        expect((yield* get(`${base}/bad`, { "x-request-id": "r-bad" })).status).toBe(400)
        expect((yield* get(`${base}/nowhere`, { "x-request-id": "r-404" })).status).toBe(404)
        expect(yield* get(`${base}/unavailable`, { "x-request-id": "r-503" }))
          .toMatchObject({ status: 503, requestId: "r-503" })
        expect(yield* get(`${base}/fail`, { "x-request-id": "r-fail" }))
          .toMatchObject({ status: 500, requestId: "r-fail" })
        expect((yield* get(`${base}/defect`, { "x-request-id": "r-defect" })).status).toBe(500)
        const recs = yield* waitForRecords((r) => r.filter((x) => x.fields.status !== undefined).length === 5)
        const last = (id: string) => recs.filter((r) => r.fields.request_id === id).at(-1)!
        expect(last("r-bad")).toMatchObject({
          level: "warning",
          message: "Request completed",
          fields: { status: 400, path: "/bad" }
        })
        expect(last("r-404")).toMatchObject({
          level: "warning",
          message: "Request completed",
          fields: { status: 404, path: "/nowhere" }
        })
        expect(last("r-503")).toMatchObject({ level: "error", message: "Request failed", fields: { status: 503 } })
        const fail = last("r-fail")
        expect(fail).toMatchObject({
          level: "error",
          message: "Request failed",
          fields: { status: 500, method: "GET" }
        })
        const [failure] = Cause.failures(fail.cause)
        expect((failure as Error).message).toBe("boom")
        const defect = last("r-defect")
        expect(defect).toMatchObject({ level: "error", message: "Request failed", fields: { status: 500 } })
        const [d] = Cause.defects(defect.cause)
        expect(d).toBeInstanceOf(TypeError)
        expect((d as Error).message).toBe("kaput")
        // exactly one line (the completion) per request
        for (const id of ["r-bad", "r-404", "r-503", "r-fail", "r-defect"]) {
          expect(recs.filter((r) => r.fields.request_id === id)).toHaveLength(1)
        }
      })))

  it.live("client disconnect: WARN \"Request cancelled\", no completion line", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const slow = HttpRouter.empty.pipe(
        HttpRouter.get("/slow", Effect.zipRight(Deferred.succeed(started, undefined), Effect.never))
      )
      return yield* withServer(slow, HttpLogging.middleware, (base) =>
        Effect.gen(function*() {
          const controller = new AbortController()
          const pending = fetch(`${base}/slow`, { headers: { "x-request-id": "r-gone" }, signal: controller.signal })
            .then(() => "answered", (e: Error) => e.name)
          yield* Deferred.await(started)
          controller.abort()
          expect(yield* Effect.promise(() => pending)).toBe("AbortError")
          const recs = yield* waitForRecords((r) => count("Request cancelled")(r) === 1)
          const cancelled = recs.find((r) => r.message === "Request cancelled")!
          expect(cancelled).toMatchObject({
            level: "warning",
            fields: { request_id: "r-gone", path: "/slow", reason: "client disconnected" }
          })
          expect(count("Request completed")(recs) + count("Request failed")(recs)).toBe(0)
        }))
    }))

  it.live("headers option: listed headers logged, authorization and cookie redacted; skip paths", () =>
    withServer(
      app,
      HttpLogging.make({
        headers: ["User-Agent", "authorization", "cookie", "x-missing"],
        skipPaths: ["/health", /^\/inter/],
        successLevel: "debug"
      }),
      (base) =>
        Effect.gen(function*() {
          const health = yield* get(`${base}/health`, { "x-request-id": "r-health" })
          expect(health).toEqual({ status: 200, requestId: "r-health", body: "ok" })
          yield* get(`${base}/hello`, {
            "x-request-id": "r-h",
            "user-agent": "curl/8",
            authorization: "Bearer abc.def",
            cookie: "session=xyz"
          })
          const recs = yield* waitForRecords((r) => count("Request completed")(r) === 1)
          expect(recs.some((r) => r.fields.request_id === "r-health")).toBe(false)
          const completed = recs.find((r) => r.message === "Request completed")!
          expect(completed.level).toBe("debug")
          expect(completed.fields.headers).toEqual({
            "user-agent": "curl/8",
            authorization: "[REDACTED]",
            cookie: "[REDACTED]"
          })
          expect(JSON.stringify(recs.map((r) => r.fields))).not.toMatch(/abc\.def|xyz/)
        })
    ))

  it.live("replaces HttpMiddleware.logger: one line per event, none from the built-in logger", () =>
    Effect.gen(function*() {
      // How HttpLayerRouter.serve composes: the built-in logger outside the user's middleware.
      const both: HttpLogging.Middleware = (a) => HttpMiddleware.logger(HttpLogging.middleware(a))
      const withOurs = yield* withServer(app, both, (base) =>
        Effect.gen(function*() {
          yield* get(`${base}/hello`)
          yield* get(`${base}/fail`)
          return yield* waitForRecords((r) => count("Request completed")(r) + count("Request failed")(r) === 2)
        }))
      expect(withOurs.map((r) => r.message)).toEqual([
        "in handler",
        "plain effect log",
        "Request completed",
        "Request failed"
      ])
      // Control: the built-in logger alone does write its line, so the assertion above is meaningful.
      const builtIn = yield* withServer(app, HttpMiddleware.logger, (base) =>
        Effect.gen(function*() {
          yield* get(`${base}/health`)
          return yield* waitForRecords((r) => r.length > 0)
        }))
      expect(builtIn.map((r) => r.message)).toEqual(["Sent HTTP response"])
    }))

  it.live("the request's context stays bound once the middleware returns: an outer middleware's line carries it", () =>
    Effect.gen(function*() {
      const outer: HttpLogging.Middleware = (a) => Effect.tap(HttpLogging.middleware(a), () => Log.info("outside"))
      return yield* withServer(app, outer, (base) =>
        Effect.gen(function*() {
          const res = yield* get(`${base}/hello`, { "x-request-id": "r-out" })
          expect(res.requestId).toBe("r-out")
          const recs = yield* waitForRecords((r) => count("outside")(r) === 1)
          const ctx = { method: "GET", path: "/hello", request_id: "r-out" }
          const messages = recs.map((r) => `${r.message} ${JSON.stringify(r.fields)}`).join("; ")
          expect(recs.find((r) => r.message === "outside")?.fields, messages).toEqual(ctx)
          expect(recs.map((r) => r.message)).toEqual(["in handler", "plain effect log", "Request completed", "outside"])
        }))
    }))

  it.live("around a plain app, every response echoes its id: the first, later ones, failures, 404s, concurrent", () =>
    // `HttpLogging.middleware(router)`: the platform sends the app's response after the middleware returns, so
    // after the first request the id is set on the response itself (and through a pre-response handler on failure).
    withServer(HttpLogging.middleware(app), undefined, (base) =>
      Effect.gen(function*() {
        const sequential = [
          ["/hello", "r-1", 200],
          ["/hello", "r-2", 200],
          ["/fail", "r-3", 500],
          ["/nowhere", "r-4", 404],
          ["/bad", "r-5", 400],
          ["/defect", "r-6", 500],
          ["/health", "r-7", 200]
        ] as const
        for (const [path, id, status] of sequential) {
          const res = yield* get(`${base}${path}`, { "x-request-id": id })
          expect([path, res.status, res.requestId]).toEqual([path, status, id])
        }
        const generated = yield* get(`${base}/hello`)
        expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/)
        const concurrent = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          (i) => get(`${base}/item/${i}`, { "x-request-id": `c-${i}` }),
          { concurrency: "unbounded" }
        )
        expect(concurrent.map((r) => r.requestId)).toEqual(concurrent.map((_, i) => `c-${i}`))
        expect(concurrent.map((r) => r.body)).toEqual(concurrent.map((_, i) => `${i}:c-${i}`))
        const total = sequential.length + 1 + concurrent.length
        const done = (r: ReadonlyArray<TestLog.Record>) => count("Request completed")(r) + count("Request failed")(r)
        const recs = yield* waitForRecords((r) => done(r) === total)
        expect(done(recs)).toBe(total)
        const lastLines = recs.filter((r) => r.message === "Request completed" || r.message === "Request failed")
        expect(lastLines.slice(0, sequential.length).map((r) => [r.fields.request_id, r.fields.status])).toEqual(
          sequential.map(([, id, status]) => [id, status])
        )
        expect(lastLines[sequential.length]!.fields.request_id).toBe(generated.requestId)
      })))

  it.live("around a plain app, skipped paths echo their id, succeeding or failing, and write no line", () =>
    withServer(HttpLogging.make({ skipPaths: ["/health", "/fail"] })(app), undefined, (base) =>
      Effect.gen(function*() {
        const answers = []
        for (const [path, id] of [["/hello", "s-1"], ["/health", "s-2"], ["/fail", "s-3"], ["/health", "s-4"]]) {
          const res = yield* get(`${base}${path}`, { "x-request-id": id! })
          answers.push([path, res.status, res.requestId])
        }
        expect(answers).toEqual([["/hello", 200, "s-1"], ["/health", 200, "s-2"], ["/fail", 500, "s-3"], [
          "/health",
          200,
          "s-4"
        ]])
        const recs = yield* waitForRecords((r) => count("Request completed")(r) === 1)
        yield* Effect.sleep(Duration.millis(50))
        expect((yield* TestLog.records).filter((r) => r.fields.status !== undefined).map((r) => r.fields.request_id))
          .toEqual(["s-1"])
        expect(recs.length).toBeGreaterThan(0)
      })))

  it.live("250 concurrent requests never mix their request ids", () =>
    withServer(app, HttpLogging.middleware, (base) =>
      Effect.gen(function*() {
        const n = 250
        const results = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) => get(`${base}/item/${i}`, i % 2 === 0 ? { "x-request-id": `req-${i}` } : {}),
          { concurrency: "unbounded" }
        )
        const idOf = new Map<string, string>()
        results.forEach((res, i) => {
          expect(res.status).toBe(200)
          if (i % 2 === 0) expect(res.requestId).toBe(`req-${i}`)
          expect(res.body).toBe(`${i}:${i % 2 === 0 ? `req-${i}` : ""}`)
          idOf.set(String(i), res.requestId!)
        })
        expect(new Set(idOf.values()).size).toBe(n)
        const recs = yield* waitForRecords((r) => count("Request completed")(r) === n)
        expect(count("Request completed")(recs)).toBe(n)
        const byId = new Map<unknown, Array<TestLog.Record>>()
        for (const r of recs) {
          const list = byId.get(r.fields.request_id) ?? []
          list.push(r)
          byId.set(r.fields.request_id, list)
        }
        expect(byId.size).toBe(n)
        for (const [i, id] of idOf) {
          const mine = byId.get(id)!
          expect(mine.map((r) => r.message)).toEqual(["handling", "forked", "handled", "Request completed"])
          for (const r of mine) {
            expect(r.fields.path).toBe(`/item/${i}`)
            if (r.fields.n !== undefined) expect(r.fields.n).toBe(i)
          }
        }
      })))
})

describe("a tagged error in the cause keeps its fields in the console line", () => {
  class PaymentError extends Data.TaggedError("PaymentError")<{ readonly order_id: number; readonly reason: string }> {}
  const paying = HttpRouter.empty.pipe(
    HttpRouter.get("/pay", Effect.fail(new PaymentError({ order_id: 7, reason: "declined" })))
  )
  it.live("the \"Request failed\" line shows error.order_id and error.reason", () =>
    withServer(paying, HttpLogging.middleware, (base) =>
      Effect.gen(function*() {
        expect((yield* get(`${base}/pay`)).status).toBe(500)
        yield* waitForRecords((r) => count("Request failed")(r) === 1)
        const line = (yield* TestLog.lines).find((l) => l.includes("Request failed"))
        expect(line).toBeDefined()
        expect(line, line).toContain("error.order_id=7 error.reason=declined")
        expect(line).toContain("cause=\"PaymentError")
      })))
})

describe("HttpLogging with a throwing generateId or skipPaths predicate", () => {
  it.effect("the request is still handled, echoed and logged (a UUID as its id, nothing skipped)", () =>
    Effect.gen(function*() {
      const request = HttpServerRequest.fromWeb(new Request("http://localhost/hello"))
      const throws = () => {
        throw new Error("user function")
      }
      for (const middleware of [HttpLogging.make({ generateId: throws }), HttpLogging.make({ skipPaths: throws })]) {
        const response = yield* middleware(Effect.succeed(HttpServerResponse.text("ok"))).pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, request)
        )
        expect(response.status).toBe(200)
      }
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.message, r.fields.status])).toEqual([
        ["Request completed", 200],
        ["Request completed", 200]
      ])
      for (const r of recs) expect(r.fields.request_id).toMatch(/^[0-9a-f-]{36}$/)
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("HttpLogging options", () => {
  /** The message of the defect a request handled by `middleware` dies with (bad options never throw). */
  const defectOf = (middleware: HttpLogging.Middleware) =>
    Effect.gen(function*() {
      const app = middleware(Effect.succeed(HttpServerResponse.text("ok")))
      const exit = yield* Effect.exit(Effect.provideService(app, HttpServerRequest.HttpServerRequest, {} as never))
      expect(exit._tag).toBe("Failure")
      return exit._tag === "Failure" ? (Cause.squash(exit.cause) as Error).message : ""
    })

  it.effect("a bad option is named with the accepted values, whichever it is", () =>
    Effect.gen(function*() {
      expect(yield* defectOf(HttpLogging.make({ headers: "user-agent" as never }))).toBe(
        "HttpLogging option headers: invalid value \"user-agent\"; accepted: an array of header names"
      )
      expect(yield* defectOf(HttpLogging.make({ requestIdHeader: 7 as never }))).toBe(
        "HttpLogging option requestIdHeader: invalid value 7; accepted: a header name"
      )
      expect(yield* defectOf(HttpLogging.make({ generateId: "uuid" as never }))).toBe(
        "HttpLogging option generateId: invalid value \"uuid\"; accepted: a function"
      )
      expect(yield* defectOf(HttpLogging.make({ skipPaths: "/health" as never }))).toBe(
        "HttpLogging option skipPaths: invalid value \"/health\"; accepted: an array of paths and RegExps, or a predicate"
      )
      expect(yield* defectOf(HttpLogging.make(null as never))).toBe(
        "HttpLogging options: invalid value null; accepted: an options object"
      )
    }))
})

describe("the request's lines, byte for byte as the effect 4 binding writes them", () => {
  // test/effect4/HttpLogging.test.ts pins the same strings for the effect 4 binding
  const expected = {
    key_value: [
      "[🛎️] Request received request_id=req-1 path=/hello method=GET headers=\"{\\\"user-agent\\\":\\\"curl/8\\\",\\\"cookie\\\":\\\"[REDACTED]\\\"}\"\n",
      "[▶️] in handler request_id=req-1 path=/hello method=GET step=1\n",
      "⚠️ WARN [🛎️] Request completed request_id=req-1 path=/hello method=GET status=404 duration_ms=0 headers=\"{\\\"user-agent\\\":\\\"curl/8\\\",\\\"cookie\\\":\\\"[REDACTED]\\\"}\"\n"
    ],
    json: [
      "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"message\":\"Request received\",\"logger_name\":\"http\",\"request_id\":\"req-1\",\"path\":\"/hello\",\"method\":\"GET\",\"headers\":{\"user-agent\":\"curl/8\",\"cookie\":\"[REDACTED]\"}}\n",
      "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"message\":\"in handler\",\"request_id\":\"req-1\",\"path\":\"/hello\",\"method\":\"GET\",\"step\":1}\n",
      "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"warning\",\"message\":\"Request completed\",\"logger_name\":\"http\",\"request_id\":\"req-1\",\"path\":\"/hello\",\"method\":\"GET\",\"status\":404,\"duration_ms\":0,\"headers\":{\"user-agent\":\"curl/8\",\"cookie\":\"[REDACTED]\"}}\n"
    ]
  }
  for (const format of ["key_value", "json"] as const) {
    it.effect(`${format}: received, a handler's line, completed (TestClock: duration 0)`, () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const app = Effect.zipRight(
          Log.info("in handler", { step: 1 }),
          Effect.succeed(HttpServerResponse.text("hi", { status: 404 }))
        )
        const request = HttpServerRequest.fromWeb(
          new Request("http://localhost/hello?token=secret", {
            headers: { "x-request-id": "req-1", "user-agent": "curl/8", cookie: "a=b" }
          })
        )
        yield* HttpLogging.make({ received: true, headers: ["user-agent", "cookie"] })(app).pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, request),
          Effect.provide(EmojiLogger.layer({ format, timestamps: false, colors: false }, (l) => lines.push(l)))
        )
        expect(lines).toEqual(expected[format])
      }))
  }
})
