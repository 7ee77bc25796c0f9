import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { TestClock } from "effect/testing"
import { describe, expect, expectTypeOf, it } from "vitest"
import * as Retry from "../../src/effect4/Retry.js"
import { defectMessage, drive, gaps, run } from "./resilienceHelpers.js"

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

/** The attempt times of `op` under `policy`, from a fresh TestClock (and `seed` for jitter). */
const sequence = async (policy: Retry.RetryPolicy<Transient>, seed?: number) => {
  const { op, times } = recorder()
  const driven = drive(op.pipe(Retry.withRetry(policy)))
  const { exit, lines, records } = await run(seed === undefined ? driven : driven.pipe(Random.withSeed(seed)))
  expect(Exit.isSuccess(exit) && Exit.isFailure(exit.value)).toBe(true)
  return { times, exit: Exit.isSuccess(exit) ? exit.value : exit, records, lines }
}

const uniforms = (seed: number, n: number): Promise<Array<number>> =>
  Effect.runPromise(Effect.all(Array.from({ length: n }, () => Random.next)).pipe(Random.withSeed(seed)))

describe("Retry delay sequences (TestClock)", () => {
  it("exponential, factor 2 by default", async () => {
    expect((await sequence({ maxAttempts: 5, delay: "100 millis" })).times).toEqual([0, 100, 300, 700, 1500])
  })

  it("exponential with a numeric factor, and the strategy name", async () => {
    expect((await sequence({ maxAttempts: 4, delay: 100, backoff: 3 })).times).toEqual([0, 100, 400, 1300])
    expect(gaps((await sequence({ maxAttempts: 4, delay: 100, backoff: "exponential" })).times)).toEqual([
      100,
      200,
      400
    ])
    expect(gaps((await sequence({ maxAttempts: 3, delay: 100, backoff: 1.5 })).times)).toEqual([100, 150])
  })

  it("fixed, linear, fibonacci", async () => {
    expect(gaps((await sequence({ maxAttempts: 5, delay: 100, backoff: "fixed" })).times)).toEqual([
      100,
      100,
      100,
      100
    ])
    expect(gaps((await sequence({ maxAttempts: 3, delay: 100, backoff: 1 })).times)).toEqual([100, 100])
    expect(gaps((await sequence({ maxAttempts: 5, delay: 100, backoff: "linear" })).times)).toEqual([
      100,
      200,
      300,
      400
    ])
    expect(gaps((await sequence({ maxAttempts: 7, delay: 100, backoff: "fibonacci" })).times)).toEqual([
      100,
      100,
      200,
      300,
      500,
      800
    ])
  })

  it("maxDelay caps the waits", async () => {
    const { times } = await sequence({ maxAttempts: 6, delay: 100, maxDelay: "250 millis" })
    expect(gaps(times)).toEqual([100, 200, 250, 250, 250])
  })

  it("a zero delay retries at once", async () => {
    expect((await sequence({ maxAttempts: 3, delay: 0 })).times).toEqual([0, 0, 0])
  })

  it("full jitter: uniform in [0, wait], drawn from Effect's Random, reproducible by seed", async () => {
    const policy: Retry.RetryPolicy<Transient> = { maxAttempts: 6, delay: 1000, jitter: "full" }
    const first = await sequence(policy, 42)
    const again = await sequence(policy, 42)
    const other = await sequence(policy, 7)
    const us = await uniforms(42, 5)
    const bases = [1000, 2000, 4000, 8000, 16000]
    expect(gaps(first.times)).toEqual(bases.map((b, i) => Math.round(us[i]! * b)))
    gaps(first.times).forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(bases[i]!)
    })
    expect(gaps(again.times)).toEqual(gaps(first.times))
    expect(gaps(other.times)).not.toEqual(gaps(first.times))
  })

  it("decorrelated jitter: uniform in [delay, 3 * previous wait]", async () => {
    const { times } = await sequence({ maxAttempts: 6, delay: 100, jitter: "decorrelated" }, 3)
    const us = await uniforms(3, 5)
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
  })

  it("maxDelay bounds the jitter: no wait exceeds it", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const full = await sequence({ maxAttempts: 8, delay: 100, jitter: "full", maxDelay: 300 }, seed)
      for (const d of gaps(full.times)) expect(d).toBeLessThanOrEqual(300)
      const ds = gaps(
        (await sequence({ maxAttempts: 8, delay: 100, jitter: "decorrelated", maxDelay: 150 }, seed)).times
      )
      for (const d of ds) {
        expect(d).toBeGreaterThanOrEqual(100)
        expect(d).toBeLessThanOrEqual(150)
      }
      expect(Math.max(...ds)).toBeGreaterThan(125)
    }
  })

  it("property: every wait is within its bounds and never above maxDelay", async () => {
    // 25 policies drawn from a seeded Random (fast-check is not a dependency of the Effect 4 line)
    const draws = await uniforms(2026, 25 * 5)
    const jitters = ["none", "full", "decorrelated"] as const
    for (let k = 0; k < 25; k++) {
      const [a, b, c, d, e] = draws.slice(k * 5, k * 5 + 5) as [number, number, number, number, number]
      const delay = Math.floor(a * 501)
      const factor = 1 + b * 3
      const maxDelay = delay + Math.floor(c * 2001)
      const jitter = jitters[Math.floor(d * 3)]!
      const seed = Math.floor(e * 1e9)
      const { times } = await sequence({ maxAttempts: 6, delay, backoff: factor, maxDelay, jitter }, seed)
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
  })

  it("maxElapsed: no retry starts after the budget", async () => {
    const { exit, records, times } = await sequence({
      maxAttempts: 100,
      delay: 100,
      backoff: "fixed",
      maxElapsed: "350 millis"
    })
    expect(times).toEqual([0, 100, 200, 300])
    expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 4", n: 4 })))
    expect(records[records.length - 1]).toMatchObject({
      level: "error",
      message: "Retry attempts exhausted",
      fields: { attempts: 4, max_attempts: 100, reason: "max_elapsed", elapsed_ms: 300, error_tag: "Transient" }
    })
  })

  it("maxElapsed counts from the start of the first attempt (slow attempts use the budget)", async () => {
    const { op, times } = recorder()
    const slow = Effect.andThen(Effect.sleep("100 millis"), op)
    await run(drive(slow.pipe(Retry.withRetry({ maxAttempts: 10, delay: 100, backoff: "fixed", maxElapsed: 500 }))))
    // attempts end at 100, 300, 500: the retry after the third would start at 600 > 500
    expect(times).toEqual([100, 300, 500])
  })
})

