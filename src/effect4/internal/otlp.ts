/**
 * OTLP/HTTP log export (effect 4): a `Logger` added beside the current ones, feeding the exporter
 * (`otlpExporter.ts`). `Log.*` records arrive on the direct path, `Effect.log*` ones through the `Logger`; each is
 * converted by the core (`core/otlpRecord.ts`), redacted with the program's rules (those `Foundation.layer`
 * provides) widened by the exporter's own. The layer provides the logger set with it and the flush registry with
 * the exporter.
 *
 * @internal
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import type { Item } from "../../core/otlpJson.js"
import { toLogRecord } from "../../core/otlpRecord.js"
import { Binding, type LogRecord } from "../../core/record.js"
import { makeRedactor } from "../../core/redact.js"
import type { OtlpOptions } from "../Otlp.js"
import { make as makeCircuitBreaker } from "./circuitBreaker.js"
import { configError } from "./config.js"
import { registered } from "./flush.js"
import type { Formatter } from "./format.js"
import { effectOrdinal, toEffectLevel } from "./level.js"
import { DirectPath, logRecord } from "./log.js"
import { recordOfOptions } from "./logger.js"
import { resolve, type Resolved } from "./otlpConfig.js"
import { disabled, type Exporter, OtlpExporter } from "./otlpExporter.js"
import { Transport } from "./otlpHttp.js"
import { CurrentRedactor, redactorOf, type Renderer, rendererFor, widen } from "./render.js"
import { compile } from "./retry.js"
import { mergedFields } from "./view.js"

const otlpBinding = new Binding("otlp", undefined)

/** The logger feeding `exporter`: each record converted (and redacted) only when the exporter keeps it. */
const exportLogger = (exporter: OtlpExporter, renderer: Renderer): Logger.Logger<unknown, void> => {
  const itemOf = (record: LogRecord, sampled: boolean): Item => ({
    scope: record.binding.name === undefined ? undefined : renderer.string(record.binding.name),
    record: toLogRecord(record, mergedFields(record, false), sampled, renderer)
  })
  const asFormatter = { renderer } as unknown as Formatter
  const direct = (record: LogRecord) => {
    // effect 4's spans are sampled unless a sampler says otherwise; the direct path sees the record's ids only
    exporter.enqueue(effectOrdinal[toEffectLevel[record.level]], () => itemOf(record, record.traceId !== undefined))
    return undefined
  }
  return Object.assign(
    Logger.make<unknown, void>((options) => {
      const span = Context.getOrUndefined(options.fiber.context, Tracer.ParentSpan)
      exporter.enqueue(
        effectOrdinal[options.logLevel],
        () => itemOf(recordOfOptions(asFormatter, options), span?.sampled === true)
      )
    }),
    { [DirectPath]: direct }
  )
}

/** gzip needs the Web `CompressionStream`; without it the layer fails at build, naming the variable. */
const noGzip = () =>
  configError(
    "OTEL_EXPORTER_OTLP_COMPRESSION: gzip needs the CompressionStream API, which this runtime lacks; use \"none\""
  )

const start = (config: Resolved) =>
  Effect.gen(function*() {
    const transport = new Transport(config, config.protocol as "http/protobuf", yield* HttpClient.HttpClient)
    const breaker = yield* makeCircuitBreaker(config.circuitBreaker)
    const published = yield* Effect.service(CurrentRedactor)
    const renderer = rendererFor(
      widen(redactorOf(published), config.redaction === undefined ? undefined : makeRedactor(config.redaction))
    )
    const policy = compile({ ...config.retry, logRetries: false })
    const exporter = new OtlpExporter(config, transport, breaker, policy, effectOrdinal[toEffectLevel[config.level]])
    const logger = exportLogger(exporter, renderer)
    exporter.self = logger as Logger.Logger<unknown, any>
    yield* exporter.start()
    yield* Effect.addFinalizer(() => Effect.asVoid(exporter.shutdown()))
    return { exporter, logger }
  })

/**
 * Starts the exporter for the scope and the context the layer provides: the logger set with the OTLP logger added,
 * the flush registry with the exporter.
 *
 * @internal
 */
export const build = (
  options: OtlpOptions = {}
): Effect.Effect<
  { readonly exporter: Exporter; readonly context: Context.Context<never> },
  Config.ConfigError,
  HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function*() {
    const config = yield* resolve(options)
    if (config.protocolWarning !== undefined) {
      yield* logRecord("warning", otlpBinding, config.protocolWarning, { endpoint: config.endpoint })
    }
    if (config.protocol === "off") return { exporter: disabled, context: Context.empty() }
    if (config.compression === "gzip" && typeof globalThis.CompressionStream !== "function") {
      return yield* Effect.fail(noGzip())
    }
    const { exporter, logger } = yield* start(config)
    const loggers = new Set(yield* Effect.service(References.CurrentLoggers))
    loggers.add(logger as Logger.Logger<unknown, any>)
    const flushables = yield* registered([exporter])
    return { exporter, context: Context.add(flushables, References.CurrentLoggers, loggers) }
  })
