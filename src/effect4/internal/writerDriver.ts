/**
 * A user writer as a sink driver (Effect 4): a function, or one returning an `Effect`, run with the services of the
 * fiber that opened the sink, one batch at a time (it can fall behind). The `Console` driver is the core's.
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import { countLines } from "../../core/consoleDriver.js"
import type { Driver } from "../../core/driver.js"

/** @internal */
export const writerDriver = (writer: (chunk: string) => unknown, services: Context.Context<never>): Driver => {
  let fiber: Fiber.Fiber<unknown, unknown> | undefined
  const runFork = Effect.runForkWith(services)
  // the interruption may end the fiber at once: it is forgotten first, so its observer does not settle it
  const stop = () => {
    const f = fiber
    fiber = undefined
    f?.interruptUnsafe()
  }
  return {
    name: "writer",
    lags: true,
    write: (batch, done) => {
      const r = writer(batch)
      if (!Effect.isEffect(r)) return true
      const f = runFork(r as Effect.Effect<unknown, unknown>)
      // Effect 4 starts the fiber at once: one that needs no wait is already done
      const now = f.pollUnsafe()
      if (now !== undefined) {
        if (Exit.isFailure(now)) throw now.cause
        return true
      }
      fiber = f
      f.addObserver((exit) => {
        if (fiber !== f) return
        fiber = undefined
        done(Exit.isFailure(exit) ? exit.cause : undefined)
      })
      return false
    },
    writeSync: (batch) => {
      // a batch in flight in a fiber cannot be finished synchronously (dropped first: its observer then ignores it)
      stop()
      if (batch === "") return 0
      const r = writer(batch)
      if (Effect.isEffect(r)) Effect.runSyncWith(services)(r as Effect.Effect<unknown, unknown>)
      return countLines(batch)
    },
    abandon: () => {
      stop()
      return 0
    },
    close: () => {}
  }
}
