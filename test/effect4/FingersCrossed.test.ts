import { Cause, Effect, Exit, Fiber, Latch, Logger, References } from "effect"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect } from "vitest"
import { fingersCrossedState } from "../../src/effect4/internal/log.js"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { defectMessage, it, minimum, recordingTracer } from "./utils.js"

/** Runs `program` under TestLog at INFO (so debug and trace are below the level); the captured lines. */
const atInfo = <A, E>(program: Effect.Effect<A, E, TestLog.TestLog>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(program)
    return { exit, lines: yield* TestLog.lines, records: yield* TestLog.records }
  }).pipe(Effect.provide(TestLog.layer({ level: "info" })))

describe("Log.fingersCrossed", () => {
  it.effect("outside any scope nothing changes: debug is dropped, info written", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        yield* Log.debug("d1")
        yield* Log.info("i1")
        yield* Log.error("e1")
        yield* Log.debug("d2")
      }))
      expect(lines).toEqual(["[▶️] i1", "🔥 ERROR [▶️] e1"])
    }))

  it.effect("a scope ending without a trigger discards its buffer; records at or above the level are written at once", () =>
    Effect.gen(function*() {
      const seen: Array<Array<string>> = []
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1")
          yield* Log.info("i1")
          seen.push([...(yield* TestLog.lines)])
          yield* Log.trace("t1")
          yield* Log.warning("w1")
        }).pipe(Log.fingersCrossed())
      )
      expect(seen).toEqual([["[▶️] i1"]]) // written immediately, not at the end of the scope
      expect(lines).toEqual(["[▶️] i1", "⚠️ WARN [▶️] w1"])
      expect(fingersCrossedState.open).toBe(0)
    }))

  it.effect("a trigger writes the buffer first, in order, with original timestamps, fields, names, context and spans; then the scope passes through", () =>
    Effect.gen(function*() {
      const { lines, records } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("loading", { id: 7 })
          yield* TestClock.adjust("10 millis")
          yield* Log.named("db").bind({ table: "users" }).trace("query", { ms: 3 }).pipe(Effect.withLogSpan("q"))
          yield* TestClock.adjust("10 millis")
          yield* Log.info("working")
          yield* Log.debug("about to fail").pipe(Log.withContext({ step: 2 }))
          yield* TestClock.adjust("10 millis")
          yield* Log.error("failed", { code: "E1" })
          yield* Log.debug("after the trigger")
          yield* Log.trace("and another")
        }).pipe(Log.withContext({ request_id: "r1" }), Log.fingersCrossed())
      )
      expect(lines).toEqual([
        "[▶️] working request_id=r1",
        "🐞 DEBUG [▶️] loading request_id=r1 id=7",
        "👣 TRACE [🗄️] query request_id=r1 table=users ms=3 q=0ms",
        "🐞 DEBUG [▶️] about to fail request_id=r1 step=2",
        "🔥 ERROR [▶️] failed request_id=r1 code=E1",
        "🐞 DEBUG [▶️] after the trigger request_id=r1",
        "👣 TRACE [▶️] and another request_id=r1"
      ])
      expect(records.map((r) => [r.message, r.timestamp.getTime()])).toEqual([
        ["working", 20],
        ["loading", 0],
        ["query", 10],
        ["about to fail", 20],
        ["failed", 30],
        ["after the trigger", 30],
        ["and another", 30]
      ])
      expect(records[2]!.loggerName).toBe("db")
      expect(records[2]!.spans).toEqual([{ label: "q", durationMs: 0 }])
    }))

  it.effect("a kept record keeps its fields as they were at the call (a fields object changed later)", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          const fields: Record<string, unknown> = { step: 1, user: "ada" }
          yield* Log.debug("working", fields)
          fields.step = 2
          delete fields.user
          yield* Log.debug("working", fields)
          yield* Log.error("failed")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual([
        "🐞 DEBUG [▶️] working step=1 user=ada",
        "🐞 DEBUG [▶️] working step=2",
        "🔥 ERROR [▶️] failed"
      ])
    }))

  it.effect("the trigger level is an option (any spelling); a record below it does not release", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1")
          yield* Log.info("i1")
          yield* Log.warn("w1")
          yield* Log.debug("d2")
        }).pipe(Log.fingersCrossed({ trigger: "WARN" }))
      )
      expect(lines).toEqual(["[▶️] i1", "🐞 DEBUG [▶️] d1", "⚠️ WARN [▶️] w1", "🐞 DEBUG [▶️] d2"])
      const { lines: strict } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1")
          yield* Log.error("e1")
        }).pipe(Log.fingersCrossed({ trigger: "critical" }))
      )
      expect(strict).toEqual(["🔥 ERROR [▶️] e1"])
    }))

  it.effect("level: records below it are not kept", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.trace("t1")
          yield* Log.debug("d1")
          yield* Log.error("e1")
          yield* Log.trace("t2")
          yield* Log.debug("d2")
        }).pipe(Log.fingersCrossed({ level: "debug" }))
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] d1", "🔥 ERROR [▶️] e1", "🐞 DEBUG [▶️] d2"])
    }))

  it.effect("a failure releases the buffer when the effect ends; the error stays the effect's", () =>
    Effect.gen(function*() {
      const { exit, lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1", { n: 1 })
          yield* Log.info("i1")
          yield* Log.debug("d2", { n: 2 })
          return yield* Effect.fail("boom")
        }).pipe(Log.fingersCrossed())
      )
      expect(exit).toEqual(Exit.fail("boom"))
      expect(lines).toEqual(["[▶️] i1", "🐞 DEBUG [▶️] d1 n=1", "🐞 DEBUG [▶️] d2 n=2"])
    }))

  it.effect("a defect releases the buffer", () =>
    Effect.gen(function*() {
      const { exit, lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1")
          yield* Effect.die(new TypeError("kaput"))
        }).pipe(Log.fingersCrossed())
      )
      expect(Exit.isFailure(exit) && exit.cause.reasons.some(Cause.isDieReason)).toBe(true)
      expect(lines).toEqual(["🐞 DEBUG [▶️] d1"])
    }))

  it.effect("an interruption, a success and a caught failure discard it", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(
          Effect.gen(function*() {
            yield* Log.debug("interrupted")
            yield* Effect.never
          }).pipe(Log.fingersCrossed())
        )
        yield* Effect.yieldNow
        yield* Fiber.interrupt(fiber)
        yield* Log.debug("succeeded").pipe(Log.fingersCrossed())
        yield* Effect.ignore(
          Effect.andThen(Log.debug("caught"), Effect.fail("x")).pipe(
            Effect.catchCause(() => Effect.void),
            Log.fingersCrossed()
          )
        )
      }))
      expect(lines).toEqual([])
      expect(fingersCrossedState.open).toBe(0)
    }))

  it.effect("the buffer keeps maxRecords; the dropped ones are counted in a WARN line before the released ones", () =>
    Effect.gen(function*() {
      const { lines, records } = yield* atInfo(
        Effect.gen(function*() {
          for (let i = 1; i <= 7; i++) {
            yield* Log.debug("d", { i })
            yield* TestClock.adjust("1 millis")
          }
          yield* Log.error("e")
        }).pipe(Log.withContext({ request_id: "r9" }), Log.fingersCrossed({ maxRecords: 3 }))
      )
      expect(lines).toEqual([
        "⚠️ WARN [▶️] 4 earlier records dropped from the fingers-crossed buffer request_id=r9 dropped=4",
        "🐞 DEBUG [▶️] d request_id=r9 i=5",
        "🐞 DEBUG [▶️] d request_id=r9 i=6",
        "🐞 DEBUG [▶️] d request_id=r9 i=7",
        "🔥 ERROR [▶️] e request_id=r9"
      ])
      expect(records[0]!.timestamp.getTime()).toBe(4) // the first kept record's time
      const { lines: one } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("a")
          yield* Log.debug("b")
          yield* Effect.fail("x")
        }).pipe(Log.fingersCrossed({ maxRecords: 1 }))
      )
      expect(one).toEqual([
        "⚠️ WARN [▶️] 1 earlier record dropped from the fingers-crossed buffer dropped=1",
        "🐞 DEBUG [▶️] b"
      ])
    }))

  it.effect("forked fibers share the scope's buffer", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("parent")
          const fiber = yield* Effect.forkChild(Log.debug("child"))
          yield* Fiber.join(fiber)
          yield* Effect.all([Log.debug("c1"), Effect.andThen(Effect.yieldNow, Log.debug("c2"))], {
            concurrency: "unbounded"
          })
          const late = yield* Effect.forkChild(Effect.andThen(Log.debug("grandchild"), Log.error("from a child")))
          yield* Fiber.join(late)
          yield* Log.debug("parent again")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual([
        "🐞 DEBUG [▶️] parent",
        "🐞 DEBUG [▶️] child",
        "🐞 DEBUG [▶️] c1",
        "🐞 DEBUG [▶️] c2",
        "🐞 DEBUG [▶️] grandchild",
        "🔥 ERROR [▶️] from a child",
        "🐞 DEBUG [▶️] parent again"
      ])
    }))

  it.effect("1,000 concurrent scopes, some failing: each failing one releases exactly its own debug lines, in order", () =>
    Effect.gen(function*() {
      const failing = (i: number) => i % 7 === 3
      // every request waits at the gate until all have started, so their records interleave
      const gate = yield* Latch.make(false)
      const request = (i: number) =>
        Effect.gen(function*() {
          yield* Log.debug("start", { i })
          yield* Effect.yieldNow
          yield* Log.info("working", { i })
          yield* Effect.forkChild(Log.debug("forked", { i })).pipe(Effect.flatMap(Fiber.join))
          yield* gate.await
          yield* Log.debug("end", { i })
          if (failing(i)) {
            if (i % 2 === 0) return yield* Effect.fail(`failed ${i}`)
            yield* Log.error("failed", { i })
          }
        }).pipe(Log.fingersCrossed(), Effect.ignore)
      const { records } = yield* atInfo(Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(
          Effect.forEach(Array.from({ length: 1000 }, (_, i) => i), request, { concurrency: "unbounded" })
        )
        while (fingersCrossedState.open < 1000) yield* Effect.yieldNow
        for (let k = 0; k < 10; k++) yield* Effect.yieldNow
        yield* gate.open
        yield* Fiber.join(fiber)
      }))
      const byId = new Map<number, Array<string>>()
      for (const r of records) {
        const i = r.fields.i as number
        byId.set(i, [...(byId.get(i) ?? []), r.level + ":" + r.message])
      }
      let released = 0
      for (let i = 0; i < 1000; i++) {
        if (!failing(i)) expect(byId.get(i)).toEqual(["info:working"])
        else {
          released++
          const own = ["debug:start", "debug:forked", "debug:end"]
          expect(byId.get(i)).toEqual(i % 2 === 0 ? ["info:working", ...own] : ["info:working", ...own, "error:failed"])
        }
      }
      expect(released).toBe(143)
      expect(records.filter((r) => r.level === "debug")).toHaveLength(143 * 3)
      expect(fingersCrossedState.open).toBe(0)
    }))

  it.effect("Effect.logError inside the scope triggers; Effect.logDebug below the level is dropped by Effect and not kept", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("kept")
          yield* Effect.logDebug("effect debug")
          yield* Effect.logError("effect error")
          yield* Log.debug("through")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] kept", "🔥 ERROR [▶️] effect error", "🐞 DEBUG [▶️] through"])
    }))

  it.effect("Log.exception with a Cause triggers", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("kept")
          yield* Log.exception("failed", Cause.fail("x"))
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] kept", "🔥 ERROR [▶️] failed cause=\"Error: x\""])
    }))

  it.effect("Logger.withMinimumLogLevel inside the scope decides what is below the level", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("written at once").pipe(minimum("Debug"))
          yield* Log.info("kept").pipe(minimum("Warn"))
          yield* Effect.fail("x")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] written at once", "[▶️] kept"])
    }))

  it.effect("nested scopes: an inner scope ending quietly hands its records to the outer one; a trigger inside releases both, merged in order", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("outer 1")
          yield* Log.debug("inner 1").pipe(Log.fingersCrossed())
          yield* Log.debug("outer 2")
          yield* Effect.gen(function*() {
            yield* Log.debug("inner 2")
            yield* Log.error("inner error")
          }).pipe(Log.fingersCrossed())
          yield* Log.debug("outer 3")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual([
        "🐞 DEBUG [▶️] outer 1",
        "🐞 DEBUG [▶️] inner 1",
        "🐞 DEBUG [▶️] outer 2",
        "🐞 DEBUG [▶️] inner 2",
        "🔥 ERROR [▶️] inner error",
        "🐞 DEBUG [▶️] outer 3"
      ])
    }))

  it.effect("nested scopes: an inner failure releases the inner records only; the outer still decides for its own", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("outer 1")
          yield* Effect.andThen(Log.debug("inner"), Effect.fail("x")).pipe(Log.fingersCrossed(), Effect.ignore)
          yield* Log.debug("outer 2")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] inner"])
      // an inner trigger at WARN does not reach the outer scope's ERROR trigger
      const { lines: warn } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("outer 1")
          yield* Effect.andThen(Log.debug("inner"), Log.warn("w")).pipe(Log.fingersCrossed({ trigger: "warning" }))
          yield* Log.debug("outer 2")
        }).pipe(Log.fingersCrossed())
      )
      expect(warn).toEqual(["🐞 DEBUG [▶️] inner", "⚠️ WARN [▶️] w"])
    }))

  it.effect("the scoped form: released when the scope closes with a failure, discarded otherwise", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        yield* Effect.ignore(Effect.scoped(Effect.gen(function*() {
          yield* Log.fingersCrossedScoped()
          yield* Log.debug("failed scope")
          yield* Effect.fail("x")
        })))
        yield* Effect.scoped(Effect.gen(function*() {
          yield* Log.fingersCrossedScoped({ trigger: "warning" })
          yield* Log.debug("quiet scope")
        }))
        yield* Effect.scoped(Effect.gen(function*() {
          yield* Log.fingersCrossedScoped({ trigger: "warning" })
          yield* Log.debug("warned scope")
          yield* Log.warn("w")
        }))
        yield* Log.debug("outside")
      }))
      expect(lines).toEqual(["🐞 DEBUG [▶️] failed scope", "🐞 DEBUG [▶️] warned scope", "⚠️ WARN [▶️] w"])
      expect(fingersCrossedState.open).toBe(0)
    }))

  it.effect("module levels: a record its module level drops is kept; one it admits is written at once", () =>
    Effect.gen(function*() {
      const { lines } = yield* Effect.gen(function*() {
        const exit = yield* Effect.exit(
          Effect.gen(function*() {
            yield* Log.named("noisy").info("kept: below its module level")
            yield* Log.named("auth").debug("written: auth logs from debug")
            yield* Log.debug("kept: below the level")
            yield* Effect.fail("x")
          }).pipe(Log.fingersCrossed())
        )
        return { exit, lines: yield* TestLog.lines }
      }).pipe(
        Effect.provide(
          TestLog.layer({ level: "info", loggerNameEmoji: false, moduleLevels: { noisy: "error", auth: "debug" } })
        )
      )
      expect(lines).toEqual([
        "🐞 DEBUG written: auth logs from debug",
        "kept: below its module level",
        "🐞 DEBUG kept: below the level"
      ])
    }))

  it.effect("other loggers receive the released records as they would have at the call (date, annotations, level)", () =>
    Effect.gen(function*() {
      const seen: Array<[string, string, number, unknown]> = []
      const other = Logger.make((options) => {
        seen.push([
          options.logLevel,
          String((options.message as Array<unknown>)[0]),
          options.date.getTime(),
          options.fiber.getRef(References.CurrentLogAnnotations).request_id
        ])
      })
      yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1").pipe(Log.withContext({ request_id: "r1" }))
          yield* TestClock.adjust("5 millis")
          yield* Log.error("e1")
        }).pipe(Log.fingersCrossed(), Effect.provide(Logger.layer([other], { mergeWithExisting: true })))
      )
      expect(seen).toEqual([["Debug", "d1", 0, "r1"], ["Error", "e1", 5, undefined]])
    }))

  it.effect("released records become span events with their original time", () =>
    Effect.gen(function*() {
      const { events, tracer } = recordingTracer()
      yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1")
          yield* TestClock.adjust("2 millis")
          yield* Log.error("e1")
        }).pipe(
          Effect.withSpan("op"),
          Log.fingersCrossed(),
          Effect.provide(Logger.layer([Logger.tracerLogger], { mergeWithExisting: true })),
          Effect.withTracer(tracer)
        )
      )
      expect(events.map((e) => [e.name, e.time])).toEqual([["d1", 0n], ["e1", 2_000_000n]])
    }))

  it.effect("a fiber outliving its scope falls back to the enclosing scope (or none)", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        const latch = yield* Latch.make(false)
        const fiber = yield* Effect.forkDetach(
          Effect.andThen(latch.await, Effect.andThen(Log.debug("late"), Log.error("late error")))
        ).pipe(Log.fingersCrossed())
        yield* latch.open
        yield* Fiber.join(fiber)
        yield* Log.debug("after")
      }))
      expect(lines).toEqual(["🔥 ERROR [▶️] late error"])
    }))

  it.effect("invalid options never throw: the effect dies with IllegalArgumentError naming the option", () =>
    Effect.gen(function*() {
      let runs = 0
      const self = Effect.sync(() => runs++)
      expect(yield* defectMessage(Log.fingersCrossed(self, { maxRecords: 0 }))).toBe(
        "Log.fingersCrossed option maxRecords: invalid value 0; accepted: a whole number >= 1"
      )
      expect(yield* defectMessage(Log.fingersCrossed(self, { maxRecords: 1.5 }))).toContain(
        "maxRecords: invalid value 1.5"
      )
      expect(yield* defectMessage(Effect.scoped(Log.fingersCrossedScoped({ trigger: "LOUD" as never })))).toBe(
        "Log.fingersCrossed option trigger: invalid value \"LOUD\"; " +
          "accepted: TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"
      )
      const dataLast = Log.fingersCrossed({ level: 3 as never }) // never throws
      expect(yield* defectMessage(self.pipe(dataLast))).toContain("Log.fingersCrossed option level: invalid value 3")
      expect(runs).toBe(0)
    }))
})
