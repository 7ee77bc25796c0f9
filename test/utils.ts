import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"

/**
 * The current Console with `log` captured: each call is kept in `logged`
 * (arguments joined by a space). Use with `Effect.withConsole(console)`.
 */
export const captureConsole: Effect.Effect<{ readonly console: Console.Console; readonly logged: Array<string> }> =
  Effect.map(Effect.console, (current) => {
    const logged: Array<string> = []
    const console: Console.Console = {
      ...current,
      unsafe: { ...globalThis.console, log: (...args: ReadonlyArray<unknown>) => void logged.push(args.join(" ")) }
    }
    return { console, logged }
  })
