/**
 * The drivers every runtime has: Effect's `Console` (one `log` or `error` call
 * per line, never behind) and a user writer (a function, or one returning an
 * `Effect` that runs one batch at a time and can fall behind). Descriptors and
 * files are the platform's (`src/node/`).
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import { countLines } from "../core/consoleDriver.js"
import type { Driver } from "../core/driver.js"

/** Effect's `Console`: one `log` (or `error`) call per line, without its "\n". Never behind. */
export {
  /** @internal */
  consoleDriver
} from "../core/consoleDriver.js"

/** A user writer; one that returns an `Effect` is run, one batch at a time, and can fall behind. */
/** @internal */
export const writerDriver = (writer: (chunk: string) => unknown, runtime: Runtime.Runtime<never>): Driver => {
  let fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  return {
    name: "writer",
    lags: true,
    write: (batch, done) => {
      const r = writer(batch)
      if (!Effect.isEffect(r)) return true
      const f = Runtime.runFork(runtime)(r as Effect.Effect<unknown, unknown>)
      fiber = f
      f.addObserver((exit) => {
        if (fiber !== f) return
        fiber = undefined
        done(Exit.isFailure(exit) ? exit.cause : undefined)
      })
      return false
    },
    writeSync: (batch) => {
      // a batch in flight in a fiber cannot be finished synchronously
      if (fiber !== undefined) Fiber.interruptFork(fiber)
      fiber = undefined
      if (batch === "") return 0
      const r = writer(batch)
      if (Effect.isEffect(r)) Runtime.runSync(runtime)(r as Effect.Effect<unknown, unknown>)
      return countLines(batch)
    },
    abandon: () => {
      if (fiber !== undefined) Runtime.runFork(runtime)(Fiber.interrupt(fiber))
      fiber = undefined
      return 0
    },
    close: () => {}
  }
}
