import { Cause, Effect } from "effect"
import * as TestClock from "effect/testing/TestClock"
import { describe, expect } from "vitest"
import * as Log from "../../src/effect4/Log.js"
import * as TestLog from "../../src/effect4/TestLog.js"
import { it } from "./utils.js"

describe("TestLog", () => {
  it.effect("captures structured records and rendered lines", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000)
      yield* Log.named("db").bind({ pool: "p" }).debug("query", { ms: 3 }).pipe(Log.withContext({ request_id: "r" }))
      yield* Effect.logError("plain", Cause.fail("nope"))
      const recs = yield* TestLog.records
      expect(recs).toHaveLength(2)
      expect(recs[0]).toMatchObject({
        level: "debug",
        message: "query",
        loggerName: "db",
        fields: { request_id: "r", pool: "p", ms: 3 },
        timestamp: new Date(1_000)
      })
      expect(recs[0]!.cause.reasons).toHaveLength(0)
      expect(recs[1]!.level).toBe("error")
      expect(recs[1]!.cause.reasons.filter(Cause.isFailReason)).toHaveLength(1)
      expect(yield* TestLog.lines).toEqual([
        "🐞 DEBUG [🗄️] query request_id=r pool=p ms=3",
        "🔥 ERROR [▶️] plain cause=\"Error: nope\""
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("clear forgets what was captured; the level option filters", () =>
    Effect.gen(function*() {
      yield* Log.info("one")
      yield* TestLog.clear
      yield* Log.debug("dropped")
      yield* Log.warning("two")
      expect((yield* TestLog.records).map((r) => r.message)).toEqual(["two"])
    }).pipe(Effect.provide(TestLog.layer({ level: "info" }))))

  it.effect("a __proto__ key in fields stays a plain key", () =>
    Effect.gen(function*() {
      const fields = JSON.parse("{\"__proto__\":{\"polluted\":true},\"a\":1}") as Record<string, unknown>
      yield* Log.info("x", fields)
      const [rec] = yield* TestLog.records
      expect(Object.keys(rec!.fields)).toEqual(["__proto__", "a"])
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect((rec!.fields as { polluted?: unknown }).polluted).toBeUndefined()
    }).pipe(Effect.provide(TestLog.layer())))
})
