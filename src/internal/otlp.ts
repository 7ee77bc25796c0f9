/**
 * OTLP/HTTP (JSON) log export: a `Logger` added beside the console/JSON one.
 *
 * The logger converts each record synchronously into an OTLP `logRecord` and
 * pushes it into a bounded in-memory queue (full: the new record is dropped
 * and counted). A background fiber sends batches to `/v1/logs` when a batch is
 * full or every `scheduledDelay`. Each request is guarded by a circuit
 * breaker and retried (429, 5xx, network errors, timeouts) with the `Retry`
 * module; a batch that still fails goes back to the front of the queue (within
 * the bound) for the next round. On scope close the queue is flushed within
 * `shutdownTimeout`; whatever could not be sent is counted and reported once.
 *
 * The exporter's own lines (breaker state changes, the drop report) go to the
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
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import type * as CircuitBreaker from "../CircuitBreaker.js"
import type * as Retry from "../Retry.js"
import { type CircuitOpenError, make as makeCircuitBreaker } from "./circuitBreaker.js"
import { withRetry } from "./retry.js"
import { Binding, type Direct, DirectPath, logEntry } from "./record.js"
import { recordOf, type StructuredRecord, toRecord } from "./format.js"
import { type LevelInput, type LevelName, toEffectLevel } from "./level.js"
import { levelFromOption, optional, withReadableEnv } from "./config.js"
import { makeRedactor, type RedactionOptions } from "./redact.js"
import { defaultLimits, Renderer } from "./render.js"
import type { FlushReport } from "../LogSink.js"
import type { Flushable } from "../Telemetry.js"
import { registerScoped } from "./flush.js"

export interface OtlpOptions {
  /** Full logs URL. Default: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`. */
  readonly endpoint?: string | undefined
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
  /** Records held at most; beyond, new records are dropped and counted. Default 2048. */
  readonly maxQueueSize?: number | undefined
  /** Send at least this often. Default 1 second. */
  readonly scheduledDelay?: Duration.DurationInput | undefined
  /** One request's timeout. Default 10 seconds. */
  readonly exportTimeout?: Duration.DurationInput | undefined
  /** Deadline of the final flush when the layer's scope closes. Default 5 seconds. */
  readonly shutdownTimeout?: Duration.DurationInput | undefined
  /** Retries of one batch. Default: 3 attempts, 200 ms, backoff 2, full jitter, max 5 s. (`logRetries` is always off.) */
  readonly retry?: Omit<Retry.RetryPolicy<ExportError>, "retryOn" | "logRetries"> | undefined
  /** The breaker around requests. Default: 5 failures, 10 s open, name "otlp". */
  readonly circuitBreaker?: CircuitBreaker.Options | undefined
  /** Redaction of attribute values (default: the same as the console/JSON output). */
  readonly redaction?: RedactionOptions | undefined
}

/** A failed export request. `retryable`: 429, 5xx, network errors and timeouts. */
export class ExportError extends Data.TaggedError("OtlpExportError")<{
  readonly message: string
  readonly status?: number | undefined
  readonly retryable: boolean
}> {}

// --- configuration -----------------------------------------------------------

/** `k1=v1,k2=v2`, values URL-decoded (the OTel convention for headers and resource attributes). */
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
    optional(name, "comma-separated key=value pairs, values URL-encoded (e.g. \"x-tenant=acme,team=a%20b\")", parseKeyValues),
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

