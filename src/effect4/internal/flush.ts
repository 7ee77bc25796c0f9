/**
 * The flush registry behind `Telemetry.flush` / `Telemetry.shutdown` (Effect 4): the sinks and exporters the current
 * program writes to, flushed together. A reference (Effect 4's successor of a `FiberRef`): a layer puts its own in
 * the context it provides (`registered`), an effect in a scope adds one for the rest of the scope (`registerScoped`).
 *
 * @internal
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { FlushReport } from "../LogSink.js"
import type { Flushable } from "../Telemetry.js"

/**
 * The flushables of the current program.
 *
 * @internal
 */
export const CurrentFlushables: Context.Reference<ReadonlyArray<Flushable>> = Context.Reference(
  "effect-foundation/effect4/Telemetry/CurrentFlushables",
  { defaultValue: (): ReadonlyArray<Flushable> => [] }
)

const adding = (f: Flushable) => (all: ReadonlyArray<Flushable>): ReadonlyArray<Flushable> =>
  all.includes(f) ? all : [...all, f]

/** Adds `f` for the rest of the scope (the current fiber). @internal */
export const registerScoped = (f: Flushable): Effect.Effect<void, never, Scope.Scope> =>
  Effect.updateServiceScoped(CurrentFlushables, adding(f))

/**
 * The context a layer provides to register `flushables`: the current ones (those of the layers under it) and these.
 *
 * @internal
 */
export const registered = (flushables: ReadonlyArray<Flushable>): Effect.Effect<Context.Context<never>> =>
  Effect.map(
    Effect.service(CurrentFlushables),
    (current) => Context.make(CurrentFlushables, flushables.reduce((all, f) => adding(f)(all), current))
  )

const worse = (a: FlushReport["status"], b: FlushReport["status"]): FlushReport["status"] =>
  a === "failed" || b === "failed" ? "failed" : a === "timed_out" || b === "timed_out" ? "timed_out" : "flushed"

/** @internal */
export const emptyReport: FlushReport = {
  status: "flushed",
  written: 0,
  failed: 0,
  pending: 0,
  dropped: 0,
  durationMillis: 0
}

/**
 * Several reports as one: counts summed, the worst status, the longest duration.
 *
 * @internal
 */
export const combineReports = (reports: ReadonlyArray<FlushReport>): FlushReport =>
  reports.reduce<FlushReport>(
    (acc, r) => ({
      status: worse(acc.status, r.status),
      written: acc.written + r.written,
      failed: acc.failed + r.failed,
      pending: acc.pending + r.pending,
      dropped: acc.dropped + r.dropped,
      durationMillis: Math.max(acc.durationMillis, r.durationMillis)
    }),
    emptyReport
  )

const all = (run: (f: Flushable) => Effect.Effect<FlushReport>): Effect.Effect<FlushReport> =>
  Effect.flatMap(
    Effect.service(CurrentFlushables),
    (flushables) => Effect.map(Effect.forEach(flushables, run, { concurrency: "unbounded" }), combineReports)
  )

/** @internal */
export const flushAll = (deadline?: Duration.Input): Effect.Effect<FlushReport> => all((f) => f.flush(deadline))

/** @internal */
export const shutdownAll = (deadline?: Duration.Input): Effect.Effect<FlushReport> => all((f) => f.shutdown(deadline))
