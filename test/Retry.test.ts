import { describe, expect, it } from "@effect/vitest"
import type { Duration } from "effect"
import { Cause, Effect, Exit, Fiber, Random, Schedule, TestClock } from "effect"
import { Retry, TestLog } from "effect-foundation"
import { expectTypeOf } from "vitest"
import { drive, Fatal, gaps, recorder, sequence, Transient } from "./retry.js"
import { defectMessage } from "./utils.js"

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
      expect(gaps((yield* sequence({ maxAttempts: 4, delay: 100, backoff: "exponential" })).times)).toEqual([
        100,
        200,
        400
      ])
      expect(gaps((yield* sequence({ maxAttempts: 3, delay: 100, backoff: 1.5 })).times)).toEqual([100, 150])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("fixed, linear, fibonacci", () =>
    Effect.gen(function*() {
      expect(gaps((yield* sequence({ maxAttempts: 5, delay: 100, backoff: "fixed" })).times)).toEqual([
        100,
        100,
        100,
        100
      ])
      expect(gaps((yield* sequence({ maxAttempts: 3, delay: 100, backoff: 1 })).times)).toEqual([100, 100])
      expect(gaps((yield* sequence({ maxAttempts: 5, delay: 100, backoff: "linear" })).times)).toEqual([
        100,
        200,
        300,
        400
      ])
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

  it.effect("maxDelay bounds the jitter: no wait exceeds it", () =>
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
        // the cap bounds the draw (3 * previous would reach 300+): the waits spread under it, into its upper half
        expect(Math.max(...ds)).toBeGreaterThan(125)
      }
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("maxElapsed: no retry starts after the budget", () =>
    Effect.gen(function*() {
      const { times, exit } = yield* sequence({
        maxAttempts: 100,
        delay: 100,
        backoff: "fixed",
        maxElapsed: "350 millis"
      })
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
      const e1 = yield* drive(
        fatalFirst.op.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10, retryOn: ["Transient"] }))
      )
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
  const invalid: Array<[Retry.RetryPolicy, string]> = [
    [
      { maxAttempts: 0 },
      "Retry option maxAttempts: invalid value 0; accepted: a whole number >= 1 (attempts, not retries)"
    ],
    [{ maxAttempts: 2.5 }, "Retry option maxAttempts: invalid value 2.5"],
    [{ delay: -1 }, "Retry option delay: invalid value -1; accepted: a finite, non-negative duration"],
    [{ delay: "-2 seconds" }, "Retry option delay: invalid value \"-2 seconds\"; accepted: a finite, non-negative"],
    [{ delay: "soon" as never }, "Retry option delay: invalid value \"soon\""],
    [
      { delay: "2 seconds", maxDelay: "1 second" },
      "Retry option maxDelay: invalid value \"1 second\"; accepted: a duration >= delay (2000 ms)"
    ],
    [{ backoff: 0.5 }, "Retry option backoff: invalid value 0.5; accepted: a factor >= 1 or one of"],
    [{ backoff: "quadratic" as never }, "Retry option backoff: invalid value \"quadratic\""],
    [{ jitter: "some" as never }, "Retry option jitter: invalid value \"some\"; accepted: none, full, decorrelated"],
    [{ maxElapsed: -5 }, "Retry option maxElapsed: invalid value -5; accepted: a non-negative duration"],
    [{ retryOn: 42 as never }, "Retry option retryOn: invalid value 42; accepted: a predicate or a list of error tags"]
  ]
  it.effect("an invalid policy never throws: withRetry dies with IllegalArgumentException without running self", () =>
    Effect.gen(function*() {
      for (const [policy, message] of invalid) {
        let runs = 0
        const self = Effect.sync(() => runs++)
        const dataLast = Retry.withRetry(policy) // never throws
        const dataFirst = Retry.withRetry(self, policy)
        expect(yield* defectMessage(dataLast(self))).toContain(message)
        expect(yield* defectMessage(dataFirst)).toContain(message)
        expect(runs, `self ran for ${message}`).toBe(0)
      }
    }))

  it.effect("an invalid policy never throws: schedule makes a schedule that dies at its first step", () =>
    Effect.gen(function*() {
      for (const [policy, message] of invalid) {
        let runs = 0
        const schedule = Retry.schedule(policy) // never throws
        const failing = Effect.suspend(() => Effect.fail(runs++))
        expect(yield* defectMessage(Effect.retry(failing, schedule))).toContain(message)
        expect(runs, `attempts for ${message}`).toBe(1)
      }
    }))
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

describe("Retry logging follows the final decision", () => {
  const messages = Effect.map(TestLog.records, (rs) => rs.map((r) => `${r.level} ${r.message}`))

  it.effect("a composed schedule wrapped in Retry.logged: one Retrying line per retry, one exhaustion line", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const composed = Retry.schedule<Transient>({ maxAttempts: 5, delay: 100 }).pipe(
        Schedule.intersect(Schedule.recurs(1))
      )
      const exit = yield* drive(Effect.retry(op, Retry.logged(composed)))
      expect(times).toEqual([0, 100]) // one retry
      expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 2", n: 2 })))
      const recs = yield* TestLog.records
      expect(recs.map((r) => [r.level, r.message, r.fields])).toEqual([
        ["warning", "Retrying", {
          attempt: 1,
          max_attempts: 5,
          delay_ms: 100,
          error_tag: "Transient",
          error_message: "boom 1"
        }],
        ["error", "Retry attempts exhausted", {
          attempts: 2,
          max_attempts: 5,
          reason: "schedule",
          elapsed_ms: 100,
          error_tag: "Transient",
          error_message: "boom 2"
        }]
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("times through Schedule.recurs inside Retry.logged: two retries, two lines, then exhaustion", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const schedule = Retry.logged(
        Schedule.intersect(
          Retry.schedule<Transient>({ maxAttempts: 10, delay: 10, backoff: "fixed" }),
          Schedule.recurs(2)
        )
      )
      yield* drive(Effect.retry(op, schedule))
      expect(times).toEqual([0, 10, 20])
      expect(yield* messages).toEqual(["warning Retrying", "warning Retrying", "error Retry attempts exhausted"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("the policy stops first inside a composition: its reason is reported", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const schedule = Retry.logged(
        Schedule.intersect(Retry.schedule<Transient>({ maxAttempts: 2, delay: 10 }), Schedule.recurs(5))
      )
      yield* drive(Effect.retry(op, schedule))
      expect(times).toEqual([0, 10])
      const recs = yield* TestLog.records
      expect(recs.map((r) => `${r.message} ${r.fields.reason ?? ""}`.trim())).toEqual([
        "Retrying",
        "Retry attempts exhausted max_attempts"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("union: a retry the policy refused but the other schedule allowed is logged (it happens)", () =>
    Effect.gen(function*() {
      const { op, times } = recorder()
      const schedule = Retry.logged(
        Schedule.union(
          Retry.schedule<Transient>({ maxAttempts: 2, delay: 10 }),
          Schedule.spaced("50 millis").pipe(Schedule.intersect(Schedule.recurs(2)))
        )
      )
      yield* drive(Effect.retry(op, schedule))
      expect(times).toEqual([0, 10, 60])
      expect(yield* messages).toEqual(["warning Retrying", "warning Retrying", "error Retry attempts exhausted"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("Retry.logged on a plain Effect schedule: attempt, delay and exhaustion without max_attempts", () =>
    Effect.gen(function*() {
      const { op } = recorder()
      yield* drive(
        Effect.retry(op, Retry.logged(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(1)))))
      )
      expect((yield* TestLog.records).map((r) => r.fields)).toEqual([
        { attempt: 1, delay_ms: 1000, error_tag: "Transient", error_message: "boom 1" },
        { attempts: 2, reason: "schedule", elapsed_ms: 1000, error_tag: "Transient", error_message: "boom 2" }
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("success after a retry inside Retry.logged: one Retrying line, no exhaustion line", () =>
    Effect.gen(function*() {
      const { op } = recorder((n) => (n < 2 ? new Transient({ message: "flaky", n }) : undefined))
      const exit = yield* drive(
        Effect.retry(op, Retry.logged(Retry.schedule<Transient>({ maxAttempts: 3, delay: 10 })))
      )
      expect(exit).toStrictEqual(Exit.succeed("ok 2"))
      expect(yield* messages).toEqual(["warning Retrying"])
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Retry.logged types", () => {
  it("keeps the schedule's Out, In and R", () => {
    expectTypeOf(Retry.logged(Schedule.recurs(1))).toEqualTypeOf<Schedule.Schedule<number, unknown>>()
    const policy = Retry.schedule<Transient>({ maxAttempts: 2 })
    expectTypeOf(policy).toEqualTypeOf<Schedule.Schedule<Duration.Duration, Transient>>()
    expectTypeOf(Retry.logged(Schedule.intersect(policy, Schedule.recurs(1)))).toEqualTypeOf<
      Schedule.Schedule<[Duration.Duration, number], Transient>
    >()
    const op = Effect.fail(new Transient({ message: "x", n: 1 })) as Effect.Effect<string, Transient, "R">
    expectTypeOf(Effect.retry(op, Retry.logged(policy))).toEqualTypeOf<Effect.Effect<string, Transient, "R">>()
    // @ts-expect-error the schedule's input is the effect's error
    Effect.retry(op, Retry.logged(Retry.schedule<Fatal>({})))
  })
})
