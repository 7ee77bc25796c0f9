/**
 * OTLP export, configuration: the `OTEL_*` environment variables read with
 * the shared parsers of `config.ts`, and the options over them over the
 * defaults, resolved once at layer build into a plain {@link Resolved}.
 */
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import type { LevelName } from "../core/level.js"
import {
  headersFromText,
  headersOptionProblem,
  keyValuesAccepted,
  parseCompression,
  parseKeyValues,
  parseTimeout,
  parseUrl,
  type Protocol,
  protocolFrom
} from "../core/otlpConfig.js"
import { anyValue, type KeyValue, sdkAttributes } from "../core/otlpJson.js"
import type { RedactionOptions } from "../core/redact.js"
import type { OtlpOptions } from "../Otlp.js"
import type * as Retry from "../Retry.js"
import { invalid, levelFromOption, optional, withReadableEnv } from "./config.js"
import type { ExportError } from "./otlpHttp.js"
import { integerAtLeast, option } from "./parse.js"
import { version } from "./version.js"

export {
  /** @internal */
  headerProblem,
  /** @internal */
  parseKeyValues,
  /** @internal */
  type Protocol
} from "../core/otlpConfig.js"

const keyValues = (name: string): Config.Config<Record<string, string>> =>
  Config.map(
    optional(name, keyValuesAccepted, parseKeyValues),
    (pairs) => pairs ?? {}
  )

/**
 * `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS`: `k1=v1,k2=v2` as {@link parseKeyValues}, every
 * name an HTTP token and every value a legal field value, so a request can always be
 * built. A bad one fails at start naming the variable, without echoing the value.
 */
const headersVar = (name: string): Config.Config<Record<string, string>> =>
  Config.mapOrFail(
    Config.option(Config.string(name)),
    (raw): Either.Either<Record<string, string>, ConfigError.ConfigError> => {
      if (Option.isNone(raw) || raw.value.trim() === "") return Either.right({})
      const r = headersFromText(name, raw.value)
      return "headers" in r ? Either.right(r.headers) : Either.left(ConfigError.InvalidData([name], r.message))
    }
  )

const url = (name: string): Config.Config<Option.Option<string>> =>
  Config.map(optional(name, "an http:// or https:// URL", parseUrl), Option.fromNullable)

/**
 * `OTEL_EXPORTER_OTLP_LOGS_<X>`, else `OTEL_EXPORTER_OTLP_<X>`: the first one
 * set decides (a bad value fails naming it, as `optional` does); the other is
 * not read, so a generic value meant for other signals does not matter.
 */
const signalSpecific = <A>(
  suffix: string,
  accepted: string,
  parse: (raw: string) => A | undefined
): Config.Config<A | undefined> => {
  const names = [`OTEL_EXPORTER_OTLP_LOGS_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`] as const
  return Config.mapOrFail(
    Config.all(names.map((name) => Config.option(Config.string(name)))),
    (values): Either.Either<A | undefined, ConfigError.ConfigError> => {
      for (let i = 0; i < names.length; i++) {
        const raw = values[i]!
        if (Option.isNone(raw) || raw.value.trim() === "") continue
        const parsed = parse(raw.value)
        return parsed === undefined ? Either.left(invalid(names[i]!, raw.value, accepted)) : Either.right(parsed)
      }
      return Either.right(undefined)
    }
  )
}

/**
 * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL` (the
 * first one set decides). Never fails: these variables are shared by every
 * OTel SDK of the program, so a value this exporter cannot use turns into one
 * warning line, not a program that does not start. `grpc`: the export is off
 * (no HTTP/2 client here); an unknown value is ignored as the OTel
 * configuration specification says (the default, `http/protobuf`, is used).
 */
const protocolEnv: Config.Config<{ readonly protocol: Protocol | "off" | undefined; readonly warning?: string }> =
  Config.map(
    Config.all(
      ["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"].map((name) =>
        Config.map(Config.option(Config.string(name)), (raw) => [name, Option.getOrUndefined(raw)] as const)
      )
    ),
    protocolFrom
  )

