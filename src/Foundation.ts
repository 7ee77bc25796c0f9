/**
 * Everything a program needs to log, from one layer: configuration from the
 * environment (or options), the emoji/JSON logger in place of Effect's
 * default, the batched sink, and a shutdown that flushes every line.
 *
 * Put it underneath everything else so the other layers' startup and shutdown
 * lines are kept: `AppLive.pipe(Layer.provide(FoundationLive))`. With
 * `Layer.merge(AppLive, FoundationLive)` the two are built side by side, and
 * what `AppLive` logs while it is built or closed goes to Effect's default
 * logger instead.
 *
 * The level it is given is Effect's minimum log level when it starts:
 * `Logger.withMinimumLogLevel` (and `Logger.minimumLogLevel` provided inside
 * it) lower or raise it afterwards; module levels still apply to the names
 * they match.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as EmojiLogger from "./EmojiLogger.js"
import * as env from "./internal/config.js"
import { customWriter } from "./internal/customFormat.js"
import { DevtoolsFormatter, devtoolsWrite, isDevtoolsTarget } from "./internal/devtools.js"
import { Formatter, renderRecord } from "./internal/format.js"
import { toEffectLevel } from "./internal/level.js"
import * as logger from "./internal/logger.js"
import { makeRateLimiter, rateLimitConfig, summariesAtExit } from "./internal/rateLimit.js"
import { redactionConfig } from "./internal/redact.js"
import { publish } from "./internal/redactorRef.js"
import { isTerminal as terminalStream } from "./internal/sink.js"
import * as LogSink from "./LogSink.js"

/**
 * Rate limiting (off by default): token buckets, one for the whole program
 * (`global`) and one per logger-name prefix (`perLogger`: `auth` covers
 * `auth.db`, not `authz`); a record must pass both. `rate` is records per
 * second, `capacity` the burst. Suppressed records are dropped before they are
 * formatted, counted per logger, and one `N records suppressed for <logger>`
 * WARN line precedes that logger's next record. From the environment:
 * `PROVIDE_LOG_RATE_LIMIT_GLOBAL`, `PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY`,
 * `PROVIDE_LOG_RATE_LIMIT_PER_LOGGER` (`name:rate:capacity,...`).
 *
 * @example
 * import { Foundation } from "effect-foundation"
 *
 * export const LoggingLive = Foundation.layer({
 *   rateLimit: { global: { rate: 100, capacity: 200 }, perLogger: [{ name: "auth", rate: 10, capacity: 20 }] }
 * })
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  readonly global?: { readonly rate: number; readonly capacity: number }
  readonly perLogger?: ReadonlyArray<{ readonly name: string; readonly rate: number; readonly capacity: number }>
}

/**
 * Options; each one given here overrides its environment variable.
 *
 * | option | variable | default |
 * |---|---|---|
 * | `level` | `PROVIDE_LOG_LEVEL` | `info` |
 * | `format` | `PROVIDE_LOG_CONSOLE_FORMATTER` | `key_value` on a terminal or a browser's console, else `json` |
 * | `timestamps` | `PROVIDE_LOG_OMIT_TIMESTAMP` (inverted) | off (console); JSON always has them |
 * | `loggerNameEmoji` | `PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED` | on |
 * | `dasEmoji` | `PROVIDE_LOG_DAS_EMOJI_ENABLED` | on |
 * | `moduleLevels` | `PROVIDE_LOG_MODULE_LEVELS` | none |
 * | `serviceName` | `PROVIDE_SERVICE_NAME` | none |
 * | `colors` | `NO_COLOR` / `FORCE_COLOR` | on for a terminal |
 * | `redaction` | `PROVIDE_LOG_SANITIZATION_ENABLED` | on |
 * | `rateLimit` | `PROVIDE_LOG_RATE_LIMIT_*` | none |
 * | `traceIds` | `PROVIDE_LOG_TRACE_IDS` | on for JSON, off for the console |
 * | `sink` | `PROVIDE_LOG_FILE`, ... (see `LogSink`) | stdout |
 * | `formatter` | | none: `format` |
 * | `outputs` | `PROVIDE_LOG_FILE_LEVEL`, `PROVIDE_LOG_FILE_FORMAT` (see {@link Output}) | one output |
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends EmojiLogger.Options {
  readonly rateLimit?: RateLimitOptions
  readonly sink?: Partial<LogSink.Options>
  /** A format of your own, in place of `format` (see `EmojiLogger.RecordView`). */
  readonly formatter?: EmojiLogger.CustomFormat
  /**
   * Several outputs, each with its own level, format and sink (see
   * {@link Output}); the other options are the defaults of each.
   */
  readonly outputs?: ReadonlyArray<Output>
}

