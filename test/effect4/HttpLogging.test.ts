/**
 * HttpLogging on effect 4's `effect/http`: test/HttpLogging.test.ts's cases, in process through effect 4's web
 * handler (`HttpRouter.toWebHandler`), the same records expected.
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import { describe, expect, it } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as HttpLogging from "../../src/effect4/HttpLogging.js"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { run } from "./utils.js"

// ---------------------------------------------------------------------------
// Serving through effect 4's web handler, records captured by TestLog
// ---------------------------------------------------------------------------

type Serve = (path: string, headers?: Record<string, string>) => Promise<{
  status: number
  requestId: string | null
  body: string
}>

type Records = () => ReadonlyArray<TestLog.Record>

/** TestLog's context (and the loggers of `beside` added to it), built in `scope`. */
const testContext = (
  scope: Scope.Scope,
  beside: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  level: EmojiLogger.LevelInput
) =>
  Effect.gen(function*() {
    const context = yield* Layer.buildWithScope(TestLog.layer({ level }), scope)
    if (beside.length === 0) return context
    const more = yield* Layer.buildWithScope(
      Logger.layer(beside, { mergeWithExisting: true }).pipe(Layer.provide(Layer.succeedContext(context))),
      scope
    )
    return Context.merge(context, more)
  })

