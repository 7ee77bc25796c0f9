/**
 * Running Effect 4 tests under plain vitest: `itScoped` / `itEffect` run an effect (in a scope) with effect 4's
 * `TestClock` (`TestClock.adjust` drives time), `itLive` with the real clock; `captureConsole` gives a `Console`
 * that records `log` calls.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { it } from "vitest"

/** Runs `effect` with the TestClock. */
export const runTest = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(Effect.provide(effect, TestClock.layer()))

/** A test of an effect, with the TestClock. */
export const itEffect = (name: string, body: () => Effect.Effect<unknown, unknown>, timeout?: number) =>
  it(name, () => runTest(body()), timeout)

/** A test of a scoped effect (the scope closes at its end), with the TestClock. */
export const itScoped = (
  name: string,
  body: () => Effect.Effect<unknown, unknown, Scope.Scope>,
  timeout?: number
) => it(name, () => runTest(Effect.scoped(body())), timeout)

/** A test of a scoped effect on the real clock. */
export const itLive = (
  name: string,
  body: () => Effect.Effect<unknown, unknown, Scope.Scope>,
  timeout?: number
) => it(name, () => Effect.runPromise(Effect.scoped(body())), timeout)

/** A `Console` that records what is logged (one string per `log` call), over the current one. */
export const captureConsole: Effect.Effect<{ readonly console: Console.Console; readonly logged: Array<string> }> =
  Effect.map(Effect.service(Console.Console), (current) => {
    const logged: Array<string> = []
    const console: Console.Console = {
      ...current,
      log: (...args: ReadonlyArray<unknown>) => void logged.push(args.join(" "))
    }
    return { console, logged }
  })

/** `effect` with `console` as its `Console`. */
export const withConsole = (console: Console.Console) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Console.Console, console)