describe("Retry outcomes and log lines", () => {
  it("exhaustion: one WARN per retry, one ERROR, then the last original error", async () => {
    const { exit, lines, records, times } = await sequence({ maxAttempts: 3, delay: "1 second", backoff: 2 })
    expect(times).toEqual([0, 1000, 3000])
    // the same lines as the Effect 3 binding's
    expect(lines).toEqual([
      "⚠️ WARN [▶️] Retrying attempt=1 max_attempts=3 delay_ms=1000 error_tag=Transient error_message=\"boom 1\"",
      "⚠️ WARN [▶️] Retrying attempt=2 max_attempts=3 delay_ms=2000 error_tag=Transient error_message=\"boom 2\"",
      "🔥 ERROR [▶️] Retry attempts exhausted attempts=3 max_attempts=3 reason=max_attempts elapsed_ms=3000 error_tag=Transient error_message=\"boom 3\""
    ])
    expect(exit).toStrictEqual(Exit.fail(new Transient({ message: "boom 3", n: 3 })))
    expect(records.map((r) => [r.level, r.message, r.fields])).toEqual([
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
  })

  it("succeeds on a later attempt with the value and no ERROR line", async () => {
    const { op, times } = recorder((n) => (n < 3 ? new Transient({ message: "flaky", n }) : undefined))
    const { exit, records } = await run(drive(op.pipe(Retry.withRetry({ maxAttempts: 5, delay: 50 }))))
    expect(exit).toStrictEqual(Exit.succeed(Exit.succeed("ok 3")))
    expect(times).toEqual([0, 50, 150])
    expect(records.map((r) => `${r.level} ${r.message} ${r.fields.attempt}`)).toEqual([
      "warning Retrying 1",
      "warning Retrying 2"
    ])
  })

  it("maxAttempts 1 runs once", async () => {
    const { records, times } = await sequence({ maxAttempts: 1 })
    expect(times).toEqual([0])
    expect(records.map((r) => r.message)).toEqual(["Retry attempts exhausted"])
  })

  it("logRetries: false writes nothing", async () => {
    const { records, times } = await sequence({ maxAttempts: 3, delay: 10, logRetries: false })
    expect(times).toHaveLength(3)
    expect(records).toEqual([])
  })

  it("retryOn predicate: other errors fail at once, unlogged", async () => {
    const { op, times } = recorder<Transient | Fatal>((n) =>
      n < 3 ? new Transient({ message: "t", n }) : new Fatal({ message: "fatal" })
    )
    const { exit, records } = await run(
      drive(op.pipe(Retry.withRetry({ maxAttempts: 10, delay: 10, retryOn: (e) => e._tag === "Transient" })))
    )
    expect(times).toEqual([0, 10, 30])
    expect(exit).toStrictEqual(Exit.succeed(Exit.fail(new Fatal({ message: "fatal" }))))
    expect(records.map((r) => r.message)).toEqual(["Retrying", "Retrying"])
  })

  it("retryOn by tag list", async () => {
    const fatalFirst = recorder<Fatal>(() => new Fatal({ message: "no" }))
    const e1 = await run(
      drive(fatalFirst.op.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10, retryOn: ["Transient"] })))
    )
    expect(fatalFirst.times).toEqual([0])
    expect(e1.exit).toStrictEqual(Exit.succeed(Exit.fail(new Fatal({ message: "no" }))))
    const transient = recorder()
    await run(drive(transient.op.pipe(Retry.withRetry({ maxAttempts: 4, delay: 10, retryOn: ["Transient", "Other"] }))))
    expect(transient.times).toHaveLength(4)
    // plain Errors are matched by name
    let n = 0
    const typeError = Effect.suspend(() => {
      n++
      return Effect.fail(new TypeError("bad"))
    })
    await run(drive(typeError.pipe(Retry.withRetry({ maxAttempts: 3, delay: 10, retryOn: ["TypeError"] }))))
    expect(n).toBe(3)
  })

  it("defects are never retried", async () => {
    let n = 0
    const dying = Effect.suspend(() => {
      n++
      return Effect.die(new Error("bug"))
    })
    const { exit, records } = await run(drive(dying.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10 }))))
    expect(n).toBe(1)
    expect(Exit.isSuccess(exit) && Exit.isFailure(exit.value) && Cause.hasDies(exit.value.cause)).toBe(true)
    expect(records).toEqual([])
  })

  it("an interrupt during a wait stops at once", async () => {
    const { op, times } = recorder()
    const { exit, records } = await run(Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(op.pipe(Retry.withRetry({ maxAttempts: 5, delay: "1 second" })))
      yield* TestClock.adjust("500 millis")
      expect(times).toEqual([0])
      const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
      yield* TestClock.adjust("1 hour")
      return exit
    }))
    expect(Exit.isSuccess(exit) && Exit.hasInterrupts(exit.value)).toBe(true)
    expect(times).toEqual([0])
    expect(records.map((r) => r.message)).toEqual(["Retrying"])
  })

  it("interruption of an attempt is not retried", async () => {
    let n = 0
    const interrupted = Effect.suspend(() => {
      n++
      return Effect.interrupt
    })
    const { exit } = await run(drive(interrupted.pipe(Retry.withRetry({ maxAttempts: 5, delay: 10 }))))
    expect(n).toBe(1)
    expect(Exit.isSuccess(exit) && Exit.hasInterrupts(exit.value)).toBe(true)
  })

  it("schedule(policy) is a Schedule for Effect.retry, with the same waits and lines", async () => {
    const { op, times } = recorder()
    const { exit, records } = await run(
      drive(Effect.retry(op, Retry.schedule({ maxAttempts: 3, delay: 100, backoff: "linear" })))
    )
    expect(times).toEqual([0, 100, 300])
    expect(exit).toStrictEqual(Exit.succeed(Exit.fail(new Transient({ message: "boom 3", n: 3 }))))
    expect(records.map((r) => r.fields.delay_ms ?? r.message)).toEqual([100, 200, "Retry attempts exhausted"])
  })

  it("one schedule(policy) value reused by two Effect.retry runs: each run has its own attempts and waits", async () => {
    const schedule = Retry.schedule<Transient>({ maxAttempts: 3, delay: 100, backoff: "linear" })
    const a = recorder()
    const b = recorder()
    const { records } = await run(Effect.gen(function*() {
      yield* drive(Effect.retry(a.op, schedule))
      yield* drive(
        Effect.all([Effect.exit(Effect.retry(b.op, schedule)), Effect.exit(Effect.retry(b.op, schedule))], {
          concurrency: 2
        })
      )
    }))
    expect(gaps(a.times)).toEqual([100, 200])
    expect(b.times).toHaveLength(6)
    expect(records.filter((r) => r.message === "Retrying").map((r) => r.fields.attempt)).toEqual([1, 2, 1, 1, 2, 2])
  })

  it("data-first and data-last agree; a policy value can be reused", async () => {
    const policy = Retry.withRetry({ maxAttempts: 2, delay: 10, logRetries: false })
    const a = recorder()
    const b = recorder()
    await run(Effect.gen(function*() {
      yield* drive(policy(a.op))
      yield* drive(Retry.withRetry(b.op, { maxAttempts: 2, delay: 10, logRetries: false }))
    }))
    await run(drive(policy(a.op)))
    expect(gaps(a.times.slice(0, 2))).toEqual([10])
    expect(a.times).toHaveLength(4)
    expect(gaps(a.times.slice(2))).toEqual([10])
    expect(b.times).toHaveLength(2)
  })
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

  it("an invalid policy never throws: withRetry dies with IllegalArgumentError without running self", async () => {
    for (const [policy, message] of invalid) {
      let runs = 0
      const self = Effect.sync(() => runs++)
      const dataLast = Retry.withRetry(policy) // never throws
      const dataFirst = Retry.withRetry(self, policy)
      expect(await Effect.runPromise(defectMessage(dataLast(self)))).toContain(message)
      expect(await Effect.runPromise(defectMessage(dataFirst))).toContain(message)
      expect(runs, `self ran for ${message}`).toBe(0)
    }
  })

  it("an invalid policy never throws: schedule makes a schedule that dies at its first step", async () => {
    for (const [policy, message] of invalid) {
      let runs = 0
      const schedule = Retry.schedule(policy) // never throws
      const failing = Effect.suspend(() => Effect.fail(runs++))
      expect(await Effect.runPromise(defectMessage(Effect.retry(failing, schedule)))).toContain(message)
      expect(runs, `attempts for ${message}`).toBe(1)
    }
  })
})

