import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Fiber, HashMap, Logger, LogLevel, Option, TestClock } from "effect"
import { Foundation, HttpLogging, Log, Telemetry, TestLog } from "effect-foundation"
import { createServer } from "node:http"
import { fingersCrossed as fingersCrossedState } from "../src/internal/record.js"
import { decodeBody } from "./otlpProto.js"
import { defectMessage, localServer, recordingTracer } from "./utils.js"

const noEnv = Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))

/** Runs `program` under TestLog at INFO (so debug and trace are below the level); the captured lines. */
const atInfo = <A, E>(program: Effect.Effect<A, E, TestLog.TestLog>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(program)
    return { exit, lines: yield* TestLog.lines, records: yield* TestLog.records }
  }).pipe(Effect.provide(TestLog.layer({ level: "info" })))

/** Runs `program` with Foundation.layer (JSON, TestClock time) writing to an array; the lines written. */
const throughFoundation = <A, E>(program: Effect.Effect<A, E>, options: Foundation.Options = {}) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    const exit = yield* Effect.exit(program.pipe(
      Effect.provide(
        Foundation.layer({
          format: "json",
          level: "info",
          ...options,
          sink: { target: (chunk) => void out.push(chunk) }
        })
      ),
      noEnv
    ))
    return { exit, lines: out.join("").split("\n").slice(0, -1) }
  })

