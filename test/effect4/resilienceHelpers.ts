/**
 * Helpers of the Effect 4 resilience tests (Retry, ErrorHandling, CircuitBreaker, Task): a run with effect 4's
 * `TestLog` and a fresh `TestClock`, `it.effect` as @effect/vitest has it, driving the TestClock, and the defect
 * message of an effect.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import { it as vitestIt } from "vitest"
import * as TestLog from "../../src/effect4/TestLog.js"

export { TestLog }

/** Runs `self` with effect 4's `TestLog` and a fresh TestClock: its exit, the records and the lines. */
export const run = async <A, E>(self: Effect.Effect<A, E, TestLog.TestLog>) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const exit = yield* Effect.exit(self)
      return { exit, records: yield* TestLog.records, lines: yield* TestLog.lines }
    }).pipe(Effect.provide(TestLog.layer()), Effect.provide(TestClock.layer()))
  )

/** vitest's `it` with `it.effect` (as @effect/vitest has it): runs the effect with a fresh TestClock. */
export const it: typeof vitestIt & {
  readonly effect: (name: string, self: () => Effect.Effect<unknown, unknown>) => void
} = Object.assign(vitestIt, {
  effect: (name: string, self: () => Effect.Effect<unknown, unknown>) =>
    vitestIt(name, () => Effect.runPromise(Effect.provide(self(), TestClock.layer())))
})

/** Forks `self`, lets the TestClock run through every sleep of the next 30 days, and joins it. */
export const drive = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<Exit.Exit<A, E>, never, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(self))
    yield* TestClock.adjust("30 days")
    return yield* Fiber.join(fiber)
  })

/** The message of the `IllegalArgumentError` `self` dies with, or a description of what it did instead. */
export const defectMessage = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<string> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isFailure(exit)) {
      for (const r of exit.cause.reasons) {
        if (r._tag === "Die" && Cause.isIllegalArgumentError(r.defect)) return r.defect.message
      }
    }
    return `no defect: ${String(exit)}`
  })

/** The typed failures of a cause. */
export const failures = (cause: Cause.Cause<unknown>): Array<unknown> =>
  cause.reasons.flatMap((r) => (r._tag === "Fail" ? [r.error] : []))

/** The gaps between successive times. */
export const gaps = (times: ReadonlyArray<number>) => times.slice(1).map((t, i) => t - times[i]!)
