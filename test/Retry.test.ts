import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Clock, Data, Effect, Exit, FastCheck, Fiber, Option, Random, TestClock } from "effect"
import { Retry, TestLog } from "effect-foundation"
import { expectTypeOf } from "vitest"

class Transient extends Data.TaggedError("Transient")<{ readonly message: string; readonly n: number }> {}
class Fatal extends Data.TaggedError("Fatal")<{ readonly message: string }> {}

/** An operation that records the time of every attempt and fails with `Transient` (or what `fail` returns). */
const recorder = <E = Transient>(fail?: (n: number) => E | undefined) => {
  const times: Array<number> = []
  const op: Effect.Effect<string, E | Transient> = Effect.flatMap(Clock.currentTimeMillis, (t) => {
    times.push(t)
    const n = times.length
    const e = fail === undefined ? new Transient({ message: `boom ${n}`, n }) : fail(n)
    return e === undefined ? Effect.succeed(`ok ${n}`) : Effect.fail(e)
  })
  return { times, op }
}

/**
 * Forks `eff`, then moves the TestClock forward step by step, each step to the
 * next pending sleep, until it is done.
 */
const drive = <A, E>(eff: Effect.Effect<A, E>, limit = 1_000) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(eff))
    for (let i = 0; i < limit; i++) {
      yield* Effect.yieldNow()
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      const pending = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const now = yield* Clock.currentTimeMillis
      yield* TestClock.adjust(pending.length === 0 ? 0 : Math.max(0, Math.min(...pending) - now))
    }
    return yield* Fiber.join(fiber)
  })

const gaps = (times: ReadonlyArray<number>) => times.slice(1).map((t, i) => t - times[i]!)

const sequence = (policy: Retry.RetryPolicy<Transient>) =>
  Effect.gen(function*() {
    const { op, times } = recorder()
    const exit = yield* drive(op.pipe(Retry.withRetry(policy)))
    expect(Exit.isFailure(exit)).toBe(true)
    return { times, exit }
  })

const uniforms = (seed: number, n: number) =>
  Effect.gen(function*() {
    const r = Random.make(seed)
    const out: Array<number> = []
    for (let i = 0; i < n; i++) out.push(yield* r.next)
    return out
  })

