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
import { anyValue, type KeyValue, sdkAttributes } from "../core/otlpJson.js"
import type { RedactionOptions } from "../core/redact.js"
import type { OtlpOptions } from "../Otlp.js"
import type * as Retry from "../Retry.js"
import { invalid, levelFromOption, optional, withReadableEnv } from "./config.js"
import type { ExportError } from "./otlpHttp.js"
import { integerAtLeast, option } from "./parse.js"
import { version } from "./version.js"

/**
 * `k1=v1,k2=v2`, values URL-decoded (the OTel convention for headers and resource attributes).
 *
 * @internal
 */
export const parseKeyValues = (raw: string): Record<string, string> | undefined => {
  const out: Record<string, string> = {}
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue
    const eq = part.indexOf("=")
    if (eq <= 0) return undefined
    const key = part.slice(0, eq).trim()
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return undefined
    }
    if (key === "") return undefined
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

const keyValues = (name: string): Config.Config<Record<string, string>> =>
  Config.map(
    optional(
      name,
      "comma-separated key=value pairs, values URL-encoded (e.g. \"x-tenant=acme,team=a%20b\")",
      parseKeyValues
    ),
    (pairs) => pairs ?? {}
  )

/** RFC 9110 `token`: a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 9110 `field-value` (trimmed): visible ASCII, obs-text, spaces and tabs; no CR, LF, NUL or other control character. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Why `name: value` cannot be sent as an HTTP header, or `undefined` when it can.
 * Never quotes the value (it may be a secret); quotes the name only when it is a legal token.
 *
 * @internal
 */
export const headerProblem = (name: string, value: string): string | undefined =>
  !TOKEN.test(name)
    ? "a header name is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)"
    : !FIELD_VALUE.test(value)
    ? `the value of header ${
      JSON.stringify(name)
    } holds a character an HTTP header cannot carry (CR, LF, NUL, another control character, or one beyond U+00FF)`
    : undefined

const headersAccepted =
  "comma-separated name=value pairs, names HTTP tokens, values URL-encoded without control characters (e.g. \"x-tenant=acme,authorization=Bearer%20t0k\")"

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
      const pairs = parseKeyValues(raw.value)
      const problem = pairs === undefined
        ? "not name=value pairs, or a value is not valid URL encoding"
        : Object.keys(pairs).map((key) => headerProblem(key, pairs[key]!)).find((p) => p !== undefined)
      return problem === undefined
        ? Either.right(pairs!)
        : Either.left(ConfigError.InvalidData(
          [name],
          `${name}: invalid value (${problem}; the value is not shown, it may hold a secret); accepted: ${headersAccepted}`
        ))
    }
  )

const parseUrl = (raw: string): string | undefined => {
  const v = raw.trim()
  try {
    const u = new URL(v)
    return u.protocol === "http:" || u.protocol === "https:" ? v : undefined
  } catch {
    return undefined
  }
}

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

const parseCompression = (raw: string): "gzip" | "none" | undefined => {
  const v = raw.trim().toLowerCase()
  return v === "gzip" || v === "none" ? v : undefined
}

const parseTimeout = (raw: string): number | undefined => {
  const v = raw.trim()
  return /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined
}

/** @internal */
export type Protocol = "http/protobuf" | "http/json"

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
    (values) => {
      for (const [name, raw] of values) {
        const v = raw?.trim().toLowerCase()
        if (v === undefined || v === "") continue
        if (v === "http/protobuf" || v === "http/json") return { protocol: v }
        if (v === "grpc") {
          return {
            protocol: "off",
            warning: `${name}=grpc: this exporter sends OTLP over HTTP only (http/protobuf, http/json); ` +
              "OTLP log export is off"
          }
        }
        return {
          protocol: undefined,
          warning:
            `${name}: unknown value ${JSON.stringify(raw)} ignored (accepted: http/protobuf, http/json, grpc); ` +
            "exporting with http/protobuf"
        }
      }
      return { protocol: undefined }
    }
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
  for (const key of Object.keys(headers ?? {})) {
    const problem = headerProblem(key, String(headers![key]))
    if (problem !== undefined) throw new Cause.IllegalArgumentException(`Otlp option headers: ${problem}`)
  }
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