const env = Config.all({
  logsEndpoint: url("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
  endpoint: url("OTEL_EXPORTER_OTLP_ENDPOINT"),
  headers: keyValues("OTEL_EXPORTER_OTLP_HEADERS"),
  logsHeaders: keyValues("OTEL_EXPORTER_OTLP_LOGS_HEADERS"),
  serviceName: Config.string("OTEL_SERVICE_NAME").pipe(Config.option),
  resource: keyValues("OTEL_RESOURCE_ATTRIBUTES")
})

export interface Resolved {
  readonly endpoint: string
  readonly headers: Readonly<Record<string, string>>
  readonly resource: ReadonlyArray<KeyValue>
  readonly level: LevelName
  readonly maxBatchSize: number
  readonly maxQueueSize: number
  readonly scheduledDelay: Duration.Duration
  readonly exportTimeout: Duration.Duration
  readonly shutdownTimeout: Duration.Duration
  readonly retry: Retry.RetryPolicy<ExportError>
  readonly circuitBreaker: CircuitBreaker.Options
  readonly redaction: RedactionOptions | undefined
}

const positiveInt = (name: string, n: number): number => {
  if (!Number.isInteger(n) || n < 1) throw new Cause.IllegalArgumentException(`Invalid OTLP option ${name}: expected an integer >= 1, got ${n}`)
  return n
}

/** Options over environment over defaults. */
export const resolve = (options: OtlpOptions = {}): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.zipWith(levelFromOption("level", options.level), withReadableEnv(env), (level, e) => {
    const endpoint = options.endpoint ??
      Option.getOrUndefined(e.logsEndpoint) ??
      Option.match(e.endpoint, {
        onNone: () => "http://localhost:4318/v1/logs",
        onSome: (base) => base.replace(/\/+$/, "") + "/v1/logs"
      })
    const resourceAttrs: Record<string, string | number | boolean> = { ...e.resource, ...options.resourceAttributes }
    const serviceName = options.serviceName ?? Option.getOrUndefined(e.serviceName) ?? e.resource["service.name"] ?? "unknown_service:node"
    resourceAttrs["service.name"] = serviceName
    const serviceVersion = options.serviceVersion ?? e.resource["service.version"]
    if (serviceVersion !== undefined) resourceAttrs["service.version"] = serviceVersion
    const maxBatchSize = positiveInt("maxBatchSize", options.maxBatchSize ?? 512)
    const maxQueueSize = positiveInt("maxQueueSize", options.maxQueueSize ?? 2048)
    return {
      endpoint,
      headers: { ...e.headers, ...e.logsHeaders, ...options.headers },
      resource: Object.keys(resourceAttrs).map((key) => ({ key, value: anyValue(resourceAttrs[key]) })),
      level: level ?? "trace",
      maxBatchSize,
      maxQueueSize: Math.max(maxQueueSize, maxBatchSize),
      scheduledDelay: Duration.decode(options.scheduledDelay ?? "1 second"),
      exportTimeout: Duration.decode(options.exportTimeout ?? "10 seconds"),
      shutdownTimeout: Duration.decode(options.shutdownTimeout ?? "5 seconds"),
      retry: { maxAttempts: 3, delay: "200 millis", backoff: 2, jitter: "full", maxDelay: "5 seconds", ...options.retry },
      circuitBreaker: { name: "otlp", failureThreshold: 5, resetTimeout: "10 seconds", ...options.circuitBreaker },
      redaction: options.redaction
    }
  })

// --- conversion ----------------------------------------------------------------

export type AnyValue =
  | { readonly stringValue: string }
  | { readonly boolValue: boolean }
  | { readonly intValue: string }
  | { readonly doubleValue: number }
  | { readonly arrayValue: { readonly values: ReadonlyArray<AnyValue> } }
  | { readonly kvlistValue: { readonly values: ReadonlyArray<KeyValue> } }
  | Record<string, never>

export interface KeyValue {
  readonly key: string
  readonly value: AnyValue
}

export interface LogRecordJson {
  readonly timeUnixNano: string
  readonly observedTimeUnixNano: string
  readonly severityNumber: number
  readonly severityText: string
  readonly body: AnyValue
  readonly attributes: ReadonlyArray<KeyValue>
  readonly traceId?: string
  readonly spanId?: string
  readonly flags?: number
}

/** OTel severity numbers (the first of each range) and texts. */
export const severity: Record<LevelName, readonly [number, string]> = {
  trace: [1, "TRACE"],
  debug: [5, "DEBUG"],
  info: [9, "INFO"],
  warning: [13, "WARN"],
  error: [17, "ERROR"],
  critical: [21, "FATAL"]
}

/** A JSON-safe value (from `Renderer.safe`) as an OTLP `AnyValue`. */
export const anyValue = (v: unknown): AnyValue => {
  switch (typeof v) {
    case "string":
      return { stringValue: v }
    case "boolean":
      return { boolValue: v }
    case "number":
      return Number.isSafeInteger(v) ? { intValue: String(v) } : Number.isFinite(v) ? { doubleValue: v } : { stringValue: String(v) }
    case "bigint":
      return { intValue: v.toString() }
    case "undefined":
      return {}
  }
  if (v === null) return {}
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>
    return { kvlistValue: { values: Object.keys(o).map((key) => ({ key, value: anyValue(o[key]) })) } }
  }
  return { stringValue: String(v) }
}

