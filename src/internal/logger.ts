/**
 * The Effect `Logger` around a formatter: level and rate limit first, then one
 * render, then the line goes to `write` (the sink). Installed in place of
 * Effect's default logger.
 */
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import type * as Scope from "effect/Scope"
import type { Options } from "../EmojiLogger.js"
import {
  defaultFormatOptions,
  entryOfMessage,
  type FormatOptions,
  Formatter,
  type RecordInput,
  recordOf,
  renderRecord,
  type StructuredRecord
} from "./format.js"
import { fromEffectLevel, type LevelName, toEffectLevel } from "./level.js"
import { aLevel, invalidOption, option } from "./parse.js"
import type { RateLimiter } from "./rateLimit.js"
import { type Binding, type Direct, DirectPath, type Entry, spanEventLogger, triggerFromRefs } from "./record.js"
import { makeRedactor } from "./redact.js"

/**
 * A level option in any spelling `PROVIDE_LOG_LEVEL` accepts; `undefined`
 * when not given. Throws `IllegalArgumentException` naming the option, the
 * value and the accepted spellings.
 *
 * @internal
 */
export const levelOption = (name: string, value: unknown): LevelName | undefined =>
  value === undefined ? undefined : option("", name, value, aLevel)

/**
 * `moduleLevels` as `[prefix, level]` pairs, each level in any accepted
 * spelling; throws like {@link levelOption}.
 *
 * @internal
 */
export const moduleLevelsOption = (name: string, value: unknown): Array<[string, LevelName]> => {
  if (value === undefined) return []
  if (typeof value !== "object" || value === null) {
    throw invalidOption("", name, value, "an object of name: LEVEL")
  }
  return Object.entries(value).map((
    [prefix, level]
  ) => [prefix, levelOption(`${name}[${JSON.stringify(prefix)}]`, level)!])
}

/**
 * The levels of `options` in canonical form (lower-case names). Throws
 * `IllegalArgumentException` for a level that is not one.
 *
 * @internal
 */
export const normalizeLevels = <O extends Options>(options: O): O => {
  if (options.level === undefined && options.moduleLevels === undefined) return options
  const level = levelOption("level", options.level)
  const moduleLevels = options.moduleLevels === undefined
    ? undefined
    : Object.fromEntries(moduleLevelsOption("moduleLevels", options.moduleLevels))
  return {
    ...options,
    ...(level === undefined ? {} : { level }),
    ...(moduleLevels === undefined ? {} : { moduleLevels })
  }
}

/**
 * An option that throws `IllegalArgumentException` as a typed failure: a
 * `ConfigError` with the same message.
 *
 * @internal
 */
export const tryOptions = <A>(f: () => A): Effect.Effect<A, ConfigError.ConfigError> =>
  Effect.try({
    try: f,
    catch: (e) => ConfigError.InvalidData([], e instanceof Error ? e.message : String(e))
  })

/**
 * The formatter's options. Throws `IllegalArgumentException` for a level
 * that is not one.
 *
 * @internal
 */
