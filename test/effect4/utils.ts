/**
 * The Effect 4 tests' helpers: plain vitest (no @effect/vitest on this line), so `it.effect` is rebuilt here: the
 * effect runs scoped, with effect 4's `TestClock` (time starts at 0 and moves only when a test moves it).
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { it as vitestIt } from "vitest"

/** Runs an effect as a test does: scoped, with the `TestClock`. */
export const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Promise<A> =>
  Effect.runPromise(Effect.scoped(effect).pipe(Effect.provide(TestClock.layer())))

/** `it.effect` of @effect/vitest, for the Effect 4 line. */
export const it = Object.assign(
  (name: string, f: () => unknown) => vitestIt(name, f as () => Promise<void>),
  {
    effect: (name: string, f: () => Effect.Effect<unknown, unknown, Scope.Scope>) =>
      vitestIt(name, () => run(f()) as Promise<unknown> as Promise<void>)
  }
)
