/**
 * OTLP/HTTP (JSON) log export: a `Logger` added beside the console/JSON one.
 *
 * The logger converts each record synchronously into an OTLP `logRecord` and
 * offers it to a `BoundedQueue` (full: the new record is dropped, counted, and
 * reported by one warning line per episode once there is room again). A
 * background fiber sends batches to `/v1/logs` when a batch is full or every
 * `scheduledDelay`. Each request is guarded by a circuit breaker and retried
 * as the OTLP/HTTP specification allows (429, 502, 503, 504, network errors
 * and timeouts; `Retry-After` honoured); a batch that still fails goes back to
 * the front of the queue (within the bound) for the next round. On scope
 * close the queue is flushed within `shutdownTimeout`; whatever could not be
 * sent is counted and reported once.
 *
 * The exporter's own requests are never traced (no span, no `traceparent`),
 * and its own lines (breaker state changes, drop and loss reports) go to the
 * other loggers only, never back into the export.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import {
  type AnyValue,
  anyValue,
  type ExportLogsRequest,
  type Item,
  type KeyValue,
  type LogRecordJson,
  nanos,
  payload,
  sdkAttributes
} from "../core/otlpJson.js"
import { encodeLogsRequest } from "../core/otlpProtobuf.js"
import { BoundedQueue, Queued } from "../core/queue.js"
import type { FlushReport } from "../LogSink.js"
import type * as Retry from "../Retry.js"
import type { Flushable } from "../Telemetry.js"
import { type CircuitOpenError, make as makeCircuitBreaker } from "./circuitBreaker.js"
import { invalid, levelFromOption, optional, withReadableEnv } from "./config.js"
import { registerScoped } from "./flush.js"
import { recordOf, type StructuredRecord, toRecord } from "./format.js"
import { type LevelInput, type LevelName, toEffectLevel } from "./level.js"
import { Binding, type Direct, DirectPath, logEntry } from "./record.js"
import { makeRedactor, type RedactionOptions } from "./redact.js"
import { currentRedactor, redactorOf, widen } from "./redactorRef.js"
import { defaultLimits, Renderer } from "./render.js"
import { compile, nextDelay } from "./retry.js"
import { traceIdsOf } from "./traceContext.js"
import { version } from "./version.js"

/** @internal */
export type { AnyValue, Item, KeyValue, LogRecordJson } from "../core/otlpJson.js"

/** @internal */
export interface OtlpOptions {
  /** Full logs URL. Default: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`. */
  readonly endpoint?: string | undefined
  /**
   * The body's encoding: `"http/protobuf"` (`application/x-protobuf`) or `"http/json"`. Default:
   * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `"http/protobuf"`.
   */
  readonly protocol?: Protocol | undefined
  /** Request headers, over `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_LOGS_HEADERS`. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** `service.name`. Default: `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node`. */
  readonly serviceName?: string | undefined
  /** `service.version`. Default: `service.version` in `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly serviceVersion?: string | undefined
  /** More resource attributes (over `OTEL_RESOURCE_ATTRIBUTES`). */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>> | undefined
  /** Lowest level exported (any spelling `PROVIDE_LOG_LEVEL` accepts). Default `"trace"` (everything the program logs). */
  readonly level?: LevelInput | undefined
  /** Records per request. Default 512. */
  readonly maxBatchSize?: number | undefined
  /** Records held at most; beyond, new records are dropped, counted and reported. Default 2048. */
  readonly maxQueueSize?: number | undefined
  /** Send at least this often. Default 1 second. */
  readonly scheduledDelay?: Duration.DurationInput | undefined
  /** One request's timeout. Default: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds), else 10 seconds. */
  readonly exportTimeout?: Duration.DurationInput | undefined
  /** Request body compression. Default: `OTEL_EXPORTER_OTLP_LOGS_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`, else `"none"`. */
  readonly compression?: "gzip" | "none" | undefined
  /** Deadline of the final flush when the layer's scope closes. Default 5 seconds. */
  readonly shutdownTimeout?: Duration.DurationInput | undefined
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
  readonly redaction?: RedactionOptions | undefined
}