export const formatOptions = (options: Options): FormatOptions => ({
  format: options.format ?? defaultFormatOptions.format,
  level: levelOption("level", options.level) ?? defaultFormatOptions.level,
  moduleLevels: moduleLevelsOption("moduleLevels", options.moduleLevels),
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

const reason = (e: unknown): string => {
  try {
    return e instanceof Error ? String(e.message) : "unknown"
  } catch {
    return "unknown"
  }
}

/**
 * Renders a record, or, when that throws, the formatter's last-resort line
 * (level, message, reason): a record is never lost.
 */
const renderSafely = (
  formatter: Formatter,
  level: LevelName,
  millis: number,
  message: unknown,
  render: () => string
): string => {
  try {
    return render()
  } catch (e) {
    return formatter.fallback(level, millis, message, reason(e))
  }
}

/** A formatter's direct path: `call`, with the formatter's module levels for `emit` (which decides every record's level once, for every output). */
const directPath = (formatter: Formatter, call: (...args: Parameters<Direct>) => ReturnType<Direct>): Direct =>
  formatter.hasModuleLevels
    ? Object.assign(call, { moduleThreshold: (binding: Binding) => formatter.moduleThreshold(binding) })
    : call

/**
 * The logger around a formatter. Levels are decided before a record reaches
 * it (by `emit` for `Log.*`, by Effect for `Effect.log*`); it applies the rate
 * limit, renders, and writes.
 *
 * @internal
 */
export const fromFormatter = (
  formatter: Formatter,
  write: (line: string) => unknown,
  limiter?: RateLimiter | undefined,
  room?: Effect.Effect<void> | undefined
): Logger.Logger<unknown, void> => {
  // The rate limit before rendering: a suppressed record costs no formatting.
  const admit = limiter === undefined ? undefined : (name: string | undefined, millis: number): boolean => {
    const suppressed = limiter.check(name, millis)
    if (suppressed < 0) return false
    if (suppressed > 0) {
      const logger = name ?? "root"
      write(renderRecord(formatter, {
        timestamp: new Date(millis),
        level: "warning",
        message: suppressed + " records suppressed for " + logger,
        fields: { suppressed, logger }
      }))
    }
    return true
  }
  // Log.* records can wait for room in the sink (overflow "block"); Effect.log* records cannot.
  const direct = directPath(
    formatter,
    (level, _ordinal, millis, entry, annotations, spans, cause, span) =>
      (admit === undefined || admit(entry.binding.name, millis)) &&
        write(
            renderSafely(
              formatter,
              level,
              millis,
              entry.message,
              () => formatter.render(level, millis, entry, annotations, spans, cause, span)
            )
          ) === true
        ? room
        : undefined
  )
  const logger = Logger.make<unknown, void>((options) => {
    // `Effect.logError` inside a fingers-crossed scope: the scope's records are written first
    triggerFromRefs(options.context, options.logLevel.ordinal)
    const millis = options.date.getTime()
    if (admit === undefined || admit(undefined, millis)) {
      const level = fromEffectLevel(options.logLevel)
      const first = Array.isArray(options.message) ? options.message[0] : options.message
      write(
        renderSafely(formatter, level, millis, first, () =>
          formatter.renderMessage(
            level,
            millis,
            options.message,
            options.annotations,
            options.spans,
            options.cause,
            formatter.spanOf(options)
          ))
      )
    }
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/**
 * A logger that hands each record, as data and as its rendered line (with
 * its "\n"), to `capture`: `TestLog`'s. `Log.*` records arrive on the direct
 * path, with their logger name, error and fields.
 *
 * @internal
 */
export const capturing = (
  formatter: Formatter,
  capture: (record: StructuredRecord, line: string) => void
): Logger.Logger<unknown, void> => {
  const take = (
    level: LevelName,
    millis: number,
    entry: Entry,
    annotations: Parameters<Direct>[4],
    spans: Parameters<Direct>[5],
    cause: Parameters<Direct>[6],
    span: Parameters<Direct>[7]
  ): undefined => {
    const line = renderSafely(
      formatter,
      level,
      millis,
      entry.message,
      () => formatter.render(level, millis, entry, annotations, spans, cause, span)
    )
    capture(recordOf(level, millis, entry, annotations, spans, cause, formatter.renderer), line)
    return undefined
  }
  const direct = directPath(
    formatter,
    (level, _ordinal, millis, entry, annotations, spans, cause, span) =>
      take(level, millis, entry, annotations, spans, cause, span)
  )
  const logger = Logger.make<unknown, void>((options) => {
    triggerFromRefs(options.context, options.logLevel.ordinal)
    take(
      fromEffectLevel(options.logLevel),
      options.date.getTime(),
      entryOfMessage(options.message, formatter.renderer),
      options.annotations,
      options.spans,
      options.cause,
      formatter.spanOf(options)
    )
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/**
 * Installs `logger` for the rest of the scope in place of Effect's default
 * logger and of the pretty logger `NodeRuntime.runMain` adds, so each record
 * is written once, and sets Effect's minimum level to `minimum` (the starting
 * level: `Logger.withMinimumLogLevel` changes it in either direction).
 * Effect's tracer logger (records as span events) gives way to one that
 * redacts like the lines.
 *
 * @internal
 */
export const install = (
  logger: Logger.Logger<unknown, void>,
  minimum: LevelName
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.zipRight(
    Effect.locallyScopedWith(
      FiberRef.currentLoggers,
      (loggers: HashSet.HashSet<Logger.Logger<unknown, any>>) => {
        const installed = HashSet.add(
          HashSet.remove(HashSet.remove(loggers, Logger.defaultLogger), Logger.prettyLoggerDefault),
          logger
        )
        return HashSet.has(installed, Logger.tracerLogger)
          ? HashSet.add(HashSet.remove(installed, Logger.tracerLogger), spanEventLogger)
          : installed
      }
    ),
    Effect.locallyScoped(FiberRef.currentMinimumLogLevel, toEffectLevel[minimum])
  )
