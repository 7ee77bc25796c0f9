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
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as EmojiLogger from "./EmojiLogger.js"
import * as env from "./internal/config.js"
import { Formatter, renderRecord } from "./internal/format.js"
import * as logger from "./internal/logger.js"
import { makeRateLimiter, rateLimitConfig, type RateLimitOptions, summariesAtExit } from "./internal/rateLimit.js"
import { redactionConfig } from "./internal/redact.js"
import { publish } from "./internal/redactorRef.js"
import { isTerminal as terminalStream } from "./internal/sink.js"
import * as LogSink from "./LogSink.js"

/**
 * Options; each one given here overrides its environment variable.
 *
 * | option | variable | default |
 * |---|---|---|
 * | `level` | `PROVIDE_LOG_LEVEL` | `info` |
 * | `format` | `PROVIDE_LOG_CONSOLE_FORMATTER` | `key_value` on a terminal, else `json` |
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
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends EmojiLogger.Options {
  readonly rateLimit?: RateLimitOptions
  readonly sink?: Partial<LogSink.Options>
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
    const format = options.format ?? (yield* env.env.format) ?? (terminal ? "key_value" : "json")
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

/**
 * The logging layer: resolves the configuration, opens the sink, installs the
 * logger for every fiber (replacing Effect's default logger and the pretty
 * logger `NodeRuntime.runMain` adds) and, when the layer's scope closes
 * (normal exit, interruption, SIGINT/SIGTERM under `runMain`), flushes every
 * buffered line.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, ConfigError.ConfigError | LogSink.LogSinkError> =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      const resolved = yield* resolve(options)
      const formatter = yield* logger.tryOptions(() => new Formatter(logger.formatOptions(resolved)))
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
      const limiter = makeRateLimiter(resolved.rateLimit ?? {})
      // the rate limit's pending "N records suppressed" lines go out before every flush and shutdown, and at close
      const writeAt = limiter === undefined ? undefined : logger.summaryWriter(formatter, sink.write, limiter)
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
      // span events and the OTLP exporter redact with the same rules as the lines
      yield* publish(formatter.options.redactor)
      yield* logger.install(logger.fromFormatter(formatter, sink.write, limiter, sink.room), formatter.options.level)
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