/**
 * One output of a layer with several (`outputs`): its own level, format (or
 * `formatter`) and sink; what it leaves out comes from the layer's options,
 * then the environment. A record goes to every output whose level admits it;
 * one below every output's level costs what a disabled level costs. A level
 * given here holds whatever `Logger.withMinimumLogLevel` says (that one still
 * raises it); an output without one follows Effect's minimum level like a
 * single output does.
 *
 * From the environment, the common console-plus-file case:
 * `PROVIDE_LOG_FILE_LEVEL` and/or `PROVIDE_LOG_FILE_FORMAT` beside
 * `PROVIDE_LOG_FILE` make the file an output of its own (default format
 * `json`, default level `PROVIDE_LOG_LEVEL`'s), next to the console
 * (`PROVIDE_LOG_STREAM`, default stdout, at `PROVIDE_LOG_LEVEL` in
 * `PROVIDE_LOG_CONSOLE_FORMATTER`). `PROVIDE_LOG_FILE` alone still sends
 * everything to the file instead of the console.
 *
 * Two logging layers side by side (`Layer.merge`) or one inside the other
 * work the same way: each keeps its own level.
 *
 * @example
 * import { Foundation } from "effect-foundation"
 *
 * // people read INFO and up on the console; the file gets DEBUG and up, as JSON
 * export const LoggingLive = Foundation.layer({
 *   outputs: [
 *     { level: "info", format: "key_value" },
 *     { level: "debug", format: "json", sink: { target: { file: "logs/app.log" } } }
 *   ]
 * })
 *
 * @since 0.2.0
 * @category models
 */
export interface Output {
  readonly level?: EmojiLogger.LevelInput
  readonly format?: EmojiLogger.Format
  readonly formatter?: EmojiLogger.CustomFormat
  readonly sink?: Partial<LogSink.Options>
  readonly timestamps?: boolean
  readonly colors?: boolean
  readonly traceIds?: boolean
}

const isTerminal = (target: LogSink.Options["target"] | undefined): boolean =>
  target === undefined || target === "stdout" || target === "stderr" ? terminalStream(target ?? "stdout") : false

/**
 * The options in force: `options` first, then the environment, then defaults.
 *
 * @since 0.1.0
 * @category configuration
 */
export const resolve = (options: Options = {}): Effect.Effect<Options, ConfigError.ConfigError> =>
  env.withReadableEnv(Effect.gen(function*() {
    // a level option in any spelling the environment accepts; anything else fails like PROVIDE_LOG_LEVEL
    options = yield* logger.tryOptions(() => logger.normalizeLevels(options))
    const sink: Partial<LogSink.Options> = { ...(yield* LogSink.config), ...options.sink }
    const terminal = isTerminal(sink.target)
    // a browser's console (devtools) reads like a terminal
    const format = options.format ?? (yield* env.env.format) ??
      (terminal || isDevtoolsTarget(sink.target) ? "key_value" : "json")
    const omitTimestamp = options.timestamps === undefined ? yield* env.env.omitTimestamp : undefined
    const colors = options.colors ?? (yield* Effect.map(env.colors, (c) => (c.noColor ? false : c.force ?? terminal)))
    const resolved: Options = {
      ...options,
      format,
      level: options.level ?? (yield* env.env.level) ?? "info",
      timestamps: options.timestamps ?? (omitTimestamp === undefined ? false : !omitTimestamp),
      colors: format === "key_value" && colors,
      loggerNameEmoji: options.loggerNameEmoji ?? (yield* env.env.loggerNameEmoji) ?? true,
      dasEmoji: options.dasEmoji ?? (yield* env.env.dasEmoji) ?? true,
      moduleLevels: options.moduleLevels ?? (yield* env.env.moduleLevels) ?? {},
      serviceName: options.serviceName ?? (yield* env.env.serviceName),
      traceIds: options.traceIds ?? (yield* env.env.traceIds) ?? format === "json",
      redaction: options.redaction ?? (yield* redactionConfig),
      rateLimit: options.rateLimit ?? (yield* rateLimitConfig),
      sink
    }
    return resolved
  }))

/** An output resolved: its options in force, and whether its level was given for it. */
interface Resolved {
  readonly options: Options
  readonly explicit: boolean
}

/** The outputs in force: `outputs`, else console plus file from the environment, else one. */
const resolveOutputs = (options: Options): Effect.Effect<Array<Resolved>, ConfigError.ConfigError> =>
  env.withReadableEnv(Effect.gen(function*() {
    const { outputs, ...base } = options
    const file = outputs === undefined && base.sink?.target === undefined ? yield* env.fileOutput : undefined
    const list: ReadonlyArray<Output> | undefined = outputs ?? (file === undefined ? undefined : [
      { sink: { target: file.stream } },
      {
        ...(file.level === undefined ? {} : { level: file.level }),
        format: file.format ?? "json"
      }
    ])
    if (list === undefined) return [{ options: yield* resolve(base), explicit: false }]
    if (list.length === 0) {
      return yield* Effect.fail(ConfigError.InvalidData(["outputs"], "outputs: empty; give at least one output"))
    }
    return yield* Effect.forEach(list, (output) =>
      Effect.map(
        resolve({ ...base, ...output, sink: { ...base.sink, ...output.sink } }),
        (resolved): Resolved => ({ options: resolved, explicit: output.level !== undefined })
      ))
  }))

