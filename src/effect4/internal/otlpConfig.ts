/**
 * OTLP export, configuration (effect 4): the `OTEL_*` variables through effect 4's `Config`, parsed by the core
 * (`core/otlpConfig.ts`), and the options over them over the defaults, resolved once at layer build.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { LevelName } from "../../core/level.js"
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
} from "../../core/otlpConfig.js"
import { anyValue, type KeyValue, sdkAttributes } from "../../core/otlpJson.js"
import { integerAtLeast } from "../../core/parse.js"
import type { RedactionOptions } from "../../core/redact.js"
import { version } from "../../core/version.js"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import type { OtlpOptions } from "../Otlp.js"
import type * as Retry from "../Retry.js"
import { configError, invalid, levelFromOption, optional, text, withReadableEnv } from "./config.js"
import type { ExportError } from "./otlpHttp.js"
import { checkOptions, option } from "./parse.js"

const keyValues = (name: string): Config.Config<Record<string, string>> =>
  Config.map(optional(name, keyValuesAccepted, parseKeyValues), (pairs) => pairs ?? {})

const headersVar = (name: string): Config.Config<Record<string, string>> =>
  text(name).pipe(Config.mapEffect((raw) => {
    if (raw === undefined) return Effect.succeed({})
    const r = headersFromText(name, raw)
    return "headers" in r ? Effect.succeed(r.headers) : Effect.fail(configError(r.message))
  }))

const url = (name: string): Config.Config<string | undefined> => optional(name, "an http:// or https:// URL", parseUrl)

/** `OTEL_EXPORTER_OTLP_LOGS_<X>`, else `OTEL_EXPORTER_OTLP_<X>`: the first one set decides. */
const signalSpecific = <A>(
  suffix: string,
  accepted: string,
  parse: (raw: string) => A | undefined
): Config.Config<A | undefined> => {
  const names = [`OTEL_EXPORTER_OTLP_LOGS_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`] as const
  return Config.all(names.map(text)).pipe(Config.mapEffect((values) => {
    for (let i = 0; i < names.length; i++) {
      const raw = values[i]
      if (raw === undefined) continue
      const parsed = parse(raw)
      return parsed === undefined ? Effect.fail(invalid(names[i]!, raw, accepted)) : Effect.succeed(parsed)
    }
    return Effect.succeed(undefined)
  }))
}

const protocolNames = ["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] as const

const env = Config.all({
  logsEndpoint: url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
  endpoint: url("OTEL_EXPORTER_OTLP_ENDPOINT"),
  headers: headersVar("OTEL_EXPORTER_OTLP_HEADERS"),
  logsHeaders: headersVar("OTEL_EXPORTER_OTLP_LOGS_HEADERS"),
  serviceName: Config.map(Config.option(Config.String("OTEL_SERVICE_NAME")), Option.getOrUndefined),
  resource: keyValues("OTEL_RESOURCE_ATTRIBUTES"),
  compression: signalSpecific("COMPRESSION", "gzip, none", parseCompression),
  timeout: signalSpecific("TIMEOUT", "a whole number of milliseconds above 0 (e.g. 10000)", parseTimeout),
  protocol: Config.map(
    Config.all(protocolNames.map((name) => Config.map(text(name), (raw) => [name, raw] as const))),
    protocolFrom
  )
})

/** @internal */
export interface Resolved {
  readonly protocol: Protocol | "off"
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

const combine = (options: OtlpOptions, level: LevelName | undefined, e: Config.Success<typeof env>): Resolved => {
  const endpoint = options.endpoint ?? e.logsEndpoint ??
    (e.endpoint === undefined ? "http://localhost:4318/v1/logs" : e.endpoint.replace(/\/+$/, "") + "/v1/logs")
  const resourceAttrs: Record<string, string | number | boolean> = {
    ...sdkAttributes(version),
    ...e.resource,
    ...options.resourceAttributes
  }
  resourceAttrs["service.name"] = options.serviceName ?? e.serviceName ?? e.resource["service.name"] ??
    "unknown_service:node"
  const serviceVersion = options.serviceVersion ?? e.resource["service.version"]
  if (serviceVersion !== undefined) resourceAttrs["service.version"] = serviceVersion
  const problem = headersOptionProblem(options.headers)
  if (problem !== undefined) throw new Cause.IllegalArgumentError(problem)
  const maxBatchSize = option("Otlp", "maxBatchSize", options.maxBatchSize ?? 512, integerAtLeast(1))
  const maxQueueSize = option("Otlp", "maxQueueSize", options.maxQueueSize ?? 2048, integerAtLeast(1))
  return {
    protocol: options.protocol ?? e.protocol.protocol ?? "http/protobuf",
    protocolWarning: options.protocol === undefined ? e.protocol.warning : undefined,
    endpoint,
    headers: { ...e.headers, ...e.logsHeaders, ...options.headers },
    resource: Object.keys(resourceAttrs).map((key) => ({ key, value: anyValue(resourceAttrs[key]) })),
    level: level ?? "trace",
    maxBatchSize,
    maxQueueSize: Math.max(maxQueueSize, maxBatchSize),
    scheduledDelay: Duration.fromInputUnsafe(options.scheduledDelay ?? "1 second"),
    exportTimeout: Duration.fromInputUnsafe(
      options.exportTimeout ?? (e.timeout === undefined ? "10 seconds" : Duration.millis(e.timeout))
    ),
    compression: options.compression ?? e.compression ?? "none",
    shutdownTimeout: Duration.fromInputUnsafe(options.shutdownTimeout ?? "5 seconds"),
    retry: { maxAttempts: 3, delay: "200 millis", backoff: 2, jitter: "full", maxDelay: "5 seconds", ...options.retry },
    circuitBreaker: { name: "otlp", failureThreshold: 5, resetTimeout: "10 seconds", ...options.circuitBreaker },
    redaction: options.redaction
  }
}

/**
 * Options over environment over defaults; a bad option is a defect (`IllegalArgumentError`), as the root's.
 *
 * @internal
 */
export const resolve = (options: OtlpOptions = {}): Effect.Effect<Resolved, Config.ConfigError> =>
  Effect.flatMap(
    Effect.zip(
      levelFromOption("level", options.level),
      withReadableEnv<Config.Success<typeof env>, Config.ConfigError, never>(env)
    ),
    ([level, e]) => {
      const checked = checkOptions(() => combine(options, level, e))
      return checked._tag === "Success" ? Effect.succeed(checked.success) : Effect.die(checked.failure)
    }
  )
