/**
 * OTLP/HTTP log export: a `Logger` added beside the console/JSON one. The
 * parts, in the order a record goes through them:
 *
 * - `otlpConfig.ts`: options over `OTEL_*` variables over defaults, resolved
 *   once at layer build;
 * - here: the logger, which converts each record (`otlpRecord.ts`, redacted
 *   with the program's rules) and hands it to the exporter; `Log.*` records
 *   arrive on the direct path, `Effect.log*` ones through the `Logger`;
 * - `otlpExporter.ts` (its state in `otlpState.ts`): the bounded queue, the
 *   batches, retries behind a circuit breaker, flush, shutdown and the exit
 *   report;
 * - `otlpHttp.ts`: one batch as a request (encoded by the Effect-free core,
 *   `core/otlpJson.ts` and `core/otlpProtobuf.ts`) and one attempt at it.
 *
 * The exporter's own requests are never traced (no span, no `traceparent`),
 * and its own lines (breaker state changes, drop and loss reports) go to the
 * other loggers only, never back into the export.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import { levelOrdinal } from "../core/level.js"
import type { Item } from "../core/otlpJson.js"
import { Binding, type LogRecord } from "../core/record.js"
import { makeRedactor } from "../core/redact.js"
import { defaultLimits } from "../core/render.js"
import type { OtlpOptions } from "../Otlp.js"
import { make as makeCircuitBreaker } from "./circuitBreaker.js"
import { registerScoped } from "./flush.js"
import { toEffectLevel } from "./level.js"
import { recordOfOptions, spanOf } from "./logMessage.js"
import { resolve, type Resolved } from "./otlpConfig.js"
import { disabled, OtlpExporter } from "./otlpExporter.js"
import { Transport } from "./otlpHttp.js"
import { toLogRecord } from "./otlpRecord.js"
import type { Exporter } from "./otlpState.js"
import { type Direct, DirectPath, logEntry } from "./record.js"
import { currentRedactor, redactorOf, widen } from "./redactorRef.js"
import { Renderer } from "./render.js"
import { compile } from "./retry.js"

/** @internal */
export type { AnyValue, Item, KeyValue, LogRecordJson } from "../core/otlpJson.js"
/** @internal */
export type { OtlpOptions } from "../Otlp.js"
/** @internal */
export { headerProblem, parseKeyValues, type Protocol, resolve, type Resolved } from "./otlpConfig.js"
/** @internal */
export { OtlpExporter } from "./otlpExporter.js"
/** @internal */
export { ExportError, retryAfterMillis } from "./otlpHttp.js"
/** @internal */
export { severity, toLogRecord } from "./otlpRecord.js"
/** @internal */
export { exitReport, type Exporter, ExporterState } from "./otlpState.js"

const otlpBinding = new Binding("otlp", undefined)

/** The renderer of the export: the program's redactor (published by Foundation.layer), plus the exporter's own rules. */
const exportRenderer = (config: Resolved): Effect.Effect<Renderer> =>
  Effect.map(FiberRef.get(currentRedactor), (current) =>
    new Renderer(
      widen(redactorOf(current), config.redaction === undefined ? undefined : makeRedactor(config.redaction)),
      defaultLimits
    ))

/** The logger feeding `exporter`: each record converted (and redacted) only when the exporter keeps it. */
const exportLogger = (exporter: OtlpExporter, renderer: Renderer): Logger.Logger<unknown, void> => {
  const itemOf = (record: LogRecord, span: Tracer.AnySpan | undefined): Item => ({
    scope: record.binding.name === undefined ? undefined : renderer.string(record.binding.name),
    record: toLogRecord(record, span, renderer)
  })
  // Log.* records arrive on the direct path (no per-record FiberRefs snapshot); Effect.log* through the Logger.
  const direct: Direct = Object.assign(
    (record: LogRecord, _cause: unknown, span: Tracer.AnySpan | undefined) =>
      void exporter.enqueue(levelOrdinal[record.level], () => itemOf(record, span)),
    { traceIds: true }
  )
  return Object.assign(
    Logger.make<unknown, void>((opts) =>
      exporter.enqueue(
        opts.logLevel.ordinal,
        () => itemOf(recordOfOptions(opts, renderer, true), spanOf(opts.context))
      )
    ),
    { [DirectPath]: direct }
  )
}

/** gzip needs the Web `CompressionStream`; without it the layer fails at build, naming the variable. */
const noGzip = ConfigError.InvalidData(
  ["OTEL_EXPORTER_OTLP_COMPRESSION"],
  "OTEL_EXPORTER_OTLP_COMPRESSION: gzip needs the CompressionStream API, which this runtime lacks; use \"none\""
)

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
    if (config.compression === "gzip" && typeof globalThis.CompressionStream !== "function") {
      return yield* Effect.fail(noGzip)
    }
    const transport = new Transport(config, config.protocol, yield* HttpClient.HttpClient)
    const breaker = yield* makeCircuitBreaker(config.circuitBreaker)
    const renderer = yield* exportRenderer(config)
    const policy = compile({ ...config.retry, logRetries: false })
    const exporter = new OtlpExporter(config, transport, breaker, policy, toEffectLevel[config.level].ordinal)
    const logger = exportLogger(exporter, renderer)
    exporter.self = logger as Logger.Logger<unknown, any>
    yield* exporter.start()
    yield* Effect.addFinalizer(() => Effect.asVoid(exporter.shutdown()))
    yield* registerScoped(exporter)
    yield* Effect.locallyScopedWith(FiberRef.currentLoggers, HashSet.add(logger as Logger.Logger<unknown, any>))
    return exporter
  })
