/**
 * Flush and shutdown for everything the program logs to (the Effect
 * counterpart of provide.foundation's `shutdown_foundation_telemetry`), for
 * Effect 4: the same as the package root's `Telemetry`.
 *
 * `Foundation.layer` registers its sinks; closing the layer's scope (normal
 * exit, interruption, SIGINT/SIGTERM under `NodeRuntime.runMain`) already
 * shuts them down, so calling these is optional: use `flush` before handing
 * control to something that may not return, and `shutdown` to close early.
 *
 * @since 0.2.0
 */
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/flush.js"
import type * as LogSink from "./LogSink.js"

/**
 * What a flush or shutdown did: `status` (`flushed` / `timed_out` /
 * `failed`) and line counts (`written`, `failed`, `pending`, `dropped`).
 *
 * @since 0.2.0
 * @category models
 */
export type FlushReport = LogSink.FlushReport

/**
 * Something `flush` and `shutdown` act on (a sink, an exporter).
 *
 * @since 0.2.0
 * @category models
 */
export interface Flushable {
  readonly flush: (deadline?: Duration.Input) => Effect.Effect<FlushReport>
  readonly shutdown: (deadline?: Duration.Input) => Effect.Effect<FlushReport>
}

/**
 * Writes every buffered line of every registered sink; waits at most
 * `deadline` (default: each sink's `shutdownTimeout`, 5 s). Never fails.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FoundationLive, Log, Telemetry } from "effect-foundation/effect4"
 * const main = Effect.gen(function* () {
 *   yield* Log.info("about to hand over")
 *   const report = yield* Telemetry.flush("1 second")
 *   // report.status === "flushed"
 * }).pipe(Effect.provide(FoundationLive))
 * ```
 *
 * @since 0.2.0
 * @category shutdown
 */
export const flush = (deadline?: Duration.Input): Effect.Effect<FlushReport> => internal.flushAll(deadline)

/**
 * Flushes and closes every registered sink (idempotent: later calls return
 * the first report). Lines logged afterwards are written synchronously, so
 * nothing is lost. Never fails.
 *
 * @since 0.2.0
 * @category shutdown
 */
export const shutdown = (deadline?: Duration.Input): Effect.Effect<FlushReport> => internal.shutdownAll(deadline)

/**
 * Adds a flushable for the rest of the scope (see `LogSink.registerScoped`).
 *
 * @since 0.2.0
 * @category shutdown
 */
export const registerScoped: (flushable: Flushable) => Effect.Effect<void, never, Scope.Scope> = internal.registerScoped

/**
 * The flushables `flush` and `shutdown` act on: a reference a layer provides with its own added (Effect 4's
 * successor of the root binding's `FiberRef`).
 *
 * @since 0.2.0
 * @category shutdown
 */
export const CurrentFlushables: Context.Reference<ReadonlyArray<Flushable>> = internal.CurrentFlushables

/**
 * A layer adding `flushables` to the set `flush` and `shutdown` act on, for the program it is provided to (effect
 * 4's way: the registry is a reference, and a layer provides it). `Foundation.layer` registers its sinks itself.
 *
 * @since 0.2.0
 * @category shutdown
 */
export const layer = (...flushables: ReadonlyArray<Flushable>): Layer.Layer<never> =>
  Layer.effectContext(internal.registered(flushables))
