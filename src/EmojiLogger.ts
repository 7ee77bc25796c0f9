/**
 * The `Logger` behind every record: emoji console lines for people, JSON lines
 * for machines. It replaces Effect's default logger, so plain `Effect.log*`
 * renders exactly like `Log.*`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import type * as Emoji from "./Emoji.js"
import { entryOf, type Format, defaultFormatOptions, type FormatOptions, Formatter, type RecordInput, renderRecord } from "./internal/format.js"
import { type Binding, DirectPath, type Direct, rootBinding } from "./internal/entry.js"
import { fromEffectLevel, type LevelName, toEffectLevel } from "./internal/level.js"
import type { RateLimiter } from "./internal/rateLimit.js"
import type { RedactionOptions } from "./internal/redact.js"
import { makeRedactor } from "./internal/redact.js"
import { jsonString, type RenderLimits } from "./internal/render.js"

export type {
  /**
   * Output format: `key_value` (emoji console) or `json` (one object per line).
   *
   * @since 0.1.0
   * @category models
   */
  Format
}

/**
 * Formatting options. Every field has a default (console format, INFO, no
 * timestamp, no colours, both emoji kinds on, redaction on).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly format?: Format
  readonly level?: LevelName
  /** Per logger-name prefix levels: `{ auth: "debug" }` covers `auth` and `auth.*`, not `authz`. */
  readonly moduleLevels?: Readonly<Record<string, LevelName>>
  /** Console timestamps (JSON always has `timestamp`). */
  readonly timestamps?: boolean
  readonly colors?: boolean
  readonly loggerNameEmoji?: boolean
  readonly dasEmoji?: boolean
  readonly serviceName?: string | undefined
  readonly emoji?: Emoji.EmojiSet
  readonly redaction?: RedactionOptions
  readonly limits?: Partial<RenderLimits>
}

/**
 * A record as data, for the pure format functions.
 *
 * @since 0.1.0
 * @category models
 */
export interface LogRecord extends RecordInput {}

/** @internal */
export const formatOptions = (options: Options): FormatOptions => ({
  format: options.format ?? defaultFormatOptions.format,
  level: options.level ?? defaultFormatOptions.level,
  moduleLevels: Object.entries(options.moduleLevels ?? {}),
  timestamps: options.timestamps ?? defaultFormatOptions.timestamps,
  colors: options.colors ?? defaultFormatOptions.colors,
  loggerNameEmoji: options.loggerNameEmoji ?? defaultFormatOptions.loggerNameEmoji,
  dasEmoji: options.dasEmoji ?? defaultFormatOptions.dasEmoji,
  serviceName: options.serviceName,
  emoji: options.emoji ?? defaultFormatOptions.emoji,
  redactor: options.redaction === undefined ? defaultFormatOptions.redactor : makeRedactor(options.redaction),
  limits: { ...defaultFormatOptions.limits, ...options.limits }
})

/**
 * A reusable formatter: build it once, call it per record. The result ends
 * with `"\n"`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const makeFormatter = (options: Options = {}): (record: LogRecord) => string => {
  const formatter = new Formatter(formatOptions(options))
  return (record) => renderRecord(formatter, record)
}

const consoleDefault = makeFormatter({ format: "key_value" })
const jsonDefault = makeFormatter({ format: "json" })

/**
 * One record in the console format: `[emoji] message key=value ...\n`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatConsole = (record: LogRecord, options?: Omit<Options, "format">): string =>
  options === undefined ? consoleDefault(record) : makeFormatter({ ...options, format: "key_value" })(record)

/**
 * One record as a JSON line.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatJson = (record: LogRecord, options?: Omit<Options, "format">): string =>
  options === undefined ? jsonDefault(record) : makeFormatter({ ...options, format: "json" })(record)

/** @internal */
export const fromFormatter = (
  formatter: Formatter,
  write: (line: string) => void,
  limiter?: RateLimiter | undefined
): Logger.Logger<unknown, void> => {
  // Level first, then the rate limit, then rendering: a suppressed record costs no formatting.
  const admit = (binding: Binding, ordinal: number, millis: number): boolean => {
    if (!formatter.enabled(binding, ordinal)) return false
    if (limiter === undefined) return true
    const suppressed = limiter.check(binding.name, millis)
    if (suppressed < 0) return false
    if (suppressed > 0) {
      const name = binding.name ?? "root"
      write(renderRecord(formatter, {
        timestamp: new Date(millis),
        level: "warning",
        message: suppressed + " records suppressed for " + name,
        fields: { suppressed, logger: name }
      }))
    }
    return true
  }
  const safely = (render: () => string): void => {
    let line: string
    try {
      line = render()
    } catch (e) {
      // Last resort: the record still goes out, with the reason.
      line = "{\"level\":\"error\",\"message\":\"effect-foundation: unformattable record\",\"reason\":" +
        jsonString(formatter.renderer.string(e instanceof Error ? String(e.message) : "unknown")) + "}\n"
    }
    write(line)
  }
  const direct: Direct = (level, ordinal, millis, entry, annotations, spans, cause) => {
    if (admit(entry.binding, ordinal, millis)) safely(() => formatter.render(level, millis, entry, annotations, spans, cause))
  }
  const logger = Logger.make<unknown, void>((options) => {
    const millis = options.date.getTime()
    if (admit(entryOf(options.message)?.binding ?? rootBinding, options.logLevel.ordinal, millis)) {
      safely(() =>
        formatter.render(fromEffectLevel(options.logLevel), millis, options.message, options.annotations, options.spans, options.cause)
      )
    }
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/**
 * The logger, writing each rendered line to `write`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options, write: (line: string) => void): Logger.Logger<unknown, void> =>
  fromFormatter(new Formatter(formatOptions(options)), write)

/**
 * Installs `logger` for the rest of the scope in place of Effect's default
 * logger and of the pretty logger `NodeRuntime.runMain` adds, so each record
 * is written once, and sets Effect's minimum level.
 *
 * @since 0.1.0
 * @category layers
 */
export const install = (logger: Logger.Logger<unknown, void>, minimum: LevelName): Effect.Effect<void, never, Scope.Scope> =>
  Effect.zipRight(
    Effect.locallyScopedWith(
      FiberRef.currentLoggers,
      (loggers: HashSet.HashSet<Logger.Logger<unknown, any>>) => HashSet.add(HashSet.remove(HashSet.remove(loggers, Logger.defaultLogger), Logger.prettyLoggerDefault), logger)
    ),
    Effect.locallyScoped(FiberRef.currentMinimumLogLevel, toEffectLevel[minimum])
  )

/**
 * A layer that installs the logger writing to `write`. Most programs want
 * `Foundation.layer` / `FoundationLive`, which add configuration from the
 * environment and the batched sink.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options, write: (line: string) => void): Layer.Layer<never> => {
  const formatter = new Formatter(formatOptions(options))
  return Layer.scopedDiscard(install(fromFormatter(formatter, write), formatter.minimumLevel))
}
