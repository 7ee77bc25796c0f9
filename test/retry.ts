/**
 * What the Retry tests share (test/Retry.test.ts, test/RetryProperty.test.ts): an operation that records its
 * attempts' times, and a driver that moves the TestClock to each pending sleep.
 */
import { Chunk, Clock, Data, Effect, Exit, Fiber, Option, TestClock } from "effect"
import { Retry } from "effect-foundation"
import { expect } from "vitest"

export class Transient extends Data.TaggedError("Transient")<{ readonly message: string; readonly n: number }> {}
export class Fatal extends Data.TaggedError("Fatal")<{ readonly message: string }> {}

/** An operation that records the time of every attempt and fails with `Transient` (or what `fail` returns). */
export const recorder = <E = Transient>(fail?: (n: number) => E | undefined) => {
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
export const drive = <A, E>(eff: Effect.Effect<A, E>, limit = 1_000) =>
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

export const gaps = (times: ReadonlyArray<number>) => times.slice(1).map((t, i) => t - times[i]!)

export const sequence = (policy: Retry.RetryPolicy<Transient>) =>
  Effect.gen(function*() {
    const { op, times } = recorder()
    const exit = yield* drive(op.pipe(Retry.withRetry(policy)))
    expect(Exit.isFailure(exit)).toBe(true)
    return { times, exit }
  })
