import { Effect, Fiber, Logger } from "effect"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { it, recordingTracer } from "./utils.js"

const withTestLog = <A, E, R>(program: Effect.Effect<A, E, R>, options?: EmojiLogger.Options) =>
  Effect.provide(program, TestLog.layer(options))

describe("Log", () => {
  it.effect("per-call fields reach the record without annotateLogs", () =>
    withTestLog(Effect.gen(function*() {
      yield* Log.info("Starting fetch", { url: "https://x" })
      const [rec] = yield* TestLog.records
      expect(rec!.message).toBe("Starting fetch")
      expect(rec!.level).toBe("info")
      expect(rec!.fields).toEqual({ url: "https://x" })
      expect(rec!.loggerName).toBeUndefined()
    })))

  it.effect("bind adds fields; bind of a bound logger merges, later keys win; the parent is unchanged", () =>
    withTestLog(Effect.gen(function*() {
      const log = Log.bind({ user_id: "u1", session_id: "s1", handler: "api" })
      const child = log.bind({ handler: "inner", step: 2 })
      yield* log.info("Handler started")
      yield* child.info("Fetching user data", { extra: true })
      yield* log.info("Handler completed", { result_size: 3 })
      const recs = yield* TestLog.records
      expect(recs.map((r) => r.fields)).toEqual([
        { user_id: "u1", session_id: "s1", handler: "api" },
        { user_id: "u1", session_id: "s1", handler: "inner", step: 2, extra: true },
        { user_id: "u1", session_id: "s1", handler: "api", result_size: 3 }
      ])
      expect(log.fields).toEqual({ user_id: "u1", session_id: "s1", handler: "api" })
    })))

  it.effect("named loggers carry the name; named keeps bound fields", () =>
    withTestLog(Effect.gen(function*() {
      const log = Log.bind({ a: 1 }).named("worker.alpha")
      expect(log.name).toBe("worker.alpha")
      yield* log.warn("w")
      yield* log.bind({ b: 2 }).error("e")
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.loggerName, r.level, r.fields])).toEqual([
        ["worker.alpha", "warning", { a: 1 }],
        ["worker.alpha", "error", { a: 1, b: 2 }]
      ])
      expect(yield* TestLog.lines).toEqual(["⚠️ WARN [👷] w a=1", "🔥 ERROR [👷] e a=1 b=2"])
    })))

  it.effect("exception keeps the error; a Cause becomes the record's cause", () =>
    withTestLog(Effect.gen(function*() {
      const err = new Error("boom")
      yield* Log.exception("failed", err, { op: "x" })
      const recs = yield* TestLog.records
      expect(recs[0]!.level).toBe("error")
      expect(recs[0]!.error).toBe(err)
      expect(recs[0]!.fields).toEqual({ op: "x" })
    })))

  it.effect("withContext, data-first and data-last, reaches Log.* and plain Effect.log*", () =>
    withTestLog(Effect.gen(function*() {
      yield* Effect.logInfo("plain").pipe(Log.withContext({ request_id: "r1" }))
      yield* Log.withContext(Log.info("dataFirst"), { request_id: "r2" })
      yield* Log.info("outside")
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.message, r.fields])).toEqual([
        ["plain", { request_id: "r1" }],
        ["dataFirst", { request_id: "r2" }],
        ["outside", {}]
      ])
    })))

  it.effect("withContext follows Effect.fork and Effect.all({ concurrency })", () =>
    withTestLog(Effect.gen(function*() {
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Log.info("forked"))
        yield* Fiber.join(fiber)
        yield* Effect.all([Log.info("c1"), Effect.logInfo("c2")], { concurrency: "unbounded" })
      }).pipe(Log.withContext({ batch_id: "b1" }))
      const recs = yield* TestLog.records
      expect(recs).toHaveLength(3)
      expect(recs.every((r) => r.fields.batch_id === "b1")).toBe(true)
    })))

  it.effect("withContextScoped applies to the rest of the scope", () =>
    withTestLog(Effect.gen(function*() {
      yield* Log.withContextScoped({ job: "j1" })
      yield* Log.info("a")
      yield* Effect.logInfo("b")
      const recs = yield* TestLog.records
      expect(recs.map((r) => r.fields)).toEqual([{ job: "j1" }, { job: "j1" }])
    })))

  it.effect("1,000 concurrent fibers with distinct contexts: no record carries another fiber's context", () =>
    withTestLog(Effect.gen(function*() {
      yield* Effect.forEach(
        Array.from({ length: 1000 }, (_, i) => i),
        (i) =>
          Effect.gen(function*() {
            yield* Log.info("start", { i })
            yield* Effect.yieldNow
            yield* TestClock.adjust("0 millis")
            yield* Effect.logInfo("middle")
            yield* Log.bind({ i }).info("end")
          }).pipe(Log.withContext({ ctx: i })),
        { concurrency: "unbounded", discard: true }
      )
      const recs = yield* TestLog.records
      expect(recs).toHaveLength(3000)
      for (const rec of recs) {
        if (rec.message !== "middle") expect(rec.fields.ctx).toBe(rec.fields.i)
        expect(typeof rec.fields.ctx).toBe("number")
      }
      const perCtx = new Map<unknown, number>()
      for (const rec of recs) perCtx.set(rec.fields.ctx, (perCtx.get(rec.fields.ctx) ?? 0) + 1)
      expect(perCtx.size).toBe(1000)
      expect([...perCtx.values()].every((n) => n === 3)).toBe(true)
      const lines = yield* TestLog.lines
      for (let k = 0; k < lines.length; k++) {
        const ctx = recs[k]!.fields.ctx
        expect(lines[k]).toContain("ctx=" + ctx)
        expect(lines[k]!.match(/ctx=/g)).toHaveLength(1)
      }
    })))

  it.effect("the minimum level drops records before any formatting", () =>
    withTestLog(
      Effect.gen(function*() {
        yield* Log.debug("hidden")
        yield* Effect.logDebug("hidden too")
        yield* Log.info("shown")
        expect((yield* TestLog.records).map((r) => r.message)).toEqual(["shown"])
      }),
      { level: "info" }
    ))

  it.effect("module levels match dotted prefixes: auth matches auth.db but not authz", () =>
    withTestLog(
      Effect.gen(function*() {
        yield* Log.named("auth").debug("auth debug")
        yield* Log.named("auth.db").debug("auth.db debug")
        yield* Log.named("authz").debug("authz debug")
        yield* Log.named("db.pool").warning("db warning")
        yield* Log.named("db.pool").error("db error")
        yield* Log.named("db.pool.conn").error("nested override")
        yield* Log.debug("root debug")
        yield* Log.info("root info")
        expect((yield* TestLog.records).map((r) => r.message)).toEqual([
          "auth debug",
          "auth.db debug",
          "db error",
          "nested override",
          "root info"
        ])
      }),
      { level: "info", moduleLevels: { auth: "debug", db: "error", "db.pool.conn": "trace" } }
    ))

  it.effect("records logged inside a span also become span events (the tracer logger still runs)", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const { events, tracer } = recordingTracer()
      yield* Log.info("inside span", { k: 1 }).pipe(
        Effect.withSpan("op"),
        Effect.provide(EmojiLogger.layer({}, (l) => lines.push(l))),
        Effect.withTracer(tracer)
      )
      expect(lines).toEqual(["[▶️] inside span k=1\n"])
      expect(events.map((e) => e.name)).toEqual(["inside span"])
      expect(events[0]!.attributes).toMatchObject({ k: 1, "effect.logLevel": "INFO" })
    }))

  it.effect("a span of Effect's built-in tracer gets no events: nothing reads them, and a long span would hold every line", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const span = yield* Effect.gen(function*() {
        for (let i = 0; i < 1000; i++) yield* Log.info("inside span", { i })
        yield* Effect.logInfo("from Effect.log")
        return yield* Effect.currentSpan
      }).pipe(Effect.withSpan("op"), Effect.provide(EmojiLogger.layer({}, (l) => lines.push(l))))
      expect(lines.length).toBe(1001)
      // the built-in span's own (internal) store of events
      expect((span as unknown as { events: Array<unknown> }).events).toEqual([])
    }))

  it.effect("a logger added beside ours receives Log.* records too", () =>
    Effect.gen(function*() {
      const seen: Array<unknown> = []
      const lines: Array<string> = []
      yield* Log.bind({ a: 1 }).warning("both").pipe(
        Effect.provide(
          Logger.layer([Logger.make(({ logLevel, message }) => seen.push([logLevel, String(message)]))], {
            mergeWithExisting: true
          })
        ),
        Effect.provide(EmojiLogger.layer({}, (l) => lines.push(l)))
      )
      expect(seen).toEqual([["Warn", "both"]])
      expect(lines).toEqual(["⚠️ WARN [▶️] both a=1\n"])
    }))
})

