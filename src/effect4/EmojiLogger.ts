/**
 * The `Logger` behind every record, for effect 4: emoji console lines for people, JSON lines for machines, the same
 * lines byte for byte as the package root's for the same records. It replaces effect 4's default logger (the
 * logger set is `References.CurrentLoggers`), so plain `Effect.log*` renders like `Log.*`. The arguments of
 * `Effect.log*` follow one rule: strings, and any other value rendered as text, join the message with a space; the
 * first `Error` becomes the record's error (name, message, stack, cause chain, as `Log.exception` gives it; later
 * ones join the message as `Name: message`); a plain object (`{ ... }`) becomes fields; a `Cause` is the record's
 * cause. `Effect.logError("Request failed", err, { status: 500 })` is `Request failed status=500 error="Error: …"
 * stack=…`; an `Error` alone gives the message its own.
 *
 * @since 0.2.0
 */
import type * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import type * as customFormat from "../core/customFormat.js"
import type * as level from "../core/level.js"
import type * as Emoji from "./Emoji.js"
import { formatOptions, Formatter, levelOption, tryOptions } from "./internal/format.js"
import * as install_ from "./internal/install.js"
import { fromFormatter, recordOfInput } from "./internal/logger.js"

/**
 * Output format: `key_value` (emoji console) or `json` (one object per line).
 *
 * @since 0.2.0
 * @category models
 */
export type Format = "key_value" | "json"

/**
 * Redaction rules (the `redaction` option of `EmojiLogger.layer`,
 * `Foundation.layer` and `Telemetry.otlp`). Redaction is on by default; rules
 * given here add to the defaults and can only hide more, except the master
 * switch `enabled: false`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Foundation, Log } from "effect-foundation/effect4"
 *
 * const program = Log.info("login", { user: "bob", pin: "1234", internal_id: 42 }).pipe(
 *   // [▶️] login user=bob pin=[REDACTED]
 *   Effect.provide(Foundation.layer({ redaction: { keys: ["pin"], removeKeys: ["internal_id"] } }))
 * )
 * Effect.runFork(program)
 *
 * @since 0.2.0
 * @category models
 */
export interface RedactionOptions {
  /**
   * The master switch. Off turns key redaction and string masking off (Effect `Redacted` still prints
   * `<redacted>`, removed keys still go). The one way to show what redaction hides. Default: on.
   */
  readonly enabled?: boolean
  /** Keys added to the defaults (matched like the defaults: any spelling, whole key or trailing words). */
  readonly keys?: ReadonlyArray<string>
  /**
   * Keys removed from every record, key and value, at any depth (matched as a whole key, any spelling). Inside
   * strings their `key=value` values are masked. A default sensitive key listed here is removed, never shown.
   */
  readonly removeKeys?: ReadonlyArray<string>
  /**
   * The built-in string scan (JWTs, AWS key ids, GitHub tokens, Bearer tokens, private-key blocks, URL passwords,
   * sensitive `key=value` pairs). Default: on. Off keeps key redaction (free: one check per distinct key) and drops
   * the one scan of every string value that the patterns cost. `patterns` still apply.
   */
  readonly builtinPatterns?: boolean
  /**
   * Extra secret patterns for string values. The whole match is masked, or
   * only the named group `secret` when the pattern has one
   * (`/order-key:(?<secret>\w+)/`). The `g` flag is added when missing. A
   * pattern runs on every string value: keep it linear (no nested
   * quantifiers such as `(a+)+`).
   */
  readonly patterns?: ReadonlyArray<RegExp>
}

/**
 * How much of a value is rendered (the `limits` option; each one optional).
 * Defaults: strings cut at 64 KiB (`…[truncated N chars]`), objects nested 10
 * levels (`"[Max depth]"`), 100 keys or items per object or array (`"…": "N
 * more keys"`), and a record's fields left out past 1 MiB.
 *
 * @since 0.2.0
 * @category models
 */
export interface RenderLimits {
  /** Longest string rendered, in characters. */
  readonly maxStringLength: number
  /** Deepest nesting rendered. */
  readonly maxDepth: number
  /** Keys of an object (the record's own fields too) and items of an array. */
  readonly maxKeys: number
  /** A record whose fields render longer than this keeps its message and error, and says its fields were left out. */
  readonly maxLineLength: number
}

/**
 * A level given as an option: every spelling `PROVIDE_LOG_LEVEL` accepts
 * (`"debug"`, `"DEBUG"`, `"Warn"`, `"fatal"`, ...). Anything else is refused
 * with the message `level: invalid value "LOUD"; accepted: TRACE, DEBUG, INFO,
 * WARNING (WARN), ERROR, CRITICAL (FATAL)`.
 *
 * @since 0.2.0
 * @category models
 */
export type LevelInput = level.LevelInput

/**
 * Formatting options. Every field has a default (console format, INFO, no
 * timestamp, no colours, both emoji kinds on, redaction on).
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  readonly format?: Format
  /**
   * The starting level (default INFO), any spelling of {@link LevelInput}.
   * Installing the logger sets effect 4's minimum log level (`References.MinimumLogLevel`) to it; providing that
   * reference inside lowers or raises it. A logger you add yourself
   * (`Logger.layer([EmojiLogger.make(...)])`) follows effect 4's minimum level.
   */
  readonly level?: LevelInput
  /**
   * Per logger-name prefix levels: `{ auth: "debug" }` covers `auth` and
   * `auth.*`, not `authz`; the longest prefix wins. A name a module level
   * matches logs from that level whatever effect 4's minimum level is.
   */
  readonly moduleLevels?: Readonly<Record<string, LevelInput>>
  /** Console timestamps (JSON always has `timestamp`). */
  readonly timestamps?: boolean
  readonly colors?: boolean
  readonly loggerNameEmoji?: boolean
  readonly dasEmoji?: boolean
  readonly serviceName?: string | undefined
  readonly emoji?: Emoji.EmojiSet
  readonly redaction?: RedactionOptions
  readonly limits?: Partial<RenderLimits>
  /**
   * Inside a span, the trace and span ids (the ids the OTLP exporter sends):
   * `trace_id` / `span_id` in JSON lines, a short `trace=0af76519 span=b7ad6b71`
   * at the end of console lines. Default: on for JSON, off for the console.
   */
  readonly traceIds?: boolean
}

