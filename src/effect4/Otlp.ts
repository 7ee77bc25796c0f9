/**
 * OTLP export of logs: every record as an OpenTelemetry log, sent over
 * OTLP/HTTP (protobuf or JSON) to a collector, beside the console or JSON
 * output. Configured by options over the standard `OTEL_*` environment
 * variables; `Telemetry.flush` / `shutdown` include the exporter, and closing
 * the layer's scope flushes it. (Before 0.2.0: `Telemetry.otlp`,
 * `Telemetry.otlpWith`, `Telemetry.OtlpOptions`, `Telemetry.OtlpExportError`,
 * which remain as deprecated aliases.)
 *
 * @since 0.2.0
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as CircuitBreaker from "./CircuitBreaker.js"
import type * as EmojiLogger from "./EmojiLogger.js"
import * as otlp from "./internal/otlp.js"
import { ExportError } from "./internal/otlpHttp.js"
import type * as Retry from "./Retry.js"

/**
 * Options of {@link layer}; each one given here overrides its environment
 * variable (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_LOGS_HEADERS`,
 * `OTEL_EXPORTER_OTLP_(LOGS_)COMPRESSION`, `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL`).
 *
 * `protocol` / `OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL`: `http/protobuf` (the
 * default, `application/x-protobuf`) or `http/json`. These variables are
 * shared with every OpenTelemetry SDK of the program, so they never stop it:
 * `grpc` turns the log export off with one warning line (this exporter
 * speaks OTLP over HTTP only), and an unknown value is ignored with one
 * warning line (the default is used), as the OpenTelemetry configuration
 * specification says.
 *
 * @since 0.2.0
 * @category models
 */
export interface OtlpOptions {
  /** Full logs URL. Default: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`. */
  readonly endpoint?: string | undefined
  /**
   * The body's encoding: `"http/protobuf"` (`application/x-protobuf`) or `"http/json"`. Default:
   * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `"http/protobuf"`.
   */
  readonly protocol?: "http/protobuf" | "http/json" | undefined
  /** Request headers, over `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_LOGS_HEADERS`. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** `service.name`. Default: `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node`. */
  readonly serviceName?: string | undefined
  /** `service.version`. Default: `service.version` in `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly serviceVersion?: string | undefined
  /** More resource attributes (over `OTEL_RESOURCE_ATTRIBUTES`). */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>> | undefined
  /** Lowest level exported (any spelling `PROVIDE_LOG_LEVEL` accepts). Default `"trace"` (everything the program logs). */
  readonly level?: EmojiLogger.LevelInput | undefined
  /** Records per request. Default 512. */
  readonly maxBatchSize?: number | undefined
  /** Records held at most; beyond, new records are dropped, counted and reported. Default 2048. */
  readonly maxQueueSize?: number | undefined
  /** Send at least this often. Default 1 second. */
  readonly scheduledDelay?: Duration.Input | undefined
  /** One request's timeout. Default: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds), else 10 seconds. */
  readonly exportTimeout?: Duration.Input | undefined
  /** Request body compression. Default: `OTEL_EXPORTER_OTLP_LOGS_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`, else `"none"`. */
  readonly compression?: "gzip" | "none" | undefined
  /** Deadline of the final flush when the layer's scope closes (each batch is retried until it runs out). Default 5 seconds. */
  readonly shutdownTimeout?: Duration.Input | undefined
  /** Retries of one batch. Default: 3 attempts, 200 ms, backoff 2, full jitter, max 5 s. (`logRetries` is always off.) */
  readonly retry?: Omit<Retry.RetryPolicy<ExportError>, "retryOn" | "logRetries"> | undefined
  /** The breaker around requests. Default: 5 failures, 10 s open, name "otlp". */
  readonly circuitBreaker?: CircuitBreaker.Options | undefined
  /**
   * More redaction for the export. The exporter always redacts with the
   * program's rules (those `Foundation.layer` publishes: its `redaction`
   * option or `PROVIDE_LOG_SANITIZATION_*`); these rules are added to them
   * and can only hide more.
   */
  readonly redaction?: EmojiLogger.RedactionOptions | undefined
}

/**
 * A failed OTLP request (`retryable` for 429, 502, 503, 504, network errors
 * and timeouts, as the OTLP/HTTP specification says; `retryAfterMillis` from
 * the collector's `Retry-After`). Never reaches the program: it is retried,
 * then counted.
 *
 * @since 0.2.0
 * @category errors
 */
export const OtlpExportError: typeof ExportError = ExportError

/**
 * A failed OTLP request (see {@link OtlpExportError}).
 *
 * @since 0.2.0
 * @category errors
 */
export type OtlpExportError = ExportError

/**
 * Ships every record as an OpenTelemetry log over OTLP/HTTP (protobuf by default, or JSON; to `/v1/logs`), beside
 * the console or JSON output, with `fetch` (see the package root's `Otlp.layer`: the same records, batches,
 * retries honouring `Retry-After` behind a `CircuitBreaker`, shutdown within `shutdownTimeout` and exit report).
 * Provide it above `Foundation.layer` (`Layer.provideMerge`), so that it redacts with the program's rules and adds
 * its logger to the program's; `Telemetry.flush` / `shutdown` include it.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { FoundationLive, Otlp } from "effect-foundation/effect4"
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_SERVICE_NAME=checkout
 * const LoggingLive = Otlp.layer({ serviceVersion: "1.4.2" }).pipe(Layer.provideMerge(FoundationLive))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options?: OtlpOptions): Layer.Layer<never, Config.ConfigError> =>
  Layer.provide(layerWith(options), FetchHttpClient.layer)

/**
 * {@link layer} on the `HttpClient` you provide (proxies, custom TLS, tests).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerWith = (
  options?: OtlpOptions
): Layer.Layer<never, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effectContext(Effect.map(otlp.build(options), (built) => built.context))
