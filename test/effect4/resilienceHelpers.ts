/**
 * Helpers of the Effect 4 resilience tests (Retry, ErrorHandling, CircuitBreaker, Task): a logger that captures the
 * records our modules log, a fresh `TestClock` per run, and the defect message of an effect.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { TestClock } from "effect/testing"
import { it as vitestIt } from "vitest"
import type { LogRecord } from "../../src/core/record.js"
import { type Direct, DirectPath } from "../../src/effect4/internal/log.js"

/** A record as the assertions read it: level, message, fields, the context's entries. */
export interface Captured {
  readonly level: string
  readonly message: unknown
  readonly fields: Record<string, unknown>
  readonly context: Record<string, unknown>
  readonly record: LogRecord
}

/** A capture of the records logged through `logRecord`, and the layer that installs it (beside a TestClock). */
export const capture = () => {
  const records: Array<Captured> = []
  const direct: Direct = (record) => {
    const context: Record<string, unknown> = {}
    record.context.keys.forEach((k, i) => context[k] = record.context.values[i])
    records.push({ level: record.level, message: record.message, fields: { ...record.fields }, context, record })
    return undefined
  }
  const logger = Object.assign(Logger.make(() => {}), { [DirectPath]: direct })
  const layer = Layer.merge(Logger.layer([logger]), TestClock.layer())
  return { records, layer }
}

/** Runs `self` with a fresh capture and TestClock: its exit and the records. */
export const run = async <A, E>(self: Effect.Effect<A, E>) => {
  const c = capture()
  const exit = await Effect.runPromise(Effect.exit(self).pipe(Effect.provide(c.layer)))
  return { exit, records: c.records }
}

/** Forks `self`, lets the TestClock run through every sleep of the next 30 days, and joins it. */
export const drive = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<Exit.Exit<A, E>> =>
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

/** The gaps between successive times. */
export const gaps = (times: ReadonlyArray<number>) => times.slice(1).map((t, i) => t - times[i]!)

/** The records of the running `it.effect` test (what the Effect 3 tests read through `TestLog.records`). */
let captured: Array<Captured> = []

/**
 * A stand-in for the Effect 3 tests' `TestLog` (records, layer), over the capture: `TestLog.layer()` installs the
 * capturing logger and a fresh TestClock.
 */
export const TestLog = {
  records: Effect.sync(() => captured.slice()),
  layer: () => {
    const direct: Direct = (record) => {
      const context: Record<string, unknown> = {}
      record.context.keys.forEach((k, i) => context[k] = record.context.values[i])
      captured.push({ level: record.level, message: record.message, fields: { ...record.fields }, context, record })
      return undefined
    }
    return Layer.merge(
      Logger.layer([Object.assign(Logger.make(() => {}), { [DirectPath]: direct })]),
      TestClock.layer()
    )
  }
}

/** vitest's `it` with `it.effect` (as @effect/vitest has it): runs the effect, with a fresh capture and TestClock. */
export const it: typeof vitestIt & {
  readonly effect: (name: string, self: () => Effect.Effect<unknown, unknown>) => void
} = Object.assign(vitestIt, {
  effect: (name: string, self: () => Effect.Effect<unknown, unknown>) =>
    vitestIt(name, () => {
      captured = []
      return Effect.runPromise(Effect.provide(self(), TestClock.layer()))
    })
})