/** Serves `routes` through `HttpRouter.toWebHandler` (with `middleware` as the server's) for `body`. */
const withServer = async <A>(
  routes: Layer.Layer<never, never, HttpRouter.HttpRouter | HttpRouter.Request<"Error", unknown>>,
  middleware: HttpLogging.Middleware | undefined,
  body: (get: Serve, records: Records, handler: (request: Request) => Promise<Response>) => Promise<A>,
  options: {
    readonly disableLogger?: boolean
    readonly beside?: ReadonlyArray<Logger.Logger<unknown, unknown>>
    /** TestLog's level. Default: trace. */
    readonly level?: EmojiLogger.LevelInput
  } = {}
): Promise<A> => {
  const scope = Scope.makeUnsafe()
  const context = await Effect.runPromise(testContext(scope, options.beside ?? [], options.level ?? "trace"))
  const records: Records = () => Effect.runSync(Effect.provideContext(TestLog.records, context))
  const { dispose, handler } = HttpRouter.toWebHandler(Layer.mergeAll(routes, Layer.succeedContext(context)), {
    ...(middleware === undefined ? {} : { middleware }),
    disableLogger: options.disableLogger ?? true
  })
  const get: Serve = async (path, headers = {}) => {
    const res = await handler(new Request(`http://localhost${path}`, { headers }))
    return { status: res.status, requestId: res.headers.get("x-request-id"), body: await res.text() }
  }
  try {
    return await body(get, records, (request) => handler(request))
  } finally {
    await dispose()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/** The response may reach the client just before the completion line is logged: wait for it (bounded). */
const waitFor = async (records: Records, predicate: (records: ReadonlyArray<TestLog.Record>) => boolean) => {
  for (let i = 0; i < 1000 && !predicate(records()); i++) await new Promise((r) => setTimeout(r, 5))
  return records()
}

const count = (message: string) => (recs: ReadonlyArray<TestLog.Record>) =>
  recs.filter((r) => r.message === message).length

const routes = Layer.mergeAll(
  HttpRouter.add(
    "GET",
    "/hello",
    Effect.gen(function*() {
      yield* Log.info("in handler", { step: 1 })
      yield* Effect.logDebug("plain effect log")
      return HttpServerResponse.text("hi")
    })
  ),
  HttpRouter.add("GET", "/bad", HttpServerResponse.text("no", { status: 400 })),
  HttpRouter.add("GET", "/unavailable", HttpServerResponse.text("later", { status: 503 })),
  HttpRouter.add("GET", "/fail", Effect.fail(new Error("boom"))),
  HttpRouter.add("GET", "/defect", Effect.die(new TypeError("kaput"))),
  HttpRouter.add("GET", "/health", HttpServerResponse.text("ok")),
  HttpRouter.add("GET", "/stop", Effect.interrupt),
  HttpRouter.add(
    "GET",
    "/item/:n",
    Effect.gen(function*() {
      const { n } = yield* HttpRouter.params
      yield* Log.info("handling", { n })
      yield* Effect.yieldNow
      const fiber = yield* Effect.forkChild(Log.debug("forked", { n }))
      yield* Fiber.await(fiber)
      yield* Log.info("handled", { n })
      const request = yield* HttpServerRequest.HttpServerRequest
      return HttpServerResponse.text(`${n}:${request.headers["x-request-id"] ?? ""}`)
    })
  )
)

// ---------------------------------------------------------------------------
// The cases of test/HttpLogging.test.ts
// ---------------------------------------------------------------------------

describe("HttpLogging (effect 4)", () => {
  it("binds method, path and request_id to handler logs; echoes the incoming id; one line per request", () =>
    withServer(routes, HttpLogging.middleware, async (get, records) => {
      const res = await get("/hello?token=secret", { "X-Request-ID": "req-abc" })
      expect(res).toEqual({ status: 200, requestId: "req-abc", body: "hi" })
      const recs = await waitFor(records, (r) => count("Request completed")(r) === 1)
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
    }))

  it("a logger beside ours sees the request's context on every record (as effect 4's log annotations)", () => {
    const seen: Array<readonly [unknown, Readonly<Record<string, unknown>>]> = []
    const beside = Logger.make<unknown, void>((options) => {
      seen.push([options.message, options.fiber.getRef(References.CurrentLogAnnotations)])
    })
    return withServer(routes, HttpLogging.middleware, async (get, records) => {
      await get("/hello", { "x-request-id": "req-b" })
      await waitFor(records, (r) => count("Request completed")(r) === 1)
      const ctx = { request_id: "req-b", path: "/hello", method: "GET" }
      expect(seen.map(([message, annotations]) => [message, { ...annotations, duration_ms: undefined }])).toEqual([
        [["in handler"], { ...ctx, step: 1, duration_ms: undefined }],
        [["plain effect log"], { ...ctx, duration_ms: undefined }],
        [["Request completed"], { ...ctx, logger_name: "http", status: 200, duration_ms: undefined }]
      ])
    }, { beside: [beside] })
  })

  it("received: true adds a \"Request received\" line when the request arrives", () =>
    withServer(routes, HttpLogging.make({ received: true, headers: ["user-agent"] }), async (get, records) => {
      await get("/hello", { "X-Request-ID": "req-rcv", "user-agent": "curl/8" })
      const recs = await waitFor(records, (r) => count("Request completed")(r) === 1)
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
    }))

  it("generates an id when none (or an unusable one) is sent, and echoes it", () =>
    withServer(routes, HttpLogging.middleware, async (get, records) => {
      const a = await get("/hello")
      const b = await get("/hello", { "x-request-id": "has space" })
      expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(b.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(a.requestId).not.toBe(b.requestId)
      const recs = await waitFor(records, (r) => count("Request completed")(r) === 2)
      const ids = recs.filter((r) => r.message === "in handler").map((r) => r.fields.request_id)
      expect(ids).toEqual([a.requestId, b.requestId])
    }))

  it("4xx is a WARN, 5xx and failures are an ERROR with the cause, defects too", () =>
    withServer(routes, HttpLogging.make({ requestIdHeader: "X-Request-ID" }), async (get, records) => {
      expect((await get("/bad", { "x-request-id": "r-bad" })).status).toBe(400)
      expect((await get("/nowhere", { "x-request-id": "r-404" })).status).toBe(404)
      expect(await get("/unavailable", { "x-request-id": "r-503" })).toMatchObject({ status: 503, requestId: "r-503" })
      expect(await get("/fail", { "x-request-id": "r-fail" })).toMatchObject({ status: 500, requestId: "r-fail" })
      expect((await get("/defect", { "x-request-id": "r-defect" })).status).toBe(500)
      const recs = await waitFor(records, (r) => r.filter((x) => x.fields.status !== undefined).length === 5)
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
      expect(fail).toMatchObject({ level: "error", message: "Request failed", fields: { status: 500, method: "GET" } })
      const failures = fail.cause.reasons.filter(Cause.isFailReason).map((r) => r.error)
      expect(failures.map((e) => (e as Error).message)).toEqual(["boom"])
      const defect = last("r-defect")
      expect(defect).toMatchObject({ level: "error", message: "Request failed", fields: { status: 500 } })
      const defects = defect.cause.reasons.filter(Cause.isDieReason).map((r) => r.defect)
      expect(defects).toHaveLength(1)
      expect(defects[0]).toBeInstanceOf(TypeError)
      expect((defects[0] as Error).message).toBe("kaput")
      // exactly one line (the completion) per request
      for (const id of ["r-bad", "r-404", "r-503", "r-fail", "r-defect"]) {
        expect(recs.filter((r) => r.fields.request_id === id)).toHaveLength(1)
      }
    }))

  it("client disconnect: WARN \"Request cancelled\", no completion line", () => {
    let started!: () => void
    const inHandler = new Promise<void>((resolve) => started = resolve)
    const slow = HttpRouter.add("GET", "/slow", Effect.andThen(Effect.sync(() => started()), Effect.never))
    return withServer(slow, HttpLogging.middleware, async (_get, records, handler) => {
      const controller = new AbortController()
      const pending = handler(
        new Request("http://localhost/slow", { headers: { "x-request-id": "r-gone" }, signal: controller.signal })
      )
      await inHandler
      controller.abort()
      await pending
      const recs = await waitFor(records, (r) => count("Request cancelled")(r) === 1)
      const cancelled = recs.find((r) => r.message === "Request cancelled")!
      expect(cancelled).toMatchObject({
        level: "warning",
        fields: { request_id: "r-gone", path: "/slow", reason: "client disconnected" }
      })
      expect(count("Request completed")(recs) + count("Request failed")(recs)).toBe(0)
    })
  })

  it("a request interrupted by the server: WARN \"Request cancelled\", reason server interrupted", () =>
    withServer(routes, HttpLogging.middleware, async (get, records) => {
      expect(await get("/stop", { "x-request-id": "r-stop" })).toMatchObject({ status: 503, requestId: "r-stop" })
      const recs = await waitFor(records, (r) => count("Request cancelled")(r) === 1)
      expect(recs.map((r) => [r.message, r.level, r.fields.reason, r.fields.request_id])).toEqual([
        ["Request cancelled", "warning", "server interrupted", "r-stop"]
      ])
    }))

  it("headers option: listed headers logged, authorization and cookie redacted; skip paths", () =>
    withServer(
      routes,
      HttpLogging.make({
        headers: ["User-Agent", "authorization", "cookie", "x-missing"],
        skipPaths: ["/health", /^\/inter/],
        successLevel: "debug"
      }),
      async (get, records) => {
        const health = await get("/health", { "x-request-id": "r-health" })
        expect(health).toEqual({ status: 200, requestId: "r-health", body: "ok" })
        await get("/hello", {
          "x-request-id": "r-h",
          "user-agent": "curl/8",
          authorization: "Bearer abc.def",
          cookie: "session=xyz"
        })
        const recs = await waitFor(records, (r) => count("Request completed")(r) === 1)
        expect(recs.some((r) => r.fields.request_id === "r-health")).toBe(false)
        const completed = recs.find((r) => r.message === "Request completed")!
        expect(completed.level).toBe("debug")
        expect(completed.fields.headers).toEqual({
          "user-agent": "curl/8",
          authorization: "[REDACTED]",
          cookie: "[REDACTED]"
        })
        expect(JSON.stringify(recs.map((r) => r.fields))).not.toMatch(/abc\.def|xyz/)
      }
    ))

  it("replaces HttpMiddleware.logger: one line per event, none from the built-in logger", async () => {
    // toWebHandler (as HttpRouter.serve) composes the built-in logger with the server's middleware unless disabled
    const withOurs = await withServer(routes, HttpLogging.middleware, async (get, records) => {
      await get("/hello")
      await get("/fail")
      return waitFor(records, (r) => count("Request completed")(r) + count("Request failed")(r) === 2)
    }, { disableLogger: false })
    expect(withOurs.map((r) => r.message)).toEqual([
      "in handler",
      "plain effect log",
      "Request completed",
      "Request failed"
    ])
    // Control: the built-in logger alone does write its line, so the assertion above is meaningful.
    const builtIn = await withServer(routes, undefined, async (get, records) => {
      await get("/health")
      return waitFor(records, (r) => r.length > 0)
    }, { disableLogger: false })
    expect(builtIn.map((r) => r.message)).toEqual(["Sent HTTP response"])
  })

  it("250 concurrent requests never mix their request ids", () =>
    withServer(routes, HttpLogging.middleware, async (get, records) => {
      const n = 250
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => get(`/item/${i}`, i % 2 === 0 ? { "x-request-id": `req-${i}` } : {}))
      )
      const idOf = new Map<string, string>()
      results.forEach((res, i) => {
        expect(res.status).toBe(200)
        if (i % 2 === 0) expect(res.requestId).toBe(`req-${i}`)
        expect(res.body).toBe(`${i}:${i % 2 === 0 ? `req-${i}` : ""}`)
        idOf.set(String(i), res.requestId!)
      })
      expect(new Set(idOf.values()).size).toBe(n)
      const recs = await waitFor(records, (r) => count("Request completed")(r) === n)
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
    }))
})

describe("HttpLogging.layer (effect 4's global router middleware)", () => {
  it("every request the router handles gets its context, id and line; failures answered by the router too", () =>
    withServer(Layer.mergeAll(routes, HttpLogging.layer({ headers: ["cookie"] })), undefined, async (get, records) => {
      expect(await get("/hello", { "x-request-id": "r-1", cookie: "s=1" }))
        .toEqual({ status: 200, requestId: "r-1", body: "hi" })
      expect(await get("/nowhere", { "x-request-id": "r-404" })).toMatchObject({ status: 404, requestId: "r-404" })
      expect(await get("/fail", { "x-request-id": "r-fail" })).toMatchObject({ status: 500, requestId: "r-fail" })
      expect(await get("/stop", { "x-request-id": "r-stop" })).toMatchObject({ status: 503, requestId: "r-stop" })
      const recs = await waitFor(records, (r) => count("Request cancelled")(r) === 1)
      expect(recs.map((r) => [r.message, r.level, r.fields.request_id, r.fields.status])).toEqual([
        ["in handler", "info", "r-1", undefined],
        ["plain effect log", "debug", "r-1", undefined],
        ["Request completed", "info", "r-1", 200],
        ["Request completed", "warning", "r-404", 404],
        ["Request failed", "error", "r-fail", 500],
        ["Request cancelled", "warning", "r-stop", undefined]
      ])
      expect(recs[5]!.fields.reason).toBe("server interrupted")
      expect(recs[2]!.fields.headers).toEqual({ cookie: "[REDACTED]" })
      expect(recs[4]!.cause.reasons.map((r) => [r._tag, (Cause.squash(Cause.fromReasons([r])) as Error).message]))
        .toEqual([["Fail", "boom"]])
    }))
})

describe("HttpLogging.make({ fingersCrossed }) (effect 4)", () => {
  const app = Layer.mergeAll(
    HttpRouter.add(
      "GET",
      "/ok/:n",
      Effect.gen(function*() {
        const { n } = yield* HttpRouter.params
        yield* Log.debug("loading", { n })
        yield* Effect.forkChild(Log.debug("forked", { n })).pipe(Effect.flatMap(Fiber.join))
        return HttpServerResponse.text("ok")
      })
    ),
    HttpRouter.add(
      "GET",
      "/500/:n",
      Effect.gen(function*() {
        const { n } = yield* HttpRouter.params
        yield* Log.debug("loading", { n })
        yield* Effect.forkChild(Log.debug("forked", { n })).pipe(Effect.flatMap(Fiber.join))
        yield* Effect.yieldNow
        yield* Log.debug("answering 500", { n })
        return HttpServerResponse.text("no", { status: 500 })
      })
    ),
    HttpRouter.add("GET", "/fail", Effect.andThen(Log.debug("about to fail"), Effect.fail(new Error("boom")))),
    HttpRouter.add("GET", "/defect", Effect.andThen(Log.debug("about to die"), Effect.die(new TypeError("kaput"))))
  )

  /** Serves `app` with `middleware` (TestLog at INFO), fetches `paths` concurrently; the records once every request has its completion line. */
  const serve = (middleware: HttpLogging.Middleware, paths: ReadonlyArray<string>) =>
    withServer(app, middleware, async (get, records) => {
      const statuses = (await Promise.all(paths.map((path) => get(path)))).map((r) => r.status)
      const completed = (r: TestLog.Record) => r.message === "Request completed" || r.message === "Request failed"
      return { statuses, records: await waitFor(records, (r) => r.filter(completed).length >= paths.length) }
    }, { level: "info" })

  /** The records of one request (by its path), as `level message`. */
  const of = (records: ReadonlyArray<TestLog.Record>, path: string) =>
    records.filter((r) => r.fields.path === path).map((r) => r.level + " " + r.message)

  it("a 500 comes with the request's debug lines, before its ERROR line; a 200 without", async () => {
    const paths = ["/ok/1", "/500/2", "/ok/3", "/500/4", "/fail", "/defect"]
    const { records, statuses } = await serve(HttpLogging.make({ fingersCrossed: true }), paths)
    expect(statuses).toEqual([200, 500, 200, 500, 500, 500])
    for (const ok of ["/ok/1", "/ok/3"]) {
      expect(of(records, ok).filter((l) => l.startsWith("debug"))).toEqual([])
      expect(of(records, ok)).toContain("info Request completed")
    }
    for (const [path, n] of [["/500/2", "2"], ["/500/4", "4"]] as const) {
      const lines = of(records, path)
      const failed = lines.indexOf("error Request failed")
      expect(lines.slice(failed - 3, failed + 1)).toEqual([
        "debug loading",
        "debug forked",
        "debug answering 500",
        "error Request failed"
      ])
      expect(lines.filter((l) => l.startsWith("debug"))).toHaveLength(3)
      // each request's own lines: their n and request id are its own
      const own = records.filter((r) => r.fields.path === path && r.level === "debug")
      expect(own.map((r) => r.fields.n)).toEqual([n, n, n])
      expect(new Set(own.map((r) => r.fields.request_id)).size).toBe(1)
    }
    expect(of(records, "/fail").slice(-2)).toEqual(["debug about to fail", "error Request failed"])
    expect(of(records, "/defect").slice(-2)).toEqual(["debug about to die", "error Request failed"])
  })

  it("without the option (the default), no debug line is written", async () => {
    const { records } = await serve(HttpLogging.make(), ["/500/1", "/fail"])
    expect(records.filter((r) => r.level === "debug")).toEqual([])
    expect(records.filter((r) => r.message === "Request failed")).toHaveLength(2)
  })

  it("an invalid fingersCrossed option never throws: every request dies with the message", async () => {
    const middleware = HttpLogging.make({ fingersCrossed: { maxRecords: -1 } }) // never throws
    let runs = 0
    const counted = Effect.sync(() => {
      runs++
      return HttpServerResponse.text("ok")
    })
    const exit = await Effect.runPromiseExit(
      Effect.provideService(middleware(counted), HttpServerRequest.HttpServerRequest, {} as never)
    )
    expect(exit._tag === "Failure" ? (Cause.squash(exit.cause) as Error).message : exit._tag)
      .toBe("HttpLogging option fingersCrossed.maxRecords: invalid value -1; accepted: a whole number >= 1")
    expect(runs).toBe(0)
  })
})

describe("HttpLogging composes as effect 4's middleware", () => {
  it("the server's middleware of HttpRouter.serve and HttpServer.serve, a router's global middleware", () => {
    // type-checked: the middleware keeps the app's error and requirements, as HttpMiddleware.logger does
    const viaRouter = HttpRouter.serve(routes, { middleware: HttpLogging.middleware })
    const viaServer = HttpServer.serve(
      Effect.succeed(HttpServerResponse.text("ok")),
      HttpLogging.make({ received: true })
    )
    const global = Layer.mergeAll(routes, HttpLogging.layer())
    const typed: Effect.Effect<HttpServerResponse.HttpServerResponse, Error, HttpServerRequest.HttpServerRequest> =
      HttpLogging.middleware(Effect.fail(new Error("e")))
    expect([viaRouter, viaServer, global].map(Layer.isLayer)).toEqual([true, true, true])
    expect(Effect.isEffect(typed)).toBe(true)
  })
})

describe("HttpLogging with a throwing generateId or skipPaths predicate (effect 4)", () => {
  it("the request is still handled, echoed and logged (a UUID as its id, nothing skipped)", async () => {
    const throws = () => {
      throw new Error("user function")
    }
    for (const middleware of [HttpLogging.make({ generateId: throws }), HttpLogging.make({ skipPaths: throws })]) {
      await withServer(routes, middleware, async (get, records) => {
        const res = await get("/health")
        expect(res.status).toBe(200)
        expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/)
        const recs = await waitFor(records, (r) => count("Request completed")(r) === 1)
        expect(recs.map((r) => [r.message, r.fields.status, r.fields.request_id])).toEqual([
          ["Request completed", 200, res.requestId]
        ])
      })
    }
  })
})

