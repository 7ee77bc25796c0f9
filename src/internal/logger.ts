/**
 * The Effect `Logger` around a formatter: level and rate limit first, then one
 * render, then the line goes to `write` (the sink). Installed in place of
 * Effect's default logger.
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import type { Options } from "../EmojiLogger.js"
import { defaultFormatOptions, entryOf, type FormatOptions, Formatter, type RecordInput, renderRecord } from "./format.js"
import { fromEffectLevel, type LevelName, toEffectLevel } from "./level.js"
import type { RateLimiter } from "./rateLimit.js"
import { type Binding, type Direct, DirectPath, rootBinding, spanEventLogger } from "./record.js"
import { makeRedactor } from "./redact.js"
import { jsonString } from "./render.js"

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
  limits: { ...defaultFormatOptions.limits, ...options.limits },
  // JSON lines carry them by default (machines correlate them); console lines on request
  traceIds: options.traceIds ?? (options.format ?? defaultFormatOptions.format) === "json"
})

/** @internal */
export const makeFormatter = (options: Options): (record: RecordInput) => string => {
  const formatter = new Formatter(formatOptions(options))
  return (record) => renderRecord(formatter, record)
}

/** @internal */
export const fromFormatter = (
  formatter: Formatter,
  write: (line: string) => unknown,
  limiter?: RateLimiter | undefined,
  room?: Effect.Effect<void> | undefined
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
  /** Renders and writes; `true` when the sink asks the caller to wait for room. */
  const safely = (render: () => string): unknown => {
    let line: string
    try {
      line = render()
    } catch (e) {
      // Last resort: the record still goes out, with the reason.
      line = "{\"level\":\"error\",\"message\":\"effect-foundation: unformattable record\",\"reason\":" +
        jsonString(formatter.renderer.string(e instanceof Error ? String(e.message) : "unknown")) + "}\n"
    }
    return write(line)
  }
  // Log.* records can wait for room in the sink (overflow "block"); Effect.log* records cannot.
  const direct: Direct = (level, ordinal, millis, entry, annotations, spans, cause, span) =>
    admit(entry.binding, ordinal, millis) && safely(() => formatter.render(level, millis, entry, annotations, spans, cause, span)) === true
      ? room
      : undefined
  const logger = Logger.make<unknown, void>((options) => {
    const millis = options.date.getTime()
    if (admit(entryOf(options.message)?.binding ?? rootBinding, options.logLevel.ordinal, millis)) {
      safely(() =>
        formatter.render(fromEffectLevel(options.logLevel), millis, options.message, options.annotations, options.spans, options.cause, formatter.spanOf(options))
      )
    }
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/**
 * Installs `logger` for the rest of the scope in place of Effect's default
 * logger and of the pretty logger `NodeRuntime.runMain` adds, so each record
 * is written once, and sets Effect's minimum level. Effect's tracer logger
 * (records as span events) gives way to one that redacts like the lines.
 *
 * @internal
 */
export const install = (logger: Logger.Logger<unknown, void>, minimum: LevelName): Effect.Effect<void, never, Scope.Scope> =>
  Effect.zipRight(
    Effect.locallyScopedWith(
      FiberRef.currentLoggers,
      (loggers: HashSet.HashSet<Logger.Logger<unknown, any>>) => {
        const installed = HashSet.add(HashSet.remove(HashSet.remove(loggers, Logger.defaultLogger), Logger.prettyLoggerDefault), logger)
        return HashSet.has(installed, Logger.tracerLogger) ? HashSet.add(HashSet.remove(installed, Logger.tracerLogger), spanEventLogger) : installed
      }
    ),
    Effect.locallyScoped(FiberRef.currentMinimumLogLevel, toEffectLevel[minimum])
  )
