import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import { describe, expect, expectTypeOf } from "vitest"
import * as CircuitBreaker from "../../src/effect4/CircuitBreaker.js"
import { defectMessage, it, TestLog } from "./resilienceHelpers.js"

class Down extends Data.TaggedError("Down")<{}> {}
class NotFound extends Data.TaggedError("NotFound")<{}> {}

const fail = Effect.fail(new Down())
const ok = Effect.succeed("ok")

/** Calls through the breaker and reports "ok" / the error tag. */
const call = <E extends { readonly _tag: string }>(b: CircuitBreaker.CircuitBreaker, eff: Effect.Effect<string, E>) =>
  Effect.match(b.protect(eff), { onFailure: (e) => e._tag, onSuccess: (a) => a })

const changes = Effect.map(
  TestLog.records,
  (rs) =>
    rs.filter((r) => r.message === "Circuit breaker state changed").map((r) =>
      `${r.level} ${r.fields.from}->${r.fields.to}`
    )
)

describe("CircuitBreaker transitions", () => {
  it.effect("closed -> open after failureThreshold consecutive failures; a success resets the count", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 3, resetTimeout: "10 seconds", name: "api" })
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      expect([yield* call(b, fail), yield* call(b, fail), yield* call(b, ok)]).toEqual(["Down", "Down", "ok"])
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      yield* TestClock.adjust("1 second")
      expect([yield* call(b, fail), yield* call(b, fail)]).toEqual(["Down", "Down"])
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 2 })
      expect(yield* call(b, fail)).toBe("Down")
      expect(yield* b.state).toEqual({
        _tag: "Open",
        openedAt: new Date(1000),
        retryAt: new Date(11_000),
        trips: 1
      })
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.level, r.message, r.fields])).toEqual([
        ["warning", "Circuit breaker state changed", {
          circuit: "api",
          from: "closed",
          to: "open",
          failures: 3,
          trips: 1,
          open_ms: 10_000,
          retry_at: "1970-01-01T00:00:11.000Z"
        }]
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("open fails fast with CircuitOpenError carrying retryAt, without running the effect", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: "5 seconds", name: "db" })
      yield* call(b, fail)
      yield* TestClock.adjust("2 seconds")
      let ran = 0
      const error = yield* Effect.flip(b.protect(Effect.sync(() => ran++)))
      expect(ran).toBe(0)
      expect(error).toBeInstanceOf(CircuitBreaker.CircuitOpenError)
      expect(error).toMatchObject({
        _tag: "CircuitOpenError",
        code: "CIRCUIT_OPEN",
        circuit: "db",
        state: "open",
        retryAt: new Date(5000)
      })
      expect(error.message).toBe("Circuit \"db\" is open until 1970-01-01T00:00:05.000Z")
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("open -> half-open after resetTimeout -> closed when the trial succeeds", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: "5 seconds" })
      yield* call(b, fail)
      yield* TestClock.adjust("4999 millis")
      expect((yield* b.state)._tag).toBe("Open")
      expect(yield* call(b, ok)).toBe("CircuitOpenError")
      yield* TestClock.adjust("1 millis")
      expect(yield* b.state).toEqual({ _tag: "HalfOpen", trips: 1, admitted: 0, succeeded: 0 })
      expect(yield* call(b, ok)).toBe("ok")
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      expect(yield* changes).toEqual([
        "warning closed->open",
        "info open->half_open",
        "info half_open->closed"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("half-open -> open on a failed trial, with the open period growing and capped", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({
        failureThreshold: 1,
        resetTimeout: "1 second",
        backoffFactor: 2,
        maxResetTimeout: "5 seconds"
      })
      yield* call(b, fail)
      const periods: Array<number> = []
      for (let i = 0; i < 5; i++) {
        const s = yield* b.state
        if (s._tag !== "Open") throw new Error("expected open")
        periods.push(s.retryAt.getTime() - s.openedAt.getTime())
        yield* TestClock.adjust(s.retryAt.getTime() - s.openedAt.getTime())
        expect(yield* call(b, fail)).toBe("Down") // the trial runs and fails
      }
      expect(periods).toEqual([1000, 2000, 4000, 5000, 5000])
      const opened = (yield* TestLog.records).filter((r) => r.fields.to === "open").map((r) => r.fields.open_ms)
      expect(opened).toEqual([1000, 2000, 4000, 5000, 5000, 5000])
      // a successful trial closes and resets the period
      yield* TestClock.adjust("5 seconds")
      expect(yield* call(b, ok)).toBe("ok")
      yield* call(b, fail)
      const s = yield* b.state
      expect(s._tag === "Open" && s.retryAt.getTime() - s.openedAt.getTime()).toBe(1000)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("halfOpenMaxCalls trials must all succeed to close", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: 100, halfOpenMaxCalls: 2 })
      yield* call(b, fail)
      yield* TestClock.adjust(100)
      expect(yield* call(b, ok)).toBe("ok")
      expect(yield* b.state).toEqual({ _tag: "HalfOpen", trips: 1, admitted: 1, succeeded: 1 })
      expect(yield* call(b, ok)).toBe("ok")
      expect((yield* b.state)._tag).toBe("Closed")
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("the half-open limit is exact under 100 concurrent callers", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: "1 second", halfOpenMaxCalls: 3 })
      yield* call(b, fail)
      yield* TestClock.adjust("1 second")
      let started = 0
      const slow = Effect.andThen(Effect.sync(() => started++), Effect.as(Effect.sleep("200 millis"), "ok"))
      const fiber = yield* Effect.forkChild(Effect.forEach(Array.from({ length: 100 }, () => call(b, slow)), (x) => x, {
        concurrency: "unbounded"
      }))
      yield* TestClock.adjust("100 millis")
      expect(started).toBe(3)
      expect(yield* b.state).toEqual({ _tag: "HalfOpen", trips: 1, admitted: 3, succeeded: 0 })
      yield* TestClock.adjust("100 millis")
      const results = yield* Fiber.join(fiber)
      expect(results.filter((r) => r === "ok")).toHaveLength(3)
      expect(results.filter((r) => r === "CircuitOpenError")).toHaveLength(97)
      expect((yield* b.state)._tag).toBe("Closed")
      // closed again: all 100 concurrent callers run
      const again = yield* Effect.forEach(Array.from({ length: 100 }, () => call(b, ok)), (x) => x, {
        concurrency: "unbounded"
      })
      expect(again.every((r) => r === "ok")).toBe(true)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("100 concurrent failures trip it exactly once", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 10, resetTimeout: "1 second" })
      const slowFail = Effect.andThen(Effect.sleep("10 millis"), fail)
      const fiber = yield* Effect.forkChild(
        Effect.forEach(Array.from({ length: 100 }, () => call(b, slowFail)), (x) => x, {
          concurrency: "unbounded"
        })
      )
      yield* TestClock.adjust("10 millis")
      const results = yield* Fiber.join(fiber)
      expect(results.every((r) => r === "Down")).toBe(true) // all were admitted while closed
      expect(yield* changes).toEqual(["warning closed->open"])
      expect((yield* b.state)._tag).toBe("Open")
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("CircuitBreaker failure classification", () => {
  it.effect("isFailure: rejected errors count as successes; defects always count", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({
        failureThreshold: 2,
        isFailure: (e) => !(e instanceof NotFound)
      })
      const notFound = Effect.fail(new NotFound())
      for (let i = 0; i < 5; i++) expect(yield* call(b, notFound)).toBe("NotFound")
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      const exit = yield* Effect.exit(b.protect(Effect.die("bug")))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
      yield* Effect.exit(b.protect(Effect.die("bug")))
      expect((yield* b.state)._tag).toBe("Open")
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("interruption is not a failure, and frees a half-open trial slot", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: 100 })
      const hanging = yield* Effect.forkChild(b.protect(Effect.never))
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(hanging)
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      yield* call(b, fail)
      yield* TestClock.adjust(100)
      const trial = yield* Effect.forkChild(b.protect(Effect.never))
      yield* TestClock.adjust(10)
      expect(yield* call(b, ok)).toBe("CircuitOpenError")
      yield* Fiber.interrupt(trial)
      expect(yield* b.state).toEqual({ _tag: "HalfOpen", trips: 1, admitted: 0, succeeded: 0 })
      expect(yield* call(b, ok)).toBe("ok")
      expect((yield* b.state)._tag).toBe("Closed")
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("a result from before a state change is ignored", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, resetTimeout: 1000 })
      const slowOk = Effect.as(Effect.sleep("50 millis"), "ok")
      const fiber = yield* Effect.forkChild(call(b, slowOk))
      yield* Effect.yieldNow
      yield* call(b, fail) // opens while slowOk is running
      yield* TestClock.adjust("50 millis")
      expect(yield* Fiber.join(fiber)).toBe("ok")
      expect((yield* b.state)._tag).toBe("Open") // the late success did not close it
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("reset closes it; withCircuitBreaker is dual", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({ failureThreshold: 1, name: "svc" })
      yield* Effect.result(fail.pipe(CircuitBreaker.withCircuitBreaker(b)))
      expect((yield* b.state)._tag).toBe("Open")
      yield* b.reset
      expect(yield* b.state).toEqual({ _tag: "Closed", failures: 0 })
      expect(yield* CircuitBreaker.withCircuitBreaker(ok, b)).toBe("ok")
      expect((yield* TestLog.records).map((r) => r.fields.reason)).toEqual([undefined, "reset"])
      expectTypeOf(CircuitBreaker.withCircuitBreaker(fail, b)).toEqualTypeOf<
        Effect.Effect<never, Down | CircuitBreaker.CircuitOpenError>
      >()
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("invalid options make an effect that dies with IllegalArgumentError naming the option, never a throw", () =>
    Effect.gen(function*() {
      const cases: Array<[CircuitBreaker.Options, string]> = [
        [
          { failureThreshold: 0 },
          "CircuitBreaker option failureThreshold: invalid value 0; accepted: a whole number >= 1"
        ],
        [
          { halfOpenMaxCalls: 1.5 },
          "CircuitBreaker option halfOpenMaxCalls: invalid value 1.5; accepted: a whole number"
        ],
        [
          { resetTimeout: -1 },
          "CircuitBreaker option resetTimeout: invalid value -1; accepted: a finite, non-negative"
        ],
        [
          { backoffFactor: 0.5 },
          "CircuitBreaker option backoffFactor: invalid value 0.5; accepted: a finite number >= 1"
        ],
        [
          { resetTimeout: "10 seconds", maxResetTimeout: "1 second" },
          "CircuitBreaker option maxResetTimeout: invalid value \"1 second\"; accepted: a duration >= resetTimeout (10000 ms)"
        ],
        [
          { isFailure: "yes" as never },
          "CircuitBreaker option isFailure: invalid value \"yes\"; accepted: a predicate"
        ],
        [null as never, "CircuitBreaker options: invalid value null; accepted: an options object"]
      ]
      for (const [options, message] of cases) {
        const made = CircuitBreaker.make(options) // never throws
        expect(yield* defectMessage(made)).toContain(message)
      }
    }))
})