/**
 * A record as a format of your own receives it (`Foundation.layer`'s `formatter` option): plain data, already
 * redacted and bounded exactly like a JSON line (a secret never reaches the function). `level` is the lower-case name
 * (`"warning"`, `"critical"`), `timestamp` ISO-8601, `fields` the context, bound and call fields merged; `error` is
 * the error as plain data (`{ name, message, stack, cause, ...its fields }`), `cause` an Effect `Cause` as plain data
 * (`{ failures, defects, ... }`), `spans` the log spans' durations in milliseconds, `traceId` / `spanId` the current
 * span's.
 *
 * @since 0.2.0
 * @category models
 */
export interface RecordView extends customFormat.RecordView {}

/**
 * A format of your own: from a record, plain and redacted, to its line (a `"\n"` is added when the line has none).
 * A function that throws or returns something other than a string costs its record nothing: the record's
 * last-resort JSON line is written instead, with the reason.
 *
 * @since 0.2.0
 * @category models
 */
export type CustomFormat = (record: RecordView) => string

/**
 * A record as data, for the pure format functions.
 *
 * @since 0.2.0
 * @category models
 */
export interface LogRecord {
  readonly timestamp: Date
  readonly level: level.LevelName
  readonly message: string
  readonly loggerName?: string | undefined
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  readonly error?: unknown
  readonly cause?: Cause.Cause<unknown> | undefined
}

/**
 * A reusable formatter: build it once, call it per record. The result ends with `"\n"`. It returns a function, not
 * an Effect, so a level option that is not a level throws `IllegalArgumentError` here, at once, in the options' one
 * wording (`level: invalid value "LOUD"; accepted: ...`).
 *
 * @since 0.2.0
 * @category formatting
 */
export const makeFormatter = (options: Options = {}): (record: LogRecord) => string => {
  const formatter = new Formatter(formatOptions(options))
  return (record) => formatter.format(recordOfInput(record))
}

const consoleDefault = makeFormatter({ format: "key_value" })
const jsonDefault = makeFormatter({ format: "json" })

/**
 * One record in the console format: `[emoji] message key=value ...\n`.
 *
 * @since 0.2.0
 * @category formatting
 */
export const formatConsole = (record: LogRecord, options?: Omit<Options, "format">): string =>
  options === undefined ? consoleDefault(record) : makeFormatter({ ...options, format: "key_value" })(record)

/**
 * One record as a JSON line.
 *
 * @since 0.2.0
 * @category formatting
 */
export const formatJson = (record: LogRecord, options?: Omit<Options, "format">): string =>
  options === undefined ? jsonDefault(record) : makeFormatter({ ...options, format: "json" })(record)

/**
 * The logger, writing each rendered line to `write`. It returns a `Logger`, not an Effect, so a level option that
 * is not a level throws `IllegalArgumentError` here, at once ({@link layer} fails instead).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options, write: (line: string) => void): Logger.Logger<unknown, void> =>
  fromFormatter(new Formatter(formatOptions(options)), write)

/**
 * Installs `logger` for the rest of the scope in place of effect 4's default logger, so each record is written
 * once, and sets effect 4's minimum log level (`References.MinimumLogLevel`) to `minimum` (any spelling of
 * {@link LevelInput}; one that is not a level is a defect, `IllegalArgumentError`). Inside a layer, use
 * {@link layer}: effect 4's logger set is a context reference, and a layer provides it.
 *
 * @since 0.2.0
 * @category layers
 */
export const install = (
  logger: Logger.Logger<unknown, void>,
  minimum: LevelInput
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.suspend(() => install_.install([logger], levelOption("minimum", minimum) ?? "info", undefined))

/**
 * A layer that installs the logger writing to `write` in place of effect 4's default logger (the idiom of effect 4's
 * `Logger.layer`: it provides `References.CurrentLoggers`, with effect 4's tracer logger replaced by one that
 * redacts span events like the lines) and sets `References.MinimumLogLevel` to `options.level`. Most programs want
 * `Foundation.layer` / `FoundationLive`, which add configuration from the environment and the batched sink. A level
 * option that is not a level fails the layer with a `ConfigError` naming it.
 *
 * @example
 * import { Effect } from "effect"
 * import { EmojiLogger, Log } from "effect-foundation/effect4"
 *
 * const lines: Array<string> = []
 * const program = Log.named("db").warning("slow query", { ms: 1200 }).pipe(
 *   Effect.provide(EmojiLogger.layer({ format: "key_value" }, (line) => void lines.push(line)))
 * )
 * Effect.runSync(program)
 * console.log(lines) // [ '⚠️ WARN [🗄️] slow query ms=1200\n' ]
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options, write: (line: string) => void): Layer.Layer<never, Config.ConfigError> =>
  Layer.unwrap(
    Effect.map(
      tryOptions(() => new Formatter(formatOptions(options))),
      (formatter) =>
        install_.layer([fromFormatter(formatter, write)], formatter.options.level, formatter.options.redactor)
    )
  )
