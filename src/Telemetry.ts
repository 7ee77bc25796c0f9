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
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/flush.js"
import type * as LogSink from "./LogSink.js"

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
// OTLP export
// ---------------------------------------------------------------------------

import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as otlpInternal from "./internal/otlp.js"

/**
 * Options of {@link otlp}; each one given here overrides its environment
 * variable (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_LOGS_HEADERS`,
 * `OTEL_EXPORTER_OTLP_(LOGS_)COMPRESSION`, `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`). `OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL`
 * may only be `http/json`: `http/protobuf` and `grpc` fail the layer at start.
 *
 * @since 0.1.0
 * @category models
 */
export type OtlpOptions = otlpInternal.OtlpOptions

/**
 * A failed OTLP request (`retryable` for 429, 502, 503, 504, network errors
 * and timeouts, as the OTLP/HTTP specification says; `retryAfterMillis` from
 * the collector's `Retry-After`). Never reaches the program: it is retried,
 * then counted.
 *
 * @since 0.1.0
 * @category errors
 */
export const OtlpExportError: typeof otlpInternal.ExportError = otlpInternal.ExportError

/**
 * Ships every record as an OpenTelemetry log over OTLP/HTTP (JSON, to
 * `/v1/logs`), beside the console or JSON output, with `fetch`. Records carry
 * severity, body, attributes (fields and context; secrets redacted, Effect
 * `Redacted` as `<redacted>`), the resource (`service.name`,
 * `service.version`), the logger name as instrumentation scope, and
 * `traceId` / `spanId` inside an Effect span (only valid ids: see the
 * README). Attributes are redacted with the program's rules (those
 * `Foundation.layer` publishes; put this layer above it). Batches by size and
 * interval in a bounded queue (drops are reported by a warning line);
 * requests the collector may accept later (429, 502, 503, 504, network
 * errors) are retried, honouring `Retry-After`, behind a `CircuitBreaker`;
 * the exporter's requests are never traced; the program never waits on the
 * collector. `Telemetry.flush` / `shutdown` include it, and closing the
 * layer's scope flushes it within `shutdownTimeout` (retrying each batch until
 * that deadline); at `process.exit` what it still holds is counted as dropped
 * and reported on stderr.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { FoundationLive, Telemetry } from "effect-foundation"
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_SERVICE_NAME=checkout
 * const LoggingLive = Telemetry.otlp({ serviceVersion: "1.4.2" }).pipe(Layer.provideMerge(FoundationLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const otlp = (options?: OtlpOptions): Layer.Layer<never, ConfigError.ConfigError> =>
  Layer.provide(otlpWith(options), FetchHttpClient.layer)

/**
 * {@link otlp} on the `HttpClient` you provide (proxies, custom TLS, tests).
 *
 * @since 0.1.0
 * @category layers
 */
export const otlpWith = (options?: OtlpOptions): Layer.Layer<never, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scopedDiscard(otlpInternal.install(options))
