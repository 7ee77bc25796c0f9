/**
 * The flush registry behind `Telemetry.flush` / `Telemetry.shutdown`: the
 * sinks and exporters the current program writes to, flushed together.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import type * as Scope from "effect/Scope"
import type { FlushReport } from "../LogSink.js"
import type { Flushable } from "../Telemetry.js"

/**
 * The flushables of the current program (a layer adds its own for the
 * program it provides).
 *
 * @internal
 */
export const currentFlushables: FiberRef.FiberRef<ReadonlyArray<Flushable>> = globalValue(
  Symbol.for("effect-foundation/Telemetry/currentFlushables"),
  () => FiberRef.unsafeMake<ReadonlyArray<Flushable>>([])
)

/** @internal */
export const registerScoped = (f: Flushable): Effect.Effect<void, never, Scope.Scope> =>
  Effect.locallyScopedWith(currentFlushables, (all) => (all.includes(f) ? all : [...all, f]))

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

const all = (
  run: (f: Flushable) => Effect.Effect<FlushReport>
): Effect.Effect<FlushReport> =>
  Effect.flatMap(
    FiberRef.get(currentFlushables),
    (flushables) => Effect.map(Effect.forEach(flushables, run, { concurrency: "unbounded" }), combineReports)
  )

/** @internal */
export const flushAll = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> => all((f) => f.flush(deadline))

/** @internal */
export const shutdownAll = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
  all((f) => f.shutdown(deadline))