const nanos = (millis: number): string => (Number.isFinite(millis) ? BigInt(Math.trunc(millis)) * 1_000_000n : 0n).toString()

const spanOf = (refs: FiberRefs.FiberRefs): Tracer.AnySpan | undefined => {
  const context = FiberRefs.getOrDefault(refs, FiberRef.currentContext)
  return Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
}

const errorAttributes = (renderer: Renderer, error: unknown, out: Array<KeyValue>): void => {
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
    out.push({ key: "exception.type", value: { stringValue: renderer.string(name) } })
    out.push({ key: "exception.message", value: { stringValue: renderer.string(message) } })
    if (typeof stack === "string") out.push({ key: "exception.stacktrace", value: { stringValue: renderer.string(stack) } })
  } else {
    out.push({ key: "exception.message", value: anyValue(renderer.safe(error)) })
  }
}

/** One record as an OTLP `logRecord`; `span` gives the trace and span ids. */
export const toLogRecord = (record: StructuredRecord, span: Tracer.AnySpan | undefined, renderer: Renderer): LogRecordJson => {
  const attributes: Array<KeyValue> = []
  if (record.loggerName !== undefined) attributes.push({ key: "logger.name", value: { stringValue: record.loggerName } })
  const fields = renderer.fields(record.fields)
  for (const key of Object.keys(fields)) attributes.push({ key, value: anyValue(fields[key]) })
  if (record.error !== undefined) errorAttributes(renderer, record.error, attributes)
  if (!Cause.isEmpty(record.cause)) {
    if (record.error === undefined) {
      const first = Option.orElse(Cause.failureOption(record.cause), () => Cause.dieOption(record.cause))
      if (Option.isSome(first)) errorAttributes(renderer, first.value, attributes)
    }
    attributes.push({ key: "effect.cause", value: { stringValue: renderer.causeText(record.cause) } })
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
  return span === undefined
    ? out
    : { ...out, traceId: span.traceId, spanId: span.spanId, flags: span.sampled ? 1 : 0 }
}

/** The request body for a batch. */
export const payload = (resource: ReadonlyArray<KeyValue>, records: ReadonlyArray<LogRecordJson>): unknown => ({
  resourceLogs: [{
    resource: { attributes: resource },
    scopeLogs: [{ scope: { name: "effect-foundation", version: "0.1.0" }, logRecords: records }]
  }]
})

// --- the exporter ----------------------------------------------------------------

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

const retryableStatus = (status: number): boolean => status === 429 || status === 408 || status >= 500

/**
 * Installs the OTLP logger beside the current ones for the rest of the scope,
 * starts the exporter and registers it with `Telemetry.flush` / `shutdown`;
 * the final flush runs when the scope closes.
 */
export const install = (
  options: OtlpOptions = {}
): Effect.Effect<Exporter, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* resolve(options)
    const client = yield* HttpClient.HttpClient
    const breaker = yield* makeCircuitBreaker(config.circuitBreaker)
    const renderer = new Renderer(makeRedactor(config.redaction), defaultLimits)
    const minimum = toEffectLevel[config.level].ordinal
    const queue: Array<LogRecordJson> = []
    let inflight = 0
    let dropped = 0
    let written = 0
    let failed = 0
    let closed = false
    let reported = false
    const wake = yield* Effect.makeLatch(false)

    const enqueue = (ordinal: number, record: () => LogRecordJson): void => {
      if (ordinal < minimum) return
      if (closed || queue.length >= config.maxQueueSize) {
        dropped++
        return
      }
      try {
        queue.push(record())
      } catch {
        dropped++
        return
      }
      if (queue.length >= config.maxBatchSize) wake.unsafeOpen()
    }
    // Log.* records arrive on the direct path (no per-record FiberRefs snapshot); Effect.log* through the Logger.
    const direct: Direct = (level, ordinal, millis, entry, annotations, spans, cause, span) =>
      void enqueue(ordinal, () => toLogRecord(recordOf(level, millis, entry, annotations, spans, cause, renderer), span, renderer))
    const logger = Object.assign(
      Logger.make<unknown, void>((opts) =>
        enqueue(opts.logLevel.ordinal, () => toLogRecord(toRecord(opts, renderer), spanOf(opts.context), renderer))
      ),
      { [DirectPath]: direct }
    )

    // The exporter's own lines must not feed the export.
    const withoutSelf = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      Effect.locallyWith(self, FiberRef.currentLoggers, HashSet.remove(logger as Logger.Logger<unknown, any>))

    const headers = { ...config.headers, "content-type": "application/json" }
    const send = (batch: ReadonlyArray<LogRecordJson>): Effect.Effect<void, ExportError | CircuitOpenError> => {
      const request = HttpClientRequest.post(config.endpoint).pipe(
        HttpClientRequest.setHeaders(headers),
        HttpClientRequest.bodyUnsafeJson(payload(config.resource, batch))
      )
      const attempt = client.execute(request).pipe(
        Effect.flatMap((response) =>
          // Drain the body so the connection is reused.
          Effect.zipRight(
            Effect.ignore(response.text),
            response.status >= 200 && response.status < 300
              ? Effect.void
              : Effect.fail(
                new ExportError({
                  message: `collector answered ${response.status}`,
                  status: response.status,
                  retryable: retryableStatus(response.status)
                })
              )
          )
        ),
        Effect.timeoutFail({
          duration: config.exportTimeout,
          onTimeout: () => new ExportError({ message: `no answer within ${Duration.format(config.exportTimeout)}`, retryable: true })
        }),
        Effect.catchTag("RequestError", "ResponseError", (e) => Effect.fail(new ExportError({ message: e.message, retryable: true })))
      )
      return breaker.protect(attempt).pipe(
        withRetry({
          ...config.retry,
          logRetries: false,
          retryOn: (e: ExportError | CircuitOpenError) => e._tag === "OtlpExportError" && e.retryable
        })
      )
    }

    /** Counted as failed (or dropped: overflow of the bound); reported once (the breaker logs its own state changes). */
    const giveUp = (reason: string, count: number, overflow = false) =>
      Effect.suspend(() => {
        if (overflow) dropped += count
        else failed += count
        if (reported) return Effect.void
        reported = true
        return logEntry("warning", otlpBinding, "OTLP export is losing records", { records: count, reason, endpoint: config.endpoint })
      })

    type Sent = "sent" | "empty" | "stopped"

    /** One batch: sent, put back for the next round (transient failure), or given up on. */
    const sendOne = (requeue: boolean): Effect.Effect<Sent> =>
      Effect.suspend(() => {
        if (queue.length === 0) return Effect.succeed<Sent>("empty")
        const batch = queue.splice(0, config.maxBatchSize)
        inflight += batch.length
        return send(batch).pipe(
          Effect.ensuring(Effect.sync(() => {
            inflight -= batch.length
          })),
          // Interrupted mid-request (shutdown deadline): the batch goes back, to be counted.
          Effect.onInterrupt(() => Effect.sync(() => queue.unshift(...batch))),
          Effect.map((): Sent => {
            written += batch.length
            return "sent"
          }),
          Effect.catchAll((e): Effect.Effect<Sent> => {
            const transient = e._tag === "CircuitOpenError" || e.retryable
            if (transient && requeue) {
              const room = Math.max(0, config.maxQueueSize - queue.length)
              queue.unshift(...batch.slice(0, room))
              return room >= batch.length
                ? Effect.succeed<Sent>("stopped")
                : Effect.as(giveUp("queue full while the collector is failing", batch.length - room, true), "stopped" as const)
            }
            return Effect.as(giveUp(e.message, batch.length), "stopped" as const)
          })
        )
      })

    /** Sends until the queue is empty or a batch fails. */
    const drain = (requeue: boolean): Effect.Effect<void> =>
      Effect.flatMap(sendOne(requeue), (r) => (r === "sent" && queue.length > 0 ? drain(requeue) : Effect.void))

    /** Sends full batches only (the size trigger); a partial one waits for the interval. */
    const drainFull: Effect.Effect<void> = Effect.suspend(() =>
      queue.length < config.maxBatchSize
        ? Effect.void
        : Effect.flatMap(sendOne(true), (r) => (r === "sent" ? drainFull : Effect.void))
    )

    // One sender at a time (the loop, a flush, the shutdown), so batches stay in order and a
    // shutdown never interrupts a request the collector may already have accepted.
    const sending = yield* Effect.makeSemaphore(1)

    const loop = Effect.forever(
      Effect.flatMap(
        Effect.raceFirst(Effect.as(Effect.sleep(config.scheduledDelay), "interval" as const), Effect.as(wake.await, "size" as const)),
        (trigger) => sending.withPermits(1)(Effect.zipRight(wake.close, trigger === "size" ? drainFull : drain(true)))
      )
    )
    const fiber = yield* Effect.forkDaemon(withoutSelf(loop))

    const report = (
      work: Effect.Effect<void>,
      deadline: Duration.DurationInput | undefined
    ): Effect.Effect<FlushReport & { readonly inTime: boolean }> =>
      Effect.gen(function*() {
        const start = yield* Clock.currentTimeMillis
        const before = { written, failed }
        // Interruptible even inside a finalizer, so the deadline can cut a hanging request.
        const inTime = yield* Effect.interruptible(sending.withPermits(1)(work)).pipe(
          Effect.timeout(deadline ?? config.shutdownTimeout),
          Effect.option,
          Effect.map(Option.isSome)
        )
        const pending = queue.length + inflight
        const failedNow = failed - before.failed
        return {
          // In time with records left: a batch failed and waits for the next round.
          status: failedNow > 0 || (inTime && pending > 0) ? "failed" : !inTime ? "timed_out" : "flushed",
          written: written - before.written,
          failed: failedNow,
          pending,
          dropped,
          durationMillis: (yield* Clock.currentTimeMillis) - start,
          inTime
        }
      })

    let shutdownReport: Deferred.Deferred<FlushReport> | undefined
    const shutdown = (deadline?: Duration.DurationInput): Effect.Effect<FlushReport> =>
      Effect.suspend(() => {
        if (shutdownReport !== undefined) return Deferred.await(shutdownReport)
        const done = Deferred.unsafeMake<FlushReport>(FiberId.none)
        shutdownReport = done
        return Effect.uninterruptible(withoutSelf(Effect.gen(function*() {
          closed = true
          // Holding the permit, the loop is idle: stop it, then send what is left.
          const { inTime, ...r } = yield* report(Effect.zipRight(Fiber.interrupt(fiber), drain(false)), deadline)
          // Deadline passed: stop the loop's request too (its batch goes back to the queue).
          if (!inTime) yield* Fiber.interrupt(fiber)
          const left = queue.length
          queue.length = 0
          if (left > 0) yield* giveUp(inTime ? "collector unavailable at shutdown" : "shutdown deadline reached", left)
          const final: FlushReport = left > 0
            ? { ...r, status: r.status === "flushed" ? "failed" : r.status, failed: r.failed + left, pending: 0 }
            : { ...r, pending: 0 }
          yield* Deferred.succeed(done, final)
          return final
        })))
      })

    const exporter: Exporter = {
      flush: (deadline) => withoutSelf(Effect.map(report(drain(!closed), deadline), ({ inTime: _, ...r }) => r)),
      shutdown,
      dropped: () => dropped,
      written: () => written,
      failed: () => failed,
      pending: () => queue.length + inflight
    }

    yield* Effect.addFinalizer(() => Effect.asVoid(shutdown()))
    yield* registerScoped(exporter)
    yield* Effect.locallyScopedWith(FiberRef.currentLoggers, HashSet.add(logger as Logger.Logger<unknown, any>))
    return exporter
  })