/** One output's logger: its formatter (and format of the user's own, if any) writing to its sink. */
const makeOutput = ({ explicit, options }: Resolved) =>
  Effect.gen(function*() {
    const custom = options.formatter
    // a format of the user's own reads the record as the JSON formatter renders it: redacted and bounded
    const resolved: Options = custom === undefined ? options : { ...options, format: "json", traceIds: true }
    const limiter = makeRateLimiter(resolved.rateLimit ?? {})
    const devtools = isDevtoolsTarget(resolved.sink?.target)
    const formatter = yield* logger.tryOptions(() =>
      devtools
        ? new DevtoolsFormatter(logger.formatOptions(resolved))
        : new Formatter(logger.formatOptions(resolved))
    )
    const own: logger.OutputLevel = { threshold: toEffectLevel[formatter.options.level].ordinal, explicit }
    const customize = (write: (line: string) => unknown) =>
      custom === undefined ? write : customWriter(custom, (...args) => formatter.fallback(...args), write)
    if (devtools) {
      // no file descriptors (a browser, workerd): one console call per record, with its level's method
      const write = devtoolsWrite(formatter as DevtoolsFormatter, yield* Effect.console)
      return { formatter, logger: logger.fromFormatter(formatter, customize(write), limiter, undefined, own) }
    }
    const sink = yield* LogSink.make({
      ...resolved.sink,
      // the sink's own "N records dropped" warning, in the program's format
      warningLine: (message, fields, millis) =>
        renderRecord(formatter, {
          timestamp: new Date(millis),
          level: "warning",
          message,
          fields,
          loggerName: "effect-foundation.sink"
        })
    })
    const write = customize(sink.write)
    // the rate limit's pending "N records suppressed" lines go out before every flush and shutdown, and at close
    const writeAt = limiter === undefined ? undefined : logger.summaryWriter(formatter, write, limiter)
    const summaries = writeAt === undefined ? undefined : logger.writeSuppressed(writeAt)
    yield* LogSink.registerScoped(
      summaries === undefined ? sink : {
        flush: (deadline) => Effect.zipRight(summaries, sink.flush(deadline)),
        shutdown: (deadline) => Effect.zipRight(summaries, sink.shutdown(deadline))
      }
    )
    if (writeAt !== undefined) {
      yield* Effect.addFinalizer(() => summaries!)
      if (resolved.sink?.exitHook !== false) yield* summariesAtExit(writeAt)
    }
    return { formatter, logger: logger.fromFormatter(formatter, write, limiter, sink.room, own) }
  })

/**
 * The logging layer: resolves the configuration, opens the sink, installs the
 * logger for every fiber (replacing Effect's default logger and the pretty
 * logger `NodeRuntime.runMain` adds) and, when the layer's scope closes
 * (normal exit, interruption, SIGINT/SIGTERM under `runMain`), flushes every
 * buffered line. In JSON under `NodeRuntime.runMain`, a program that fails
 * ends with one JSON record, `program failed: ...` with its cause, in place of
 * runMain's multi-line report (the exit code stays 1).
 *
 * With `outputs` (or `PROVIDE_LOG_FILE_LEVEL` / `PROVIDE_LOG_FILE_FORMAT`),
 * one sink per output, each output with its own level and format (see
 * {@link Output}).
 *
 * Without file descriptors (a browser, workerd), records to the standard
 * streams or the console are written at once, each with the console method
 * of its level (`debug`, `info`, `warn`, `error`), and in the console format
 * a record's `Error` follows its line as an `Error` object (a redacted copy),
 * so devtools filter by level and link the stack.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, ConfigError.ConfigError | LogSink.LogSinkError> =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      const outputs = yield* Effect.forEach(yield* resolveOutputs(options), makeOutput)
      const first = outputs[0]!.formatter.options
      // span events and the OTLP exporter redact with the same rules as the lines (the first output's)
      yield* publish(first.redactor)
      let lowest = first.level
      for (const o of outputs) {
        if (toEffectLevel[o.formatter.options.level].ordinal < toEffectLevel[lowest].ordinal) {
          lowest = o.formatter.options.level
        }
      }
      // JSON under runMain: a failure is one more JSON record with its cause, not runMain's multi-line report
      yield* logger.install(outputs.map((o) => o.logger), lowest, first.format === "json")
    })
  )

/**
 * {@link layer} with options read from a `Config` (the environment still
 * supplies what the config leaves out).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options>
): Layer.Layer<never, ConfigError.ConfigError | LogSink.LogSinkError> => Layer.unwrapEffect(Effect.map(config, layer))

/**
 * Configuration from the environment, console output to stdout.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FoundationLive, Log } from "effect-foundation"
 * Effect.runPromise(Log.info("hello").pipe(Effect.provide(FoundationLive)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const FoundationLive: Layer.Layer<never, ConfigError.ConfigError | LogSink.LogSinkError> = layer()