describe("HttpLogging options (effect 4)", () => {
  /** The defect a request handled by `middleware` dies with (bad options never throw). */
  const defectOf = async (middleware: HttpLogging.Middleware) => {
    const app = middleware(Effect.succeed(HttpServerResponse.text("ok")))
    const exit = await Effect.runPromiseExit(
      Effect.provideService(app, HttpServerRequest.HttpServerRequest, {} as never)
    )
    expect(exit._tag).toBe("Failure")
    const defect = exit._tag === "Failure" ? Cause.squash(exit.cause) : undefined
    expect(Cause.isIllegalArgumentError(defect)).toBe(true)
    return (defect as Error).message
  }

  it("a bad option is named with the accepted values, as on the root", async () => {
    expect(await defectOf(HttpLogging.make({ successLevel: "LOUD" as never }))).toBe(
      "HttpLogging option successLevel: invalid value \"LOUD\"; accepted: TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"
    )
    expect(await defectOf(HttpLogging.make({ headers: "user-agent" as never }))).toBe(
      "HttpLogging option headers: invalid value \"user-agent\"; accepted: an array of header names"
    )
    expect(await defectOf(HttpLogging.make(null as never))).toBe(
      "HttpLogging options: invalid value null; accepted: an options object"
    )
  })
})

describe("a tagged error in the cause keeps its fields in the console line (effect 4)", () => {
  class PaymentError extends Data.TaggedError("PaymentError")<{ readonly order_id: number; readonly reason: string }> {}
  const paying = HttpRouter.add("GET", "/pay", Effect.fail(new PaymentError({ order_id: 7, reason: "declined" })))

  it("the \"Request failed\" line shows error.order_id and error.reason", async () => {
    const lines: Array<string> = []
    const logger = EmojiLogger.layer(
      { format: "key_value", timestamps: false, colors: false, level: "trace" },
      (line) => void lines.push(line.endsWith("\n") ? line.slice(0, -1) : line)
    )
    const { dispose, handler } = HttpRouter.toWebHandler(Layer.mergeAll(paying, logger), {
      middleware: HttpLogging.middleware,
      disableLogger: true
    })
    try {
      expect((await handler(new Request("http://localhost/pay"))).status).toBe(500)
      for (let i = 0; i < 1000 && !lines.some((l) => l.includes("Request failed")); i++) {
        await new Promise((r) => setTimeout(r, 5))
      }
    } finally {
      await dispose()
    }
    const line = lines.find((l) => l.includes("Request failed"))
    expect(line).toBeDefined()
    expect(line, line).toContain("error.order_id=7 error.reason=declined")
    expect(line).toContain("cause=\"PaymentError")
  })
})