describe("Retry types", () => {
  it("withRetry keeps A, E and R", () => {
    const eff = Effect.fail(new Fatal({ message: "x" })) as Effect.Effect<number, Fatal, "Tag">
    expectTypeOf(eff.pipe(Retry.withRetry({ maxAttempts: 2 }))).toEqualTypeOf<Effect.Effect<number, Fatal, "Tag">>()
    expectTypeOf(eff.pipe(Retry.withRetry({ retryOn: (e) => e.message !== "" }))).toEqualTypeOf<
      Effect.Effect<number, Fatal, "Tag">
    >()
    expectTypeOf(Retry.withRetry(eff, { retryOn: ["Fatal"] })).toEqualTypeOf<Effect.Effect<number, Fatal, "Tag">>()
    const reusable = Retry.withRetry({ delay: "1 second" })
    expectTypeOf(reusable(eff)).toEqualTypeOf<Effect.Effect<number, Fatal, "Tag">>()
    // @ts-expect-error the predicate sees the effect's error type
    eff.pipe(Retry.withRetry({ retryOn: (e) => e.nope === 1 }))
  })

  it("Retry.logged keeps the schedule's Out, In, E and R", () => {
    expectTypeOf(Retry.logged(Schedule.recurs(1))).toEqualTypeOf<Schedule.Schedule<number, unknown>>()
    const policy = Retry.schedule<Transient>({ maxAttempts: 2 })
    expectTypeOf(policy).toEqualTypeOf<Schedule.Schedule<Duration.Duration, Transient>>()
    const op = Effect.fail(new Transient({ message: "x", n: 1 })) as Effect.Effect<string, Transient, "R">
    expectTypeOf(Effect.retry(op, Retry.logged(policy))).toEqualTypeOf<Effect.Effect<string, Transient, "R">>()
    // @ts-expect-error the schedule's input is the effect's error
    Effect.retry(op, Retry.logged(Retry.schedule<Fatal>({})))
  })
})