describe("CircuitBreaker option bounds", () => {
  it.effect("infinite, NaN and negative durations are rejected when the breaker is made, naming the option", () =>
    Effect.gen(function*() {
      const cases: Array<[CircuitBreaker.Options, RegExp]> = [
        [{ resetTimeout: Infinity }, /^CircuitBreaker option resetTimeout: invalid value Infinity; accepted: a finite/],
        [{ resetTimeout: "Infinity millis" as never }, /^CircuitBreaker option resetTimeout: invalid value "Infinity/],
        [{ resetTimeout: Duration.infinity }, /^CircuitBreaker option resetTimeout: invalid value .*use a long period/],
        [{ maxResetTimeout: Infinity }, /^CircuitBreaker option maxResetTimeout: invalid value Infinity/],
        [{ maxResetTimeout: Duration.infinity }, /^CircuitBreaker option maxResetTimeout: invalid value/],
        [{ resetTimeout: NaN }, /^CircuitBreaker option resetTimeout: invalid value NaN; accepted: /],
        [{ maxResetTimeout: -5 }, /^CircuitBreaker option maxResetTimeout: invalid value -5; accepted: /],
        [{ backoffFactor: NaN }, /^CircuitBreaker option backoffFactor: invalid value NaN/],
        [{ backoffFactor: Infinity }, /^CircuitBreaker option backoffFactor: invalid value Infinity/],
        [{ failureThreshold: Infinity }, /^CircuitBreaker option failureThreshold: invalid value Infinity/],
        [{ failureThreshold: NaN }, /^CircuitBreaker option failureThreshold: invalid value NaN/],
        [{ halfOpenMaxCalls: -1 }, /^CircuitBreaker option halfOpenMaxCalls: invalid value -1/]
      ]
      for (const [options, message] of cases) {
        expect(yield* defectMessage(CircuitBreaker.make(options))).toMatch(message)
      }
    }))

  it.effect("a very long (finite) open period trips without dying: retryAt is clamped to the last valid Date", () =>
    Effect.gen(function*() {
      const b = yield* CircuitBreaker.make({
        failureThreshold: 1,
        resetTimeout: "1 second",
        maxResetTimeout: 1e300,
        backoffFactor: 1e200
      })
      yield* call(b, fail)
      yield* TestClock.adjust("1 second")
      expect(yield* call(b, fail)).toBe("Down") // the trial fails: the second trip, open for 1e200 seconds
      const s = yield* b.state
      expect(s._tag).toBe("Open")
      expect(s._tag === "Open" && s.retryAt.getTime()).toBe(8.64e15)
      const error = yield* Effect.flip(b.protect(ok))
      expect(error._tag === "CircuitOpenError" && error.retryAt.toISOString()).toBe("+275760-09-13T00:00:00.000Z")
      expect((yield* TestLog.records).at(-1)!.fields.retry_at).toBe("+275760-09-13T00:00:00.000Z")
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("CircuitBreaker types", () => {
  it("withCircuitBreaker data-last keeps A, E and R and adds CircuitOpenError; the error is catchable by tag", () => {
    // type-level only: the functions are never called
    const typed = (b: CircuitBreaker.CircuitBreaker, eff: Effect.Effect<never, Down, "R">) => {
      expectTypeOf(eff.pipe(CircuitBreaker.withCircuitBreaker(b))).toEqualTypeOf<
        Effect.Effect<never, Down | CircuitBreaker.CircuitOpenError, "R">
      >()
      expectTypeOf(
        eff.pipe(
          CircuitBreaker.withCircuitBreaker(b),
          Effect.catchTag("CircuitOpenError", (e) => Effect.succeed(e.retryAt))
        )
      ).toEqualTypeOf<Effect.Effect<Date, Down, "R">>()
      // @ts-expect-error a breaker is required
      eff.pipe(CircuitBreaker.withCircuitBreaker())
    }
    expect(typeof typed).toBe("function")
  })
})