describe("Retry delay sequences (TestClock)", () => {
  it.effect("exponential, factor 2 by default", () =>
    Effect.gen(function*() {
      const { times } = yield* sequence({ maxAttempts: 5, delay: "100 millis" })
      expect(times).toEqual([0, 100, 300, 700, 1500])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("exponential with a numeric factor, and the strategy name", () =>
    Effect.gen(function*() {
      expect((yield* sequence({ maxAttempts: 4, delay: 100, backoff: 3 })).times).toEqual([0, 100, 400, 1300])
      expect(gaps((yield* sequence({ maxAttempts: 4, delay: 100, backoff: "exponential" })).times)).toEqual([100, 200, 400])
      expect(gaps((yield* sequence({ maxAttempts: 3, delay: 100, backoff: 1.5 })).times)).toEqual([100, 150])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("fixed, linear, fibonacci", () =>
    Effect.gen(function*() {
      expect(gaps((yield* sequence({ maxAttempts: 5, delay: 100, backoff: "fixed" })).times)).toEqual([100, 100, 100, 100])
      expect(gaps((yield* sequence({ maxAttempts: 3, delay: 100, backoff: 1 })).times)).toEqual([100, 100])
      expect(gaps((yield* sequence({ maxAttempts: 5, delay: 100, backoff: "linear" })).times)).toEqual([100, 200, 300, 400])
      expect(gaps((yield* sequence({ maxAttempts: 7, delay: 100, backoff: "fibonacci" })).times)).toEqual([
        100,
        100,
        200,
        300,
        500,
        800
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxDelay caps the waits", () =>
    Effect.gen(function*() {
      const { times } = yield* sequence({ maxAttempts: 6, delay: 100, maxDelay: "250 millis" })
      expect(gaps(times)).toEqual([100, 200, 250, 250, 250])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("a zero delay retries at once", () =>
    Effect.gen(function*() {
      const { times } = yield* sequence({ maxAttempts: 3, delay: 0 })
      expect(times).toEqual([0, 0, 0])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("full jitter: uniform in [0, wait], drawn from Effect's Random, reproducible by seed", () =>
    Effect.gen(function*() {
      const policy: Retry.RetryPolicy<Transient> = { maxAttempts: 6, delay: 1000, jitter: "full" }
      const first = yield* sequence(policy).pipe(Effect.withRandom(Random.make(42)))
      const again = yield* sequence(policy).pipe(Effect.withRandom(Random.make(42)))
      const other = yield* sequence(policy).pipe(Effect.withRandom(Random.make(7)))
      const us = yield* uniforms(42, 5)
      const bases = [1000, 2000, 4000, 8000, 16000]
      expect(gaps(first.times)).toEqual(bases.map((b, i) => Math.round(us[i]! * b)))
      gaps(first.times).forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(bases[i]!)
      })
      expect(gaps(again.times)).toEqual(gaps(first.times))
      expect(gaps(other.times)).not.toEqual(gaps(first.times))
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("decorrelated jitter: uniform in [delay, 3 * previous wait]", () =>
    Effect.gen(function*() {
      const { times } = yield* sequence({ maxAttempts: 6, delay: 100, jitter: "decorrelated" }).pipe(
        Effect.withRandom(Random.make(3))
      )
      const us = yield* uniforms(3, 5)
      const expected: Array<number> = []
      let previous = 100
      for (const u of us) {
        previous = Math.round(100 + u * (previous * 3 - 100))
        expected.push(previous)
      }
      expect(gaps(times)).toEqual(expected)
      let prev = 100
      for (const d of gaps(times)) {
        expect(d).toBeGreaterThanOrEqual(100)
        expect(d).toBeLessThanOrEqual(prev * 3)
        prev = d
      }
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxDelay applies after jitter: no wait exceeds it", () =>
    Effect.gen(function*() {
      for (const seed of [1, 2, 3, 4, 5]) {
        const full = yield* sequence({ maxAttempts: 8, delay: 100, jitter: "full", maxDelay: 300 }).pipe(
          Effect.withRandom(Random.make(seed))
        )
        for (const d of gaps(full.times)) expect(d).toBeLessThanOrEqual(300)
        const dec = yield* sequence({ maxAttempts: 8, delay: 100, jitter: "decorrelated", maxDelay: 150 }).pipe(
          Effect.withRandom(Random.make(seed))
        )
        const ds = gaps(dec.times)
        for (const d of ds) {
          expect(d).toBeGreaterThanOrEqual(100)
          expect(d).toBeLessThanOrEqual(150)
        }
        expect(ds).toContain(150) // the cap is hit, not merely avoided
      }
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("property: every wait is within its bounds and never above maxDelay", () =>
    Effect.gen(function*() {
      const arb = FastCheck.record({
        delay: FastCheck.integer({ min: 0, max: 500 }),
        factor: FastCheck.double({ min: 1, max: 4, noNaN: true }),
        extra: FastCheck.integer({ min: 0, max: 2000 }),
        jitter: FastCheck.constantFrom("none" as const, "full" as const, "decorrelated" as const),
        seed: FastCheck.integer()
      })
      for (const { delay, extra, factor, jitter, seed } of FastCheck.sample(arb, 25)) {
        const maxDelay = delay + extra
        const { times } = yield* sequence({ maxAttempts: 6, delay, backoff: factor, maxDelay, jitter }).pipe(
          Effect.withRandom(Random.make(seed))
        )
        expect(times).toHaveLength(6)
        let previous = delay
        gaps(times).forEach((d, i) => {
          const base = delay * Math.pow(factor, i)
          expect(d).toBeLessThanOrEqual(maxDelay)
          if (jitter === "none") expect(d).toBe(Math.min(Math.round(base), maxDelay))
          if (jitter === "full") expect(d).toBeLessThanOrEqual(Math.round(base))
          if (jitter === "full") expect(d).toBeGreaterThanOrEqual(0)
          if (jitter === "decorrelated") {
            expect(d).toBeGreaterThanOrEqual(delay)
            expect(d).toBeLessThanOrEqual(Math.max(delay, Math.round(previous * 3)))
          }
          previous = d
        })
      }
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxElapsed: no retry starts after the budget", () =>
    Effect.gen(function*() {
      const { times, exit } = yield* sequence({ maxAttempts: 100, delay: 100, backoff: "fixed", maxElapsed: "350 millis" })
      expect(times).toEqual([0, 100, 200, 300])
      expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 4", n: 4 })))
      const recs = yield* TestLog.records
      const last = recs[recs.length - 1]!
      expect(last).toMatchObject({
        level: "error",
        message: "Retry attempts exhausted",
        fields: { attempts: 4, max_attempts: 100, reason: "max_elapsed", elapsed_ms: 300, error_tag: "Transient" }
      })
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxElapsed counts from the start of the first attempt (slow attempts use the budget)", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const slow = Effect.zipRight(Effect.sleep("100 millis"), op)
      yield* drive(slow.pipe(Retry.withRetry({ maxAttempts: 10, delay: 100, backoff: "fixed", maxElapsed: 500 })))
      // attempts end at 100, 300, 500: the retry after the third would start at 600 > 500
      expect(times).toEqual([100, 300, 500])
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Retry outcomes and log lines", () => {
  it.effect("exhaustion: one WARN per retry, one ERROR, then the last original error", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const exit = yield* drive(op.pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2 })))
      expect(times).toEqual([0, 1000, 3000])
      expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 3", n: 3 })))
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.level, r.message, r.fields])).toEqual([
        ["warning", "Retrying", {
          attempt: 1,
          max_attempts: 3,
          delay_ms: 1000,
          error_tag: "Transient",
          error_message: "boom 1"
        }],
        ["warning", "Retrying", {
          attempt: 2,
          max_attempts: 3,
          delay_ms: 2000,
          error_tag: "Transient",
          error_message: "boom 2"
        }],
        ["error", "Retry attempts exhausted", {
          attempts: 3,
          max_attempts: 3,
          reason: "max_attempts",
          elapsed_ms: 3000,
          error_tag: "Transient",
          error_message: "boom 3"
        }]
      ])
      expect(yield* TestLog.lines).toEqual([
        "⚠️ WARN [▶️] Retrying attempt=1 max_attempts=3 delay_ms=1000 error_tag=Transient error_message=\"boom 1\"",
        "⚠️ WARN [▶️] Retrying attempt=2 max_attempts=3 delay_ms=2000 error_tag=Transient error_message=\"boom 2\"",
        "🔥 ERROR [▶️] Retry attempts exhausted attempts=3 max_attempts=3 reason=max_attempts elapsed_ms=3000 error_tag=Transient error_message=\"boom 3\""
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("succeeds on a later attempt with the value and no ERROR line", () =>
    Effect.gen(function*() {
      const { op, times } = recorder((n) => (n < 3 ? new Transient({ message: "flaky", n }) : undefined))
      const exit = yield* drive(op.pipe(Retry.withRetry({ maxAttempts: 5, delay: 50 })))
      expect(exit).toStrictEqual(Exit.succeed("ok 3"))
      expect(times).toEqual([0, 50, 150])
      const recs = yield* TestLog.records
      expect(recs.map((r) => `${r.level} ${r.message} ${r.fields.attempt}`)).toEqual([
        "warning Retrying 1",
        "warning Retrying 2"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxAttempts 1 runs once", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      yield* drive(op.pipe(Retry.withRetry({ maxAttempts: 1 })))
      expect(times).toEqual([0])
      expect((yield* TestLog.records).map((r) => r.message)).toEqual(["Retry attempts exhausted"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("logRetries: false writes nothing", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      yield* drive(op.pipe(Retry.withRetry({ maxAttempts: 3, delay: 10, logRetries: false })))
      expect(times).toHaveLength(3)
      expect(yield* TestLog.records).toEqual([])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("retryOn predicate: other errors fail at once, unlogged", () =>
    Effect.gen(function*() {
      const { op, times } = recorder<Transient | Fatal>((n) =>
        n < 3 ? new Transient({ message: "t", n }) : new Fatal({ message: "fatal" })
      )
      const exit = yield* drive(
        op.pipe(Retry.withRetry({ maxAttempts: 10, delay: 10, retryOn: (e) => e._tag === "Transient" }))
      )
      expect(times).toEqual([0, 10, 30])
      expect(exit).toStrictEqual(Exit.fail(new Fatal({ message: "fatal" })))
      expect((yield* TestLog.records).map((r) => r.message)).toEqual(["Retrying", "Retrying"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("retryOn by tag list", () =>
    Effect.gen(function*() {
      const fatalFirst = recorder<Fatal>(() => new Fatal({ message: "no" }))
      const e1 = yield* drive(fatalFirst.op.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10, retryOn: ["Transient"] })))
      expect(fatalFirst.times).toEqual([0])
      expect(e1).toStrictEqual(Exit.fail(new Fatal({ message: "no" })))
      const transient = recorder()
      yield* drive(transient.op.pipe(Retry.withRetry({ maxAttempts: 4, delay: 10, retryOn: ["Transient", "Other"] })))
      expect(transient.times).toHaveLength(4)
      // plain Errors are matched by name
      let n = 0
      const typeError = Effect.suspend(() => {
        n++
        return Effect.fail(new TypeError("bad"))
      })
      yield* drive(typeError.pipe(Retry.withRetry({ maxAttempts: 3, delay: 10, retryOn: ["TypeError"] })))
      expect(n).toBe(3)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("defects are never retried", () =>
    Effect.gen(function*() {
      let n = 0
      const dying = Effect.suspend(() => {
        n++
        return Effect.die(new Error("bug"))
      })
      const exit = yield* drive(dying.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10 })))
      expect(n).toBe(1)
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect(yield* TestLog.records).toEqual([])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("an interrupt during a wait stops at once", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const fiber = yield* Effect.fork(op.pipe(Retry.withRetry({ maxAttempts: 5, delay: "1 second" })))
      yield* TestClock.adjust("500 millis")
      expect(times).toEqual([0])
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* TestClock.adjust("1 hour")
      expect(times).toEqual([0])
      expect((yield* TestLog.records).map((r) => r.message)).toEqual(["Retrying"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("interruption of an attempt is not retried", () =>
    Effect.gen(function*() {
      let n = 0
      const interrupted = Effect.suspend(() => {
        n++
        return Effect.interrupt
      })
      const exit = yield* drive(interrupted.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10 })))
      expect(n).toBe(1)
      expect(Exit.isInterrupted(exit)).toBe(true)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("schedule(policy) is a Schedule for Effect.retry, with the same waits and lines", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const exit = yield* drive(Effect.retry(op, Retry.schedule({ maxAttempts: 3, delay: 100, backoff: "linear" })))
      expect(times).toEqual([0, 100, 300])
      expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 3", n: 3 })))
      expect((yield* TestLog.records).map((r) => r.fields.delay_ms ?? r.message)).toEqual([
        100,
        200,
        "Retry attempts exhausted"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("data-first and data-last agree; a policy value can be reused", () =>
    Effect.gen(function*() {
      const policy = Retry.withRetry({ maxAttempts: 2, delay: 10, logRetries: false })
      const a = recorder()
      const b = recorder()
      yield* drive(policy(a.op))
      yield* drive(Retry.withRetry(b.op, { maxAttempts: 2, delay: 10, logRetries: false }))
      yield* drive(policy(a.op))
      expect(a.times).toEqual([0, 10, 20, 30])
      expect(b.times).toHaveLength(2)
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Retry policy validation", () => {
  const invalid: Array<[Retry.RetryPolicy, RegExp]> = [
    [{ maxAttempts: 0 }, /maxAttempts must be an integer >= 1/],
    [{ maxAttempts: 2.5 }, /maxAttempts/],
    [{ delay: -1 }, /delay must be a non-negative duration, got -1/],
    [{ delay: "-2 seconds" }, /delay must be a non-negative duration/],
    [{ delay: "soon" as never }, /delay is not a duration/],
    [{ delay: "2 seconds", maxDelay: "1 second" }, /maxDelay \(1000 ms\) must not be smaller than delay \(2000 ms\)/],
    [{ backoff: 0.5 }, /backoff factor must be a finite number >= 1/],
    [{ backoff: "quadratic" as never }, /backoff must be/],
    [{ jitter: "some" as never }, /jitter must be/],
    [{ maxElapsed: -5 }, /maxElapsed must be a non-negative duration/]
  ]
  it("throws IllegalArgumentException when the policy is built (schedule and withRetry)", () => {
    for (const [policy, message] of invalid) {
      expect(() => Retry.schedule(policy)).toThrow(message)
      expect(() => Retry.withRetry(policy)).toThrow(message)
      expect(() => Retry.withRetry(Effect.void, policy)).toThrow(message)
      try {
        Retry.schedule(policy)
      } catch (e) {
        expect(Cause.isIllegalArgumentException(e)).toBe(true)
        expect(String((e as Error).message)).toMatch(/^Invalid retry policy: /)
      }
    }
  })
})

describe("Retry types", () => {
  it("withRetry keeps A, E and R", () => {
    class Tag extends Effect.Tag("Tag")<Tag, { readonly n: number }>() {}
    const eff = Effect.flatMap(Tag, (t) => (t.n > 0 ? Effect.succeed(t.n) : Effect.fail(new Fatal({ message: "x" }))))
    expectTypeOf(eff.pipe(Retry.withRetry({ maxAttempts: 2 }))).toEqualTypeOf<Effect.Effect<number, Fatal, Tag>>()
    expectTypeOf(eff.pipe(Retry.withRetry({ retryOn: (e) => e.message !== "" }))).toEqualTypeOf<
      Effect.Effect<number, Fatal, Tag>
    >()
    expectTypeOf(Retry.withRetry(eff, { retryOn: ["Fatal"] })).toEqualTypeOf<Effect.Effect<number, Fatal, Tag>>()
    const reusable = Retry.withRetry({ delay: "1 second" })
    expectTypeOf(reusable(eff)).toEqualTypeOf<Effect.Effect<number, Fatal, Tag>>()
    // @ts-expect-error the predicate sees the effect's error type
    eff.pipe(Retry.withRetry({ retryOn: (e) => e.nope === 1 }))
  })
})
