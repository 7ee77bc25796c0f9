/**
 * The Effect 4 binding's Telemetry.flush / shutdown: the root's in-process cases (test/Telemetry.test.ts), ported to
 * effect 4. The registry is a reference a layer provides (`Telemetry.layer`, `Foundation.layer`).
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as Foundation from "../../src/effect4/Foundation.js"
import * as Log from "../../src/effect4/Log.js"
import * as LogSink from "../../src/effect4/LogSink.js"
import * as Telemetry from "../../src/effect4/Telemetry.js"
import { itEffect, itScoped } from "./harness.js"

/** What Foundation.layer does with its sink: make it, register it, install the logger writing to it. */
const sinkLayer = (target: LogSink.Target, extra: Partial<LogSink.Options> = {}) =>
  Layer.unwrap(Effect.map(
    LogSink.make({ target, exitHook: false, flushInterval: "1 hour", ...extra }),
    (sink) => Layer.merge(Telemetry.layer(sink), EmojiLogger.layer({ format: "key_value" }, sink.write))
  ))

describe("Telemetry.flush / shutdown (effect 4)", () => {
  itEffect("with nothing registered: flushed, all counts zero", () =>
    Effect.gen(function*() {
      expect(yield* Telemetry.flush()).toEqual({
        status: "flushed",
        written: 0,
        failed: 0,
        pending: 0,
        dropped: 0,
        durationMillis: 0
      })
      expect((yield* Telemetry.shutdown()).status).toBe("flushed")
    }))

  itEffect("flush writes what the program logged through the registered sink", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const report = yield* Effect.gen(function*() {
        yield* Log.info("first", { n: 1 })
        yield* Effect.logInfo("second")
        expect(out).toEqual([]) // still buffered
        return yield* Telemetry.flush()
      }).pipe(Effect.provide(sinkLayer((c) => void out.push(c))))
      expect(out.length).toBe(1) // one batch
      expect(out.join("").split("\n").filter((l) => l !== "").map((l) => l.replace(/^\S+ /, ""))).toEqual([
        "first n=1",
        "second"
      ])
      expect(report).toMatchObject({ status: "flushed", written: 2, failed: 0, pending: 0 })
    }))

  itEffect(
    "shutdown covers every registered sink, is idempotent, and the layer's close does not write twice",
    () =>
      Effect.gen(function*() {
        const a: Array<string> = []
        const b: Array<string> = []
        const both = Layer.unwrap(Effect.gen(function*() {
          const sa = yield* LogSink.make({ target: (c) => void a.push(c), exitHook: false, flushInterval: "1 hour" })
          const sb = yield* LogSink.make({ target: (c) => void b.push(c), exitHook: false, flushInterval: "1 hour" })
          return Layer.merge(
            Telemetry.layer(sa, sb),
            EmojiLogger.layer({ format: "json" }, (l) => (sa.write(l), sb.write(l)))
          )
        }))
        const [r1, r2] = yield* Effect.gen(function*() {
          yield* Log.info("x")
          yield* Log.info("y")
          const r1 = yield* Telemetry.shutdown()
          const r2 = yield* Telemetry.shutdown()
          return [r1, r2] as const
        }).pipe(Effect.provide(both))
        expect(r1).toMatchObject({ status: "flushed", written: 4, pending: 0 })
        expect(r2).toEqual(r1)
        expect(a.join("").trim().split("\n").map((l) => JSON.parse(l).message)).toEqual(["x", "y"])
        expect(b).toEqual(a)
      })
  )

  itEffect("a deadline: a stuck sink reports timed_out with its pending lines", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const fiber = yield* Effect.gen(function*() {
        yield* Log.info("a")
        yield* Log.info("b")
        yield* Log.info("c")
        return yield* Telemetry.flush("500 millis")
      }).pipe(
        Effect.provide(sinkLayer(() => Deferred.await(gate), { shutdownTimeout: "1 second" })),
        Effect.forkChild
      )
      yield* TestClock.adjust("500 millis")
      yield* Deferred.succeed(gate, undefined) // lets the layer's own shutdown finish
      const r = yield* Fiber.join(fiber)
      expect(r).toMatchObject({ status: "timed_out", written: 0, pending: 3 })
    }))

  itEffect(
    "lines logged by an app layer's finalizer (Foundation underneath) are flushed at close",
    () =>
      Effect.gen(function*() {
        const out: Array<string> = []
        const App = Layer.effectDiscard(
          Effect.andThen(Log.info("app up"), Effect.addFinalizer(() => Log.info("app down")))
        )
        yield* Log.info("working").pipe(
          Effect.provide(App.pipe(Layer.provideMerge(sinkLayer((c) => void out.push(c)))))
        )
        expect(out.join("").trim().split("\n").map((l) => l.replace(/^\S+ /, ""))).toEqual([
          "app up",
          "working",
          "app down"
        ])
      })
  )

  itScoped(
    "LogSink.registerScoped: a sink registered for the rest of a scope is flushed by Telemetry.flush",
    () =>
      Effect.gen(function*() {
        const out: Array<string> = []
        const sink = yield* LogSink.make({ target: (c) => void out.push(c), exitHook: false, flushInterval: "1 hour" })
        yield* LogSink.registerScoped(sink)
        sink.write("one\n")
        expect(out).toEqual([])
        const report = yield* Telemetry.flush()
        expect(out).toEqual(["one\n"])
        expect(report).toMatchObject({ status: "flushed", written: 1 })
      })
  )

  itEffect(
    "Foundation.layer registers its sinks: Telemetry.flush writes every output's lines",
    () =>
      Effect.gen(function*() {
        const con: Array<string> = []
        const file: Array<string> = []
        const report = yield* Effect.gen(function*() {
          yield* Log.info("hello", { n: 1 })
          yield* Log.debug("detail")
          expect([con, file]).toEqual([[], []])
          return yield* Telemetry.flush()
        }).pipe(Effect.provide(Foundation.layer({
          colors: false,
          outputs: [
            { level: "info", format: "key_value", sink: { target: (c) => void con.push(c), flushInterval: "1 hour" } },
            { level: "debug", format: "json", sink: { target: (c) => void file.push(c), flushInterval: "1 hour" } }
          ],
          sink: { exitHook: false }
        })))
        expect(con.join("")).toBe("[▶️] hello n=1\n")
        expect(file.join("").trim().split("\n").map((l) => JSON.parse(l).message)).toEqual(["hello", "detail"])
        expect(report).toMatchObject({ status: "flushed", written: 3, pending: 0 })
      })
  )
})