/**
 * A failed export request. `retryable`: 429, 502, 503, 504, network errors and timeouts.
 *
 * @internal
 */
export class ExportError extends Data.TaggedError("OtlpExportError")<{
  readonly message: string
  readonly status?: number | undefined
  readonly retryable: boolean
  /** The collector's `Retry-After`, in milliseconds. */
  readonly retryAfterMillis?: number | undefined
}> {}

// --- configuration -----------------------------------------------------------

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
  headers: keyValues("OTEL_EXPORTER_OTLP_HEADERS"),
  logsHeaders: keyValues("OTEL_EXPORTER_OTLP_LOGS_HEADERS"),
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

const positiveInt = (name: string, n: number): number => {
  if (!Number.isInteger(n) || n < 1) {
    throw new Cause.IllegalArgumentException(`Invalid OTLP option ${name}: expected an integer >= 1, got ${n}`)
  }
  return n
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
    const maxBatchSize = positiveInt("maxBatchSize", options.maxBatchSize ?? 512)
    const maxQueueSize = positiveInt("maxQueueSize", options.maxQueueSize ?? 2048)
    return {
      protocol: options.protocol ?? e.protocol.protocol ?? "http/protobuf",
      protocolWarning: options.protocol === undefined ? e.protocol.warning : undefined,
      endpoint,
      headers: { ...e.headers, ...e.logsHeaders, ...options.headers },
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

// --- conversion ----------------------------------------------------------------

/**
 * OTel severity numbers (the first of each range) and texts.
 *
 * @internal
 */
export const severity: Record<LevelName, readonly [number, string]> = {
  trace: [1, "TRACE"],
  debug: [5, "DEBUG"],
  info: [9, "INFO"],
  warning: [13, "WARN"],
  error: [17, "ERROR"],
  critical: [21, "FATAL"]
}

const spanOf = (refs: FiberRefs.FiberRefs): Tracer.AnySpan | undefined => {
  const context = FiberRefs.getOrDefault(refs, FiberRef.currentContext)
  return Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
}

/** Attribute keys are unique (OTel log data model): a later `set` of the same key replaces the earlier value. */
const setAttribute = (out: Array<KeyValue>, fields: object, key: string, value: AnyValue): void => {
  if (Object.prototype.hasOwnProperty.call(fields, key)) {
    const i = out.findIndex((a) => a.key === key)
    if (i >= 0) {
      out[i] = { key, value }
      return
    }
  }
  out.push({ key, value })
}

const errorAttributes = (renderer: Renderer, error: unknown, out: Array<KeyValue>, fields: object): void => {
  if (error instanceof Error) {
    let name = "Error"
    let message = ""
    let stack: unknown
    try {
      name = String(error.name)
      message = String(error.message)
      stack = error.stack
    } catch {
      // a hostile getter: what we have is enough
    }
    setAttribute(out, fields, "exception.type", { stringValue: renderer.string(name) })
    setAttribute(out, fields, "exception.message", { stringValue: renderer.string(message) })
    if (typeof stack === "string") {
      setAttribute(out, fields, "exception.stacktrace", { stringValue: renderer.string(stack) })
    }
  } else {
    // a string, as the semantic conventions define it: a non-Error value as its (redacted) text or JSON
    const message = typeof error === "string" ? renderer.string(error) : renderer.json(error)
    setAttribute(out, fields, "exception.message", { stringValue: message })
  }
}

/**
 * One record as an OTLP `logRecord`; `span` gives the trace and span ids (when valid, see `traceContext.ts`).
 *
 * @internal
 */
export const toLogRecord = (
  record: StructuredRecord,
  span: Tracer.AnySpan | undefined,
  renderer: Renderer
): LogRecordJson => {
  const attributes: Array<KeyValue> = []
  const fields = renderer.fields(record.fields)
  for (const key of Object.keys(fields)) attributes.push({ key, value: anyValue(fields[key]) })
  if (record.loggerName !== undefined) {
    setAttribute(attributes, fields, "logger.name", { stringValue: renderer.string(record.loggerName) })
  }
  if (record.error !== undefined) errorAttributes(renderer, record.error, attributes, fields)
  if (!Cause.isEmpty(record.cause)) {
    if (record.error === undefined) {
      const first = Option.orElse(Cause.failureOption(record.cause), () => Cause.dieOption(record.cause))
      if (Option.isSome(first)) errorAttributes(renderer, first.value, attributes, fields)
    }
    setAttribute(attributes, fields, "effect.cause", { stringValue: renderer.causeText(record.cause) })
  }
  const [severityNumber, severityText] = severity[record.level]
  const time = nanos(record.timestamp.getTime())
  const out: LogRecordJson = {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber,
    severityText,
    body: { stringValue: renderer.string(record.message) },
    attributes
  }
  const ids = traceIdsOf(span)
  if (ids === undefined) return out
  return ids.spanId === undefined
    ? { ...out, traceId: ids.traceId, flags: ids.sampled ? 1 : 0 }
    : { ...out, traceId: ids.traceId, spanId: ids.spanId, flags: ids.sampled ? 1 : 0 }
}

const ownScope = { name: "effect-foundation", version }

/**
 * `Retry-After`: delay-seconds or an HTTP date, in milliseconds from `now`
 * (a date in the past is 0); `undefined` when absent or unreadable.
 *
 * @internal
 */
export const retryAfterMillis = (header: string | undefined, now: number): number | undefined => {
  if (header === undefined) return undefined
  const v = header.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  if (!/[A-Za-z]/.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** The longest `Retry-After` honoured (a longer one waits this long). */
const maxRetryAfterMillis = 60_000

/** Status codes the OTLP/HTTP specification allows to retry; all other 4xx and 5xx must not be. */
const retryableStatus = (status: number): boolean =>
  status === 429 || status === 502 || status === 503 || status === 504

/** The request body: protobuf bytes or JSON text. */
const encodeBody = (protocol: Protocol, request: ExportLogsRequest): Uint8Array | string =>
  protocol === "http/protobuf" ? encodeLogsRequest(request) : JSON.stringify(request)

/** gzip with the Web `CompressionStream` (Node 18+, Deno, Bun, browsers, workerd): no Node-only module. */
const gzip = (body: string | Uint8Array): Promise<Uint8Array> =>
  new Response(new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip")))
    .arrayBuffer().then((b) => new Uint8Array(b))

// --- the exporter ----------------------------------------------------------------

/** @internal */
export interface Exporter extends Flushable {
  /** Records dropped because the queue was full (total). */
  readonly dropped: () => number
  /** Records exported (total). */
  readonly written: () => number
  /** Records given up on (rejected by the collector, or unsent at shutdown) (total). */
  readonly failed: () => number
  /** Records queued or in flight. */
  readonly pending: () => number
}

const otlpBinding = new Binding("otlp", undefined)

const one = (): number => 1

/** How a batch is sent: put back on a transient failure (or given up), within which deadline, cut short by shutdown. */
interface Mode {
  readonly requeue: boolean
  readonly deadlineAt: number | undefined
  readonly stopOnShutdown: boolean
}

type Sent =
  | { readonly _tag: "sent" | "empty" | "given_up"; readonly count: number }
  | { readonly _tag: "kept"; readonly count: number; readonly retryAt: number | undefined }

const empty: Sent = { _tag: "empty", count: 0 }

const nothing: Effect.Effect<FlushReport> = Effect.succeed({
  status: "flushed",
  written: 0,
  failed: 0,
  pending: 0,
  dropped: 0,
  durationMillis: 0
})

/** The exporter when export is off (`grpc` asked for): nothing queued, nothing sent. */
const disabled: Exporter = {
  flush: () => nothing,
  shutdown: () => nothing,
  dropped: () => 0,
  written: () => 0,
  failed: () => 0,
  pending: () => 0
}

/**
 * Installs the OTLP logger beside the current ones for the rest of the scope,
 * starts the exporter and registers it with `Telemetry.flush` / `shutdown`;
 * the final flush runs when the scope closes.
 *
 * @internal
 */
export const install = (
  options: OtlpOptions = {}
): Effect.Effect<Exporter, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* resolve(options)
    if (config.protocolWarning !== undefined) {
      yield* logEntry("warning", otlpBinding, config.protocolWarning, { endpoint: config.endpoint })
    }
    if (config.protocol === "off") return disabled
    const protocol = config.protocol
    const contentType = protocol === "http/protobuf" ? "application/x-protobuf" : "application/json"
    if (config.compression === "gzip" && typeof globalThis.CompressionStream !== "function") {
      return yield* Effect.fail(ConfigError.InvalidData(
        ["OTEL_EXPORTER_OTLP_COMPRESSION"],
        "OTEL_EXPORTER_OTLP_COMPRESSION: gzip needs the CompressionStream API, which this runtime lacks; use \"none\""
      ))
    }
    // The exporter's own requests are not traced: no span, no traceparent / b3 headers to the collector.
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.withTracerPropagation(false)
    )
    const breaker = yield* makeCircuitBreaker(config.circuitBreaker)
    // The program's redactor (published by Foundation.layer), plus what the exporter's own option adds.
    const published = redactorOf(yield* FiberRef.get(currentRedactor))
    const renderer = new Renderer(
      widen(published, config.redaction === undefined ? undefined : makeRedactor(config.redaction)),
      defaultLimits
    )
    const policy = compile({ ...config.retry, logRetries: false })
    const minimum = toEffectLevel[config.level].ordinal
    const queue = new BoundedQueue<Item>(config.maxQueueSize, "drop_newest", one)
    let inflight = 0
    let written = 0
    let failed = 0
    let closed = false
    let reportedLoss = false
    const wake = yield* Effect.makeLatch(false)
    const stopping = yield* Deferred.make<void>()

    const dropOne = (): void => {
      queue.dropped++
      queue.unreported++
    }
    const enqueue = (ordinal: number, item: () => Item): void => {
      if (ordinal < minimum) return
      if (closed) return void queue.dropped++
      // full: dropped before it is converted
      if (queue.weight >= queue.capacity) return dropOne()
      let it: Item
      try {
        it = item()
      } catch {
        return dropOne()
      }
      if (queue.offer(it, 1) === Queued && queue.length >= config.maxBatchSize) wake.unsafeOpen()
    }
    const itemOf = (record: StructuredRecord, span: Tracer.AnySpan | undefined): Item => ({
      scope: record.loggerName === undefined ? undefined : renderer.string(record.loggerName),
      record: toLogRecord(record, span, renderer)
    })
    // Log.* records arrive on the direct path (no per-record FiberRefs snapshot); Effect.log* through the Logger.
    const direct: Direct = (level, ordinal, millis, entry, annotations, spans, cause, span) =>
      void enqueue(ordinal, () => itemOf(recordOf(level, millis, entry, annotations, spans, cause, renderer), span))
    const logger = Object.assign(
      Logger.make<unknown, void>((opts) =>
        enqueue(opts.logLevel.ordinal, () => itemOf(toRecord(opts, renderer), spanOf(opts.context)))
      ),
      { [DirectPath]: direct }
    )

    // The exporter's own work: its lines do not feed the export, and nothing it does is traced.
    const own = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      Effect.withTracerEnabled(
        Effect.locallyWith(self, FiberRef.currentLoggers, HashSet.remove(logger as Logger.Logger<unknown, any>)),
        false
      )

    /** One warning line per episode of drops, once there is room again (the sink's rule). */
    const reportDrops: Effect.Effect<void> = Effect.suspend(() => {
      const n = queue.takeUnreported()
      if (n === 0) return Effect.void
      return logEntry("warning", otlpBinding, `OTLP export queue full: ${n} records dropped`, {
        dropped: n,
        dropped_total: queue.dropped,
        max_queue_size: config.maxQueueSize,
        endpoint: config.endpoint
      })
    })

    /** A batch that must wait for the next round goes back to the head; what does not fit is dropped and reported. */
    const putBack = (batch: ReadonlyArray<Item>): void => {
      const lost = queue.putBack(batch)
      queue.dropped += lost
      queue.unreported += lost
    }

    const headers: Record<string, string> = {
      ...config.headers,
      "content-type": contentType,
      "user-agent": `effect-foundation/${version}`,
      ...(config.compression === "gzip" ? { "content-encoding": "gzip" } : {})
    }

    const attempt = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<void, ExportError> =>
      client.execute(request).pipe(
        Effect.flatMap((response) =>
          // Drain the body so the connection is reused.
          Effect.zipRight(
            Effect.ignore(response.text),
            response.status >= 200 && response.status < 300
              ? Effect.void
              : Effect.flatMap(Clock.currentTimeMillis, (now) =>
                Effect.fail(
                  new ExportError({
                    message: `collector answered ${response.status}`,
                    status: response.status,
                    retryable: retryableStatus(response.status),
                    retryAfterMillis: retryAfterMillis(response.headers["retry-after"], now)
                  })
                ))
          )
        ),
        Effect.timeoutFail({
          duration: config.exportTimeout,
          onTimeout: () =>
            new ExportError({ message: `no answer within ${Duration.format(config.exportTimeout)}`, retryable: true })
        }),
        Effect.catchTag("RequestError", "ResponseError", (e) =>
          Effect.fail(new ExportError({ message: e.message, retryable: true })))
      )

    /** Waits `millis`; `false` when the shutdown began first (and the wait was cut short). */
    const pause = (millis: number, mode: Mode): Effect.Effect<boolean> =>
      mode.stopOnShutdown
        ? Effect.raceFirst(
          Effect.as(Effect.sleep(Duration.millis(millis)), true),
          Effect.as(Deferred.await(stopping), false)
        )
        : Effect.as(Effect.sleep(Duration.millis(millis)), true)

    /**
     * Sends with retries: the retry policy's waits (at least `Retry-After`,
     * at most a minute of it), never past the mode's deadline.
     */
    const sendWithRetries = (
      request: HttpClientRequest.HttpClientRequest,
      mode: Mode
    ): Effect.Effect<void, ExportError | CircuitOpenError> =>
      Effect.flatMap(Clock.currentTimeMillis, (start) => {
        const go = (n: number, previous: number): Effect.Effect<void, ExportError | CircuitOpenError> =>
          Effect.catchAll(breaker.protect(attempt(request)), (e) => {
            if (e._tag !== "OtlpExportError" || !e.retryable || n >= policy.maxAttempts) {
              return Effect.fail(e)
            }
            return Effect.flatMap(policy.jitter === "none" ? Effect.succeed(0) : Random.next, (u) =>
              Effect.flatMap(Clock.currentTimeMillis, (now) => {
                let delay = nextDelay(policy, n, u, previous)
                if (e.retryAfterMillis !== undefined) {
                  delay = Math.max(delay, Math.min(e.retryAfterMillis, maxRetryAfterMillis))
                }
                if (now - start + delay > policy.maxElapsedMs) {
                  return Effect.fail(e)
                }
                if (mode.deadlineAt !== undefined && now + delay >= mode.deadlineAt) {
                  return Effect.fail(e)
                }
                return Effect.flatMap(pause(delay, mode), (waited) => (waited ? go(n + 1, delay) : Effect.fail(e)))
              }))
          })
        return go(1, policy.delayMs)
      })

    const send = (batch: ReadonlyArray<Item>, mode: Mode): Effect.Effect<void, ExportError | CircuitOpenError> => {
      const body = encodeBody(protocol, payload(config.resource, batch, ownScope))
      const base = HttpClientRequest.post(config.endpoint).pipe(HttpClientRequest.setHeaders(headers))
      return config.compression === "gzip"
        ? Effect.flatMap(
          Effect.tryPromise({
            try: () =>
              gzip(body),
            catch: (e) =>
              new ExportError({
                message: `gzip failed: ${e instanceof Error ? e.message : String(e)}`,
                retryable: false
              })
          }),
          (bytes) =>
            sendWithRetries(HttpClientRequest.bodyUint8Array(base, bytes, contentType), mode)
        )
        : sendWithRetries(
          typeof body === "string"
            ? HttpClientRequest.bodyText(base, body, contentType)
            : HttpClientRequest.bodyUint8Array(base, body, contentType),
          mode
        )
    }

    /** Counted as failed; reported once (the breaker logs its own state changes). */
    const giveUp = (reason: string, count: number) =>
      Effect.suspend(() => {
        failed += count
        if (reportedLoss) return Effect.void
        reportedLoss = true
        return logEntry("warning", otlpBinding, "OTLP export is losing records", {
          records: count,
          reason,
          endpoint: config.endpoint
        })
      })

    /** One batch: sent, kept for the next round (transient failure, `mode.requeue`), or given up on. */
    const sendOne = (mode: Mode): Effect.Effect<Sent> =>
      Effect.suspend(() => {
        if (queue.length === 0) return Effect.succeed(empty)
        const batch = queue.take(config.maxBatchSize, config.maxBatchSize)
        const count = batch.length
        inflight += count
        // the queue has room again: say how many records it dropped
        return Effect.zipRight(reportDrops, send(batch, mode)).pipe(
          Effect.ensuring(Effect.sync(() => {
            inflight -= count
          })),
          // Interrupted mid-request (a deadline): the batch goes back, to be counted.
          Effect.onInterrupt(() => Effect.sync(() => putBack(batch))),
          Effect.map((): Sent => {
            written += count
            return { _tag: "sent", count }
          }),
          Effect.catchAll((e): Effect.Effect<Sent> => {
            const transient = e._tag === "CircuitOpenError" || e.retryable
            if (transient && mode.requeue) {
              putBack(batch)
              return Effect.succeed({
                _tag: "kept",
                count,
                retryAt: e._tag === "CircuitOpenError" ? e.retryAt.getTime() : undefined
              })
            }
            return Effect.as(giveUp(e.message, count), { _tag: "given_up", count } as const)
          })
        )
      })

    const loopMode: Mode = { requeue: true, deadlineAt: undefined, stopOnShutdown: true }

    /** Sends until the queue is empty or a batch must wait. */
    const drain: Effect.Effect<void> = Effect.flatMap(
      sendOne(loopMode),
      (r) => (r._tag === "sent" || r._tag === "given_up" ? drain : Effect.void)
    )

    /** Sends full batches only (the size trigger); a partial one waits for the interval. */
    const drainFull: Effect.Effect<void> = Effect.suspend(() =>
      queue.length < config.maxBatchSize
        ? Effect.void
        : Effect.flatMap(
          sendOne(loopMode),
          (r) => (r._tag === "sent" || r._tag === "given_up" ? drainFull : Effect.void)
        )
    )

    /**
     * A flush: sends the `budget` records queued when it began (and whatever
     * shares their batches); a batch that must wait is tried again until the
     * deadline cuts the flush (or the shutdown begins).
     */
    const flushing = (budget: { left: number }, deadlineAt: number): Effect.Effect<void> => {
      const mode: Mode = { requeue: true, deadlineAt, stopOnShutdown: true }
      const next: Effect.Effect<void> = Effect.suspend(() => {
        if (budget.left <= 0 || closed) return Effect.void
        return Effect.flatMap(sendOne(mode), (r) => {
          if (r._tag === "empty") return Effect.void
          if (r._tag !== "kept") {
            budget.left -= r.count
            return next
          }
          return Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const wait = Math.max(1, r.retryAt === undefined ? policy.delayMs : r.retryAt - now)
            return Effect.flatMap(pause(wait, mode), (waited) => (waited ? next : Effect.void))
          })
        })
      })
      return next
    }

    // One sender at a time (the loop, a flush, the shutdown), so batches stay in order and a
    // shutdown never interrupts a request the collector may already have accepted.
    const sending = yield* Effect.makeSemaphore(1)

    const loop = Effect.forever(
      Effect.flatMap(
        Effect.raceFirst(
          Effect.as(Effect.sleep(config.scheduledDelay), "interval" as const),
          Effect.as(wake.await, "size" as const)
        ),
        (trigger) =>
          sending.withPermits(1)(
            Effect.zipRight(wake.close, Effect.zipRight(trigger === "size" ? drainFull : drain, reportDrops))
          )
      )
    )
    const fiber = yield* Effect.forkDaemon(own(loop))

    /** Runs `work` holding the send permit, within the deadline (interruptible even in a finalizer, so the deadline can cut a hanging request). */
    const timed = (work: (deadlineAt: number) => Effect.Effect<void>, deadline: Duration.DurationInput | undefined) =>
      Effect.gen(function*() {
        const limit = Duration.decode(deadline ?? config.shutdownTimeout)
        const start = yield* Clock.currentTimeMillis
        const deadlineAt = start + Duration.toMillis(limit)
        const inTime = yield* Effect.interruptible(sending.withPermits(1)(work(deadlineAt))).pipe(
          Effect.timeout(limit),
          Effect.option,
          Effect.map(Option.isSome)
        )
        return { inTime, start }
      })

    const flush = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
      own(Effect.gen(function*() {
        const before = { written, failed }
        const budget = { left: queue.length }
        const { inTime, start } = yield* timed((deadlineAt) => flushing(budget, deadlineAt), deadline)
        yield* reportDrops
        const failedNow = failed - before.failed
        const all = queue.length + inflight
        // in time: the records queued when the flush began that are still waiting; else all of them
        const pending = inTime ? Math.min(all, Math.max(0, budget.left)) : all
        return {
          status: failedNow > 0 ? "failed" : pending > 0 ? "timed_out" : "flushed",
          written: written - before.written,
          failed: failedNow,
          pending,
          dropped: queue.dropped,
          durationMillis: (yield* Clock.currentTimeMillis) - start
        } satisfies FlushReport
      }))

    const shutdownMode = (deadlineAt: number): Mode => ({ requeue: false, deadlineAt, stopOnShutdown: false })

    /** Everything left, each batch sent or given up on (the shutdown). */
    const drainAll = (deadlineAt: number): Effect.Effect<void> =>
      Effect.flatMap(
        sendOne(shutdownMode(deadlineAt)),
        (r) => (r._tag === "empty" ? Effect.void : drainAll(deadlineAt))
      )

    let shutdownReport: Deferred.Deferred<FlushReport> | undefined
    const shutdown = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
      Effect.suspend(() => {
        if (shutdownReport !== undefined) return Deferred.await(shutdownReport)
        const done = Deferred.unsafeMake<FlushReport>(FiberId.none)
        shutdownReport = done
        return Effect.uninterruptible(own(Effect.gen(function*() {
          closed = true
          // a loop or flush waiting to retry stops waiting: the batch goes back, the shutdown sends it
          yield* Deferred.succeed(stopping, undefined)
          const before = { written, failed }
          // Holding the permit, the loop is idle: stop it, then send what is left.
          const { inTime, start } = yield* timed(
            (deadlineAt) => Effect.zipRight(Fiber.interrupt(fiber), drainAll(deadlineAt)),
            deadline
          )
          // Deadline passed: stop the loop's request too (its batch goes back to the queue).
          if (!inTime) yield* Fiber.interrupt(fiber)
          const left = queue.take(Infinity).length
          if (left > 0) yield* giveUp(inTime ? "collector unavailable at shutdown" : "shutdown deadline reached", left)
          yield* reportDrops
          const failedNow = failed - before.failed
          const final: FlushReport = {
            status: !inTime ? "timed_out" : failedNow > 0 ? "failed" : "flushed",
            written: written - before.written,
            failed: failedNow,
            pending: 0,
            dropped: queue.dropped,
            durationMillis: (yield* Clock.currentTimeMillis) - start
          }
          yield* Deferred.succeed(done, final)
          return final
        })))
      })

    const exporter: Exporter = {
      flush,
      shutdown,
      dropped: () => queue.dropped,
      written: () => written,
      failed: () => failed,
      pending: () => queue.length + inflight
    }

    yield* Effect.addFinalizer(() => Effect.asVoid(shutdown()))
    yield* registerScoped(exporter)
    yield* Effect.locallyScopedWith(FiberRef.currentLoggers, HashSet.add(logger as Logger.Logger<unknown, any>))
    return exporter
  })
