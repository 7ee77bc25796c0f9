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
 * `References.MinimumLogLevel` provided inside it lowers or raises it
 * afterwards; module levels still apply to the names
 * they match.
 *
 * The Effect 4 binding: the same options, variables and lines as the package root's `Foundation`. Where effect 4
 * renamed a concept, its names: the layer provides effect 4's logger set (`References.CurrentLoggers`) and minimum
 * level (`References.MinimumLogLevel`), which a `References.MinimumLogLevel` provided inside changes.
 *
 * @since 0.2.0
 */
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { RecordView as CoreRecordView } from "../core/customFormat.js"
import type * as EmojiLogger from "./EmojiLogger.js"
import * as internal from "./internal/foundation.js"
import type * as LogSink from "./LogSink.js"

/**
 * A record as a format of your own reads it (the `formatter` option): what the JSON format would write, redacted
 * and bounded, as plain data (`fields` holds the record's own fields and context).
 *
 * @since 0.2.0
 * @category models
 */
export interface RecordView extends CoreRecordView {}

/**
 * A format of your own: each record as a {@link RecordView}; its result is the line written (a `"\n"` added when
 * missing). One that throws, or returns something other than a string, costs its record nothing: the fallback JSON
 * line is written instead, with the reason.
 *
 * @since 0.2.0
 * @category models
 */
export type CustomFormat = (record: RecordView) => string

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
 * import { Foundation } from "effect-foundation/effect4"
 *
 * export const LoggingLive = Foundation.layer({
 *   rateLimit: { global: { rate: 100, capacity: 200 }, perLogger: [{ name: "auth", rate: 10, capacity: 20 }] }
 * })
 *
 * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export interface Options extends EmojiLogger.Options {
  readonly rateLimit?: RateLimitOptions
  readonly sink?: Partial<LogSink.Options>
  /** A format of your own, in place of `format`: each record as a {@link RecordView}, its result the line written. */
  readonly formatter?: CustomFormat
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
 * import { Foundation } from "effect-foundation/effect4"
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
  readonly formatter?: CustomFormat
  readonly sink?: Partial<LogSink.Options>
  readonly timestamps?: boolean
  readonly colors?: boolean
  readonly traceIds?: boolean
}

/**
 * The options in force: `options` first, then the environment, then defaults.
 *
 * @since 0.2.0
 * @category configuration
 */
export const resolve: (options?: Options) => Effect.Effect<Options, Config.ConfigError> = internal.resolve

/**
 * The logging layer: resolves the configuration, opens the sinks, provides the loggers for every fiber (replacing
 * effect 4's default logger) and, when the layer's scope closes (normal exit, interruption, SIGINT/SIGTERM under
 * `NodeRuntime.runMain`), flushes every buffered line. `Telemetry.flush` / `shutdown` act on its sinks.
 *
 * With `outputs` (or `PROVIDE_LOG_FILE_LEVEL` / `PROVIDE_LOG_FILE_FORMAT`), one sink per output, each output with
 * its own level and format (see {@link Output}).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, Config.ConfigError | LogSink.LogSinkError> =>
  Layer.effectContext(internal.build(options))

/**
 * {@link layer} with options read from a `Config` (the environment still supplies what the config leaves out).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options>
): Layer.Layer<never, Config.ConfigError | LogSink.LogSinkError> => Layer.unwrap(Effect.map(config, layer))

/**
 * Configuration from the environment, console output to stdout.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FoundationLive, Log } from "effect-foundation/effect4"
 * Effect.runPromise(Log.info("hello").pipe(Effect.provide(FoundationLive)))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const FoundationLive: Layer.Layer<never, Config.ConfigError | LogSink.LogSinkError> = layer()
