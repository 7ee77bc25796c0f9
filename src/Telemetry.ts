/**
 * Flush and shutdown for everything the program logs to (the Effect
 * counterpart of provide.foundation's `shutdown_foundation_telemetry`).
 *
 * `Foundation.layer` registers its sink; closing the layer's scope (normal
 * exit, interruption, SIGINT/SIGTERM under `NodeRuntime.runMain`) already
 * shuts it down, so calling these is optional: use `flush` before handing
 * control to something that may not return, and `shutdown` to close early.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/flush.js"
import type * as LogSink from "./LogSink.js"
import * as Otlp from "./Otlp.js"

/**
 * What a flush or shutdown did: `status` (`flushed` / `timed_out` /
 * `failed`) and line counts (`written`, `failed`, `pending`, `dropped`).
 *
 * @since 0.1.0
 * @category models
 */
export type FlushReport = LogSink.FlushReport

/**
 * Something `flush` and `shutdown` act on (a sink, an exporter).
 *
 * @since 0.1.0
 * @category models
 */
export interface Flushable {
  readonly flush: (deadline?: Duration.DurationInput) => Effect.Effect<FlushReport>
  readonly shutdown: (deadline?: Duration.DurationInput) => Effect.Effect<FlushReport>
}

/**
 * Writes every buffered line of every registered sink; waits at most
 * `deadline` (default: each sink's `shutdownTimeout`, 5 s). Never fails.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FoundationLive, Log, Telemetry } from "effect-foundation"
 * const main = Effect.gen(function* () {
 *   yield* Log.info("about to hand over")
 *   const report = yield* Telemetry.flush("1 second")
 *   // report.status === "flushed"
 * }).pipe(Effect.provide(FoundationLive))
 * ```
 *
 * @since 0.1.0
 * @category shutdown
 */
export const flush = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> => internal.flushAll(deadline)

/**
 * Flushes and closes every registered sink (idempotent: later calls return
 * the first report). Lines logged afterwards are written synchronously, so
 * nothing is lost. Never fails.
 *
 * @since 0.1.0
 * @category shutdown
 */
export const shutdown = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
  internal.shutdownAll(deadline)

/**
 * Adds a flushable for the rest of the scope (see `LogSink.registerScoped`).
 *
 * @since 0.1.0
 * @category shutdown
 */
export const registerScoped: (flushable: Flushable) => Effect.Effect<void, never, Scope.Scope> = internal.registerScoped

// ---------------------------------------------------------------------------
// OTLP export: moved to the `Otlp` module in 0.2.0; these names remain.
// ---------------------------------------------------------------------------

/**
 * Options of {@link otlp}: see `Otlp.OtlpOptions`.
 *
 * @deprecated Use `Otlp.OtlpOptions`.
 * @since 0.1.0
 * @category models
 */
export type OtlpOptions = Otlp.OtlpOptions

/**
 * A failed OTLP request: see `Otlp.OtlpExportError`.
 *
 * @deprecated Use `Otlp.OtlpExportError`.
 * @since 0.1.0
 * @category errors
 */
export const OtlpExportError: typeof Otlp.OtlpExportError = Otlp.OtlpExportError

/**
 * OTLP export of logs: see `Otlp.layer`.
 *
 * @deprecated Use `Otlp.layer`.
 * @since 0.1.0
 * @category layers
 */
export const otlp: (options?: OtlpOptions) => Layer.Layer<never, ConfigError.ConfigError> = Otlp.layer

/**
 * OTLP export of logs on the `HttpClient` you provide: see `Otlp.layerWith`.
 *
 * @deprecated Use `Otlp.layerWith`.
 * @since 0.1.0
 * @category layers
 */
export const otlpWith: (
  options?: OtlpOptions
) => Layer.Layer<never, ConfigError.ConfigError, HttpClient.HttpClient> = Otlp.layerWith