describe("Retry logging follows the final decision", () => {
  const messages = (records: ReadonlyArray<{ level: string; message: unknown }>) =>
    records.map((r) => `${r.level} ${r.message}`)

  it("a composed schedule wrapped in Retry.logged: one Retrying line per retry, one exhaustion line", async () => {
    const { op, times } = recorder()
    const composed = Schedule.max([Retry.schedule<Transient>({ maxAttempts: 5, delay: 100 }), Schedule.recurs(1)])
    const { exit, records } = await run(drive(Effect.retry(op, Retry.logged(composed))))
    expect(times).toEqual([0, 100]) // one retry
    expect(exit).toStrictEqual(Exit.succeed(Exit.fail(new Transient({ message: "boom 2", n: 2 }))))
    expect(records.map((r) => [r.level, r.message, r.fields])).toEqual([
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
  })

  it("times through Schedule.recurs inside Retry.logged: two retries, two lines, then exhaustion", async () => {
    const { op, times } = recorder()
    const schedule = Retry.logged(
      Schedule.max([Retry.schedule<Transient>({ maxAttempts: 10, delay: 10, backoff: "fixed" }), Schedule.recurs(2)])
    )
    const { records } = await run(drive(Effect.retry(op, schedule)))
    expect(times).toEqual([0, 10, 20])
    expect(messages(records)).toEqual(["warning Retrying", "warning Retrying", "error Retry attempts exhausted"])
  })

  it("the policy stops first inside a composition: its reason is reported", async () => {
    const { op, times } = recorder()
    const schedule = Retry.logged(
      Schedule.max([Retry.schedule<Transient>({ maxAttempts: 2, delay: 10 }), Schedule.recurs(5)])
    )
    const { records } = await run(drive(Effect.retry(op, schedule)))
    expect(times).toEqual([0, 10])
    expect(records.map((r) => `${r.message} ${r.fields.reason ?? ""}`.trim())).toEqual([
      "Retrying",
      "Retry attempts exhausted max_attempts"
    ])
  })

  it("min: a retry the policy refused but the other schedule allowed is logged (it happens)", async () => {
    const { op, times } = recorder()
    const schedule = Retry.logged(
      Schedule.min([
        Retry.schedule<Transient>({ maxAttempts: 2, delay: 10 }),
        Schedule.max([Schedule.spaced("50 millis"), Schedule.recurs(2)])
      ])
    )
    const { records } = await run(drive(Effect.retry(op, schedule)))
    expect(times).toEqual([0, 10, 60])
    expect(messages(records)).toEqual(["warning Retrying", "warning Retrying", "error Retry attempts exhausted"])
  })

  it("Retry.logged on a plain Effect schedule: attempt, delay and exhaustion without max_attempts", async () => {
    const { op } = recorder()
    const { records } = await run(
      drive(Effect.retry(op, Retry.logged(Schedule.max([Schedule.spaced("1 second"), Schedule.recurs(1)]))))
    )
    expect(records.map((r) => r.fields)).toEqual([
      { attempt: 1, delay_ms: 1000, error_tag: "Transient", error_message: "boom 1" },
      { attempts: 2, reason: "schedule", elapsed_ms: 1000, error_tag: "Transient", error_message: "boom 2" }
    ])
  })

  it("success after a retry inside Retry.logged: one Retrying line, no exhaustion line", async () => {
    const { op } = recorder((n) => (n < 2 ? new Transient({ message: "flaky", n }) : undefined))
    const { exit, records } = await run(
      drive(Effect.retry(op, Retry.logged(Retry.schedule<Transient>({ maxAttempts: 3, delay: 10 }))))
    )
    expect(exit).toStrictEqual(Exit.succeed(Exit.succeed("ok 2")))
    expect(messages(records)).toEqual(["warning Retrying"])
  })
})

describe("Jitter is drawn under the cap", () => {
  /** Every wait of one long retry sequence (delay 100 ms, cap 1 s), from a seeded Random. */
  const waits = async (jitter: "full" | "decorrelated", seed: number) =>
    gaps((await sequence({ maxAttempts: 60, delay: 100, maxDelay: 1000, jitter, logRetries: false }, seed)).times)

  const check = (ds: ReadonlyArray<number>, low: number) => {
    for (const d of ds) {
      expect(d).toBeGreaterThanOrEqual(low)
      expect(d).toBeLessThanOrEqual(1000)
    }
    // no bunching at the cap
    expect(ds.filter((d) => d === 1000).length).toBeLessThanOrEqual(Math.ceil(ds.length * 0.05))
    // spread over the range: every quarter of [low, cap] gets at least 10% of the waits
    const width = (1000 - low) / 4
    for (let q = 0; q < 4; q++) {
      const inQuarter = ds.filter((d) => d >= low + q * width && (q === 3 ? d <= 1000 : d < low + (q + 1) * width))
      expect(inQuarter.length).toBeGreaterThanOrEqual(ds.length * 0.1)
    }
  }

  it("full jitter: random(0, min(cap, delay * 2^n)), spread over [0, cap] once the cap is reached", async () => {
    const all: Array<number> = []
    for (const seed of [1, 2, 3]) for (const w of (await waits("full", seed)).slice(4)) all.push(w)
    expect(all.length).toBe(165)
    check(all, 0)
  })

  it("decorrelated jitter: random(delay, min(cap, 3 * previous)), spread over [delay, cap]", async () => {
    const all: Array<number> = []
    for (const seed of [1, 2, 3]) for (const w of (await waits("decorrelated", seed)).slice(4)) all.push(w)
    check(all, 100)
  })

  it("full jitter at attempt 7 over 20 seeds: not 19 of 20 at the cap", async () => {
    const seventh: Array<number> = []
    for (let seed = 1; seed <= 20; seed++) {
      const { times } = await sequence(
        { maxAttempts: 8, delay: 100, maxDelay: 1000, jitter: "full", logRetries: false },
        seed
      )
      seventh.push(gaps(times)[6]!)
    }
    expect(seventh.filter((d) => d === 1000).length).toBeLessThanOrEqual(1)
    expect(Math.min(...seventh)).toBeLessThan(250)
    expect(Math.max(...seventh)).toBeGreaterThan(750)
  })
})