describe("the request's lines, byte for byte as the root binding writes them", () => {
  // test/HttpLogging.test.ts pins the same strings for the root binding
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
    it(`${format}: received, a handler's line, completed (TestClock: duration 0)`, async () => {
      const lines: Array<string> = []
      const app = Effect.andThen(
        Log.info("in handler", { step: 1 }),
        Effect.succeed(HttpServerResponse.text("hi", { status: 404 }))
      )
      const request = HttpServerRequest.fromWeb(
        new Request("http://localhost/hello?token=secret", {
          headers: { "x-request-id": "req-1", "user-agent": "curl/8", cookie: "a=b" }
        })
      )
      await run(
        HttpLogging.make({ received: true, headers: ["user-agent", "cookie"] })(app).pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, request),
          Effect.provide(EmojiLogger.layer({ format, timestamps: false, colors: false }, (l) => void lines.push(l)))
        )
      )
      expect(lines).toEqual(expected[format])
    })
  }
})

describe("trace correlation (effect 4)", () => {
  it("a request with a traceparent: its JSON lines carry the header's trace id", async () => {
    const lines: Array<string> = []
    const logger = EmojiLogger.layer({ format: "json" }, (line) => void lines.push(line))
    const hi = HttpRouter.add("GET", "/hi", Effect.as(Log.info("in handler"), HttpServerResponse.text("hi")))
    const { dispose, handler } = HttpRouter.toWebHandler(Layer.mergeAll(hi, logger), {
      middleware: HttpLogging.middleware,
      disableLogger: true
    })
    try {
      await (await handler(
        new Request("http://localhost/hi", {
          headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }
        })
      )).text()
      for (let i = 0; i < 1000 && !lines.some((l) => l.includes("Request completed")); i++) {
        await new Promise((r) => setTimeout(r, 5))
      }
    } finally {
      await dispose()
    }
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.message === "in handler" || r.message === "Request completed")
    expect(recs).toHaveLength(2)
    for (const r of recs) {
      expect(r.trace_id).toBe("0af7651916cd43dd8448eb211c80319c")
      expect(r.span_id).toMatch(/^[0-9a-f]{16}$/)
    }
  })
})