const env = Config.all({
  logsEndpoint: url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
  endpoint: url("OTEL_EXPORTER_OTLP_ENDPOINT"),
  headers: headersVar("OTEL_EXPORTER_OTLP_HEADERS"),
  logsHeaders: headersVar("OTEL_EXPORTER_OTLP_LOGS_HEADERS"),
  serviceName: Config.string("OTEL_SERVICE_NAME").pipe(Config.option),
  resource: keyValues("OTEL_RESOURCE_ATTRIBUTES"),
  compression: signalSpecific("COMPRESSION", "gzip, none", parseCompression),
  timeout: signalSpecific("TIMEOUT", "a whole number of milliseconds above 0 (e.g. 10000)", parseTimeout),
  protocol: protocolEnv
})

/** @internal */
export interface Resolved {
  /** `"off"`: `grpc` was asked for; nothing is exported (see `warning`). */
  readonly protocol: Protocol | "off"
  /** One line to log at start about the protocol variable, when it could not be followed. */
  readonly protocolWarning: string | undefined
  readonly endpoint: string
  readonly headers: Readonly<Record<string, string>>
  readonly resource: ReadonlyArray<KeyValue>
  readonly level: LevelName
  readonly maxBatchSize: number
  readonly maxQueueSize: number
  readonly scheduledDelay: Duration.Duration
  readonly exportTimeout: Duration.Duration
  readonly compression: "gzip" | "none"
  readonly shutdownTimeout: Duration.Duration
  readonly retry: Retry.RetryPolicy<ExportError>
  readonly circuitBreaker: CircuitBreaker.Options
  readonly redaction: RedactionOptions | undefined
}

const checkedHeaders = (headers: Readonly<Record<string, string>> | undefined) => {
  const problem = headersOptionProblem(headers)
  if (problem !== undefined) throw new Cause.IllegalArgumentException(problem)
  return headers
}

/**
 * Options over environment over defaults.
 *
 * @internal
 */
export const resolve = (options: OtlpOptions = {}): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.zipWith(levelFromOption("level", options.level), withReadableEnv(env), (level, e) => {
    const endpoint = options.endpoint ??
      Option.getOrUndefined(e.logsEndpoint) ??
      Option.match(e.endpoint, {
        onNone: () => "http://localhost:4318/v1/logs",
        onSome: (base) => base.replace(/\/+$/, "") + "/v1/logs"
      })
    const resourceAttrs: Record<string, string | number | boolean> = {
      ...sdkAttributes(version),
      ...e.resource,
      ...options.resourceAttributes
    }
    const serviceName = options.serviceName ?? Option.getOrUndefined(e.serviceName) ?? e.resource["service.name"] ??
      "unknown_service:node"
    resourceAttrs["service.name"] = serviceName
    const serviceVersion = options.serviceVersion ?? e.resource["service.version"]
    if (serviceVersion !== undefined) resourceAttrs["service.version"] = serviceVersion
    const maxBatchSize = option("Otlp", "maxBatchSize", options.maxBatchSize ?? 512, integerAtLeast(1))
    const maxQueueSize = option("Otlp", "maxQueueSize", options.maxQueueSize ?? 2048, integerAtLeast(1))
    return {
      protocol: options.protocol ?? e.protocol.protocol ?? "http/protobuf",
      protocolWarning: options.protocol === undefined ? e.protocol.warning : undefined,
      endpoint,
      headers: { ...e.headers, ...e.logsHeaders, ...checkedHeaders(options.headers) },
      resource: Object.keys(resourceAttrs).map((key) => ({ key, value: anyValue(resourceAttrs[key]) })),
      level: level ?? "trace",
      maxBatchSize,
      maxQueueSize: Math.max(maxQueueSize, maxBatchSize),
      scheduledDelay: Duration.decode(options.scheduledDelay ?? "1 second"),
      exportTimeout: Duration.decode(
        options.exportTimeout ?? (e.timeout === undefined ? "10 seconds" : Duration.millis(e.timeout))
      ),
      compression: options.compression ?? e.compression ?? "none",
      shutdownTimeout: Duration.decode(options.shutdownTimeout ?? "5 seconds"),
      retry: {
        maxAttempts: 3,
        delay: "200 millis",
        backoff: 2,
        jitter: "full",
        maxDelay: "5 seconds",
        ...options.retry
      },
      circuitBreaker: { name: "otlp", failureThreshold: 5, resetTimeout: "10 seconds", ...options.circuitBreaker },
      redaction: options.redaction
    }
  })