/** An OTLP/HTTP receiver on 127.0.0.1 (random port) answering 200; the log records it received. */
const otlpReceiver = Effect.suspend(() => {
  const records: Array<any> = []
  return Effect.map(
    localServer((req, body, res) => {
      for (const rl of decodeBody(req.headers, body).body.resourceLogs) {
        for (const sl of rl.scopeLogs) for (const r of sl.logRecords) records.push(r)
      }
      res.writeHead(200, { "content-type": "application/json" })
      res.end("{}")
    }),
    ({ url }) => ({ url: `${url}/v1/logs`, records })
  )
})

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
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect(lines).toEqual(["🐞 DEBUG [▶️] d1"])
    }))

  it.effect("an interruption, a success and a caught failure discard it", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Effect.gen(function*() {
            yield* Log.debug("interrupted")
            yield* Effect.never
          }).pipe(Log.fingersCrossed())
        )
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(fiber)
        yield* Log.debug("succeeded").pipe(Log.fingersCrossed())
        yield* Effect.ignore(
          Effect.zipRight(Log.debug("caught"), Effect.fail("x")).pipe(
            Effect.catchAll(() => Effect.void),
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
          const fiber = yield* Effect.fork(Log.debug("child"))
          yield* Fiber.join(fiber)
          yield* Effect.all([Log.debug("c1"), Effect.zipRight(Effect.yieldNow(), Log.debug("c2"))], {
            concurrency: "unbounded"
          })
          const late = yield* Effect.fork(Effect.zipRight(Log.debug("grandchild"), Log.error("from a child")))
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
      const gate = yield* Effect.makeLatch(false)
      const request = (i: number) =>
        Effect.gen(function*() {
          yield* Log.debug("start", { i })
          yield* Effect.yieldNow()
          yield* Log.info("working", { i })
          yield* Effect.fork(Log.debug("forked", { i })).pipe(Effect.flatMap(Fiber.join))
          yield* gate.await
          yield* Log.debug("end", { i })
          if (failing(i)) {
            if (i % 2 === 0) return yield* Effect.fail(`failed ${i}`)
            yield* Log.error("failed", { i })
          }
        }).pipe(Log.fingersCrossed(), Effect.ignore)
      const { records } = yield* atInfo(Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Effect.forEach(Array.from({ length: 1000 }, (_, i) => i), request, { concurrency: "unbounded" })
        )
        while (fingersCrossedState.open < 1000) yield* Effect.yieldNow()
        for (let k = 0; k < 10; k++) yield* Effect.yieldNow()
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
          yield* Log.debug("written at once").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
          yield* Log.info("kept").pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
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
          yield* Effect.zipRight(Log.debug("inner"), Effect.fail("x")).pipe(Log.fingersCrossed(), Effect.ignore)
          yield* Log.debug("outer 2")
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual(["🐞 DEBUG [▶️] inner"])
      // an inner trigger at WARN does not reach the outer scope's ERROR trigger
      const { lines: warn } = yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("outer 1")
          yield* Effect.zipRight(Log.debug("inner"), Log.warn("w")).pipe(Log.fingersCrossed({ trigger: "warning" }))
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

  it.effect("through Foundation.layer: JSON lines with the original timestamps, redacted like any line", () =>
    Effect.gen(function*() {
      const { lines } = yield* throughFoundation(
        Effect.gen(function*() {
          yield* Log.debug("login", { user: "ada", password: "hunter2" })
          yield* TestClock.adjust("1500 millis")
          yield* Log.error("failed", { token: "Bearer abc.def" })
        }).pipe(Log.fingersCrossed())
      )
      expect(lines).toEqual([
        "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"debug\",\"message\":\"login\",\"user\":\"ada\",\"password\":\"[REDACTED]\"}",
        "{\"timestamp\":\"1970-01-01T00:00:01.500Z\",\"level\":\"error\",\"message\":\"failed\",\"token\":\"[REDACTED]\"}"
      ])
    }))

  it.effect("through Foundation.layer with a rate limit: released records count against it like any line", () =>
    Effect.gen(function*() {
      const { lines } = yield* throughFoundation(
        Effect.gen(function*() {
          for (let i = 0; i < 5; i++) yield* Log.debug("d", { i })
          yield* Log.error("e")
        }).pipe(Log.fingersCrossed()),
        { format: "key_value", colors: false, loggerNameEmoji: false, rateLimit: { global: { rate: 0, capacity: 3 } } }
      )
      // the two debug lines and the error held back are summarised when the layer closes (issue 19 item 11)
      expect(lines).toEqual([
        "🐞 DEBUG d i=0",
        "🐞 DEBUG d i=1",
        "🐞 DEBUG d i=2",
        "⚠️ WARN 3 records suppressed for root suppressed=3 logger=root"
      ])
    }))

  it.effect("other loggers receive the released records as they would have at the call (date, annotations, level)", () =>
    Effect.gen(function*() {
      const seen: Array<[string, string, number, unknown]> = []
      const other = Logger.make((options) => {
        seen.push([
          options.logLevel.label,
          String((options.message as Array<unknown>)[0]),
          options.date.getTime(),
          Option.getOrUndefined(HashMap.get(options.annotations, "request_id"))
        ])
      })
      yield* atInfo(
        Effect.gen(function*() {
          yield* Log.debug("d1").pipe(Log.withContext({ request_id: "r1" }))
          yield* TestClock.adjust("5 millis")
          yield* Log.error("e1")
        }).pipe(Log.fingersCrossed(), Effect.provide(Logger.add(other)))
      )
      expect(seen).toEqual([["DEBUG", "d1", 0, "r1"], ["ERROR", "e1", 5, undefined]])
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
          Effect.provide(Logger.add(Logger.tracerLogger)),
          Effect.withTracer(tracer)
        )
      )
      expect(events.map((e) => [e.name, e.time])).toEqual([["d1", 0n], ["e1", 2_000_000n]])
    }))

  it.live("released records reach the OTLP exporter with their own time and the trace ids of their span", () =>
    Effect.gen(function*() {
      const rx = yield* otlpReceiver
      const { ids, before } = yield* Effect.gen(function*() {
        const span = yield* Effect.currentSpan
        const before = Date.now()
        yield* Log.debug("kept in the span", { n: 1 })
        yield* Effect.sleep("20 millis")
        yield* Log.error("failed")
        return { ids: { traceId: span.traceId, spanId: span.spanId }, before }
      }).pipe(
        Effect.withSpan("op"),
        Log.fingersCrossed(),
        Logger.withMinimumLogLevel(LogLevel.Info),
        Effect.provide(Telemetry.otlp({ endpoint: rx.url, scheduledDelay: "1 hour" })),
        Effect.provide(Logger.remove(Logger.defaultLogger))
      )
      expect(rx.records.map((r) => [r.severityText, r.body.stringValue, r.traceId, r.spanId])).toEqual([
        ["DEBUG", "kept in the span", ids.traceId, ids.spanId],
        ["ERROR", "failed", ids.traceId, ids.spanId]
      ])
      const [kept, failed] = rx.records.map((r) => Number(BigInt(r.timeUnixNano) / 1_000_000n))
      expect(kept! - before).toBeLessThan(20) // the time of the call, not of the release
      expect(failed! - kept!).toBeGreaterThanOrEqual(19)
    }).pipe(Effect.scoped))

  it.effect("a fiber outliving its scope falls back to the enclosing scope (or none)", () =>
    Effect.gen(function*() {
      const { lines } = yield* atInfo(Effect.gen(function*() {
        const latch = yield* Effect.makeLatch(false)
        const fiber = yield* Effect.forkDaemon(
          Effect.zipRight(latch.await, Effect.zipRight(Log.debug("late"), Log.error("late error")))
        ).pipe(Log.fingersCrossed())
        yield* latch.open
        yield* Fiber.join(fiber)
        yield* Log.debug("after")
      }))
      expect(lines).toEqual(["🔥 ERROR [▶️] late error"])
    }))

  it.effect("invalid options never throw: the effect dies with IllegalArgumentException naming the option", () =>
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

describe("HttpLogging.make({ fingersCrossed })", () => {
  const app = HttpRouter.empty.pipe(
    HttpRouter.get(
      "/ok/:n",
      Effect.gen(function*() {
        const { n } = yield* HttpRouter.params
        yield* Log.debug("loading", { n })
        yield* Effect.fork(Log.debug("forked", { n })).pipe(Effect.flatMap(Fiber.join))
        return HttpServerResponse.text("ok")
      })
    ),
    HttpRouter.get(
      "/500/:n",
      Effect.gen(function*() {
        const { n } = yield* HttpRouter.params
        yield* Log.debug("loading", { n })
        yield* Effect.fork(Log.debug("forked", { n })).pipe(Effect.flatMap(Fiber.join))
        yield* Effect.yieldNow()
        yield* Log.debug("answering 500", { n })
        return HttpServerResponse.text("no", { status: 500 })
      })
    ),
    HttpRouter.get("/fail", Effect.zipRight(Log.debug("about to fail"), Effect.fail(new Error("boom")))),
    HttpRouter.get("/defect", Effect.zipRight(Log.debug("about to die"), Effect.die(new TypeError("kaput"))))
  )

  /** Serves `app` with `middleware` (TestLog at INFO), fetches `paths` concurrently; the records once every request has its completion line. */
  const serve = (middleware: HttpLogging.Middleware, paths: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      yield* HttpServer.serveEffect(app, middleware)
      const { port } = (yield* HttpServer.HttpServer).address as HttpServer.TcpAddress
      const statuses = yield* Effect.forEach(
        paths,
        (path) =>
          Effect.promise(() => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => (await r.text(), r.status))),
        { concurrency: "unbounded" }
      )
      // the response may reach the client just before the completion line is logged
      const completed = (r: TestLog.Record) => r.message === "Request completed" || r.message === "Request failed"
      for (let i = 0; i < 1000 && (yield* TestLog.records).filter(completed).length < paths.length; i++) {
        yield* Effect.sleep("5 millis")
      }
      return { statuses, records: yield* TestLog.records }
    }).pipe(
      Effect.scoped,
      Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
      Effect.provide(TestLog.layer({ level: "info" }))
    )

  /** The records of one request (by its path), as `level message`. */
  const of = (records: ReadonlyArray<TestLog.Record>, path: string) =>
    records.filter((r) => r.fields.path === path).map((r) => r.level + " " + r.message)

  it.live("a 500 comes with the request's debug lines, before its ERROR line; a 200 without", () =>
    Effect.gen(function*() {
      const paths = ["/ok/1", "/500/2", "/ok/3", "/500/4", "/fail", "/defect"]
      const { records, statuses } = yield* serve(HttpLogging.make({ fingersCrossed: true }), paths)
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
    }))

  it.live("without the option (the default), no debug line is written", () =>
    Effect.gen(function*() {
      const { records } = yield* serve(HttpLogging.make(), ["/500/1", "/fail"])
      expect(records.filter((r) => r.level === "debug")).toEqual([])
      expect(records.filter((r) => r.message === "Request failed")).toHaveLength(2)
    }))

  it.effect("an invalid fingersCrossed option never throws: every request dies with the message", () =>
    Effect.gen(function*() {
      const middleware = HttpLogging.make({ fingersCrossed: { maxRecords: -1 } }) // never throws
      let runs = 0
      const app = Effect.sync(() => {
        runs++
        return HttpServerResponse.text("ok")
      })
      expect(
        yield* defectMessage(Effect.provideService(middleware(app), HttpServerRequest.HttpServerRequest, {} as never))
      )
        .toBe("HttpLogging option fingersCrossed.maxRecords: invalid value -1; accepted: a whole number >= 1")
      expect(runs).toBe(0)
    }))
})