describe("Log: order and names", () => {
  it.effect("Log.withContext fields come out in the order given, in both formats, after the context already there", () =>
    Effect.gen(function*() {
      const program = Effect.gen(function*() {
        yield* Log.info("m").pipe(Log.withContext({ a: 1, domain: "x", c: 3, b: 2 }))
        yield* Log.info("nested").pipe(Log.withContext({ z: 1, a: 2 }), Log.withContext({ y: 1, b: 1 }))
        yield* Effect.scoped(Effect.andThen(Log.withContextScoped({ k3: 3, k1: 1, k2: 2 }), Log.info("scoped")))
      })
      const lines: Array<string> = []
      yield* Effect.provide(
        program,
        EmojiLogger.layer({ loggerNameEmoji: false, dasEmoji: false }, (l) => lines.push(l))
      )
      expect(lines).toEqual(["m a=1 domain=x c=3 b=2\n", "nested y=1 b=1 z=1 a=2\n", "scoped k3=3 k1=1 k2=2\n"])
      const json: Array<string> = []
      yield* Effect.provide(program, EmojiLogger.layer({ format: "json" }, (l) => json.push(l)))
      expect(json.map((l) => Object.keys(JSON.parse(l) as object).slice(3))).toEqual([
        ["a", "domain", "c", "b"],
        ["y", "b", "z", "a"],
        ["k3", "k1", "k2"]
      ])
      const records = yield* Effect.provide(Effect.andThen(program, TestLog.records), TestLog.layer())
      expect(records.map((r) => Object.keys(r.fields))).toEqual([["a", "domain", "c", "b"], ["y", "b", "z", "a"], [
        "k3",
        "k1",
        "k2"
      ]])
    }))

  it.effect("a key given again keeps its place and takes the new value", () =>
    withTestLog(Effect.gen(function*() {
      yield* Log.info("m").pipe(Log.withContext({ b: 2, a: 9 }), Log.withContext({ a: 1, b: 1 }))
      expect(yield* TestLog.lines).toEqual(["[▶️] m a=9 b=2"])
    })))

  it.effect("Log.named(a).named(b) is the child logger a.b; bound fields are kept", () =>
    withTestLog(
      Effect.gen(function*() {
        const pool = Log.named("db").bind({ k: 1 }).named("pool")
        expect(pool.name).toBe("db.pool")
        yield* pool.info("m")
        yield* Log.named("db").named("pool").named("conn").info("deep")
        const records = yield* TestLog.records
        expect(records.map((r) => [r.loggerName, r.fields])).toEqual([["db.pool", { k: 1 }], ["db.pool.conn", {}]])
      }),
      { moduleLevels: { "db.pool": "info" } }
    ))
})
