/**
 * The Effect `Logger` around a formatter: level and rate limit first, then one
 * render, then the line goes to `write` (the sink). Installed in place of
 * Effect's default logger.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import type * as Scope from "effect/Scope"
import { defaultFormatOptions } from "../core/format.js"
import { errorHead, type FormatOptions, isError } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import { type Binding, emptyContext, type LogRecord, rootBinding } from "../core/record.js"
import { makeRedactor } from "../core/redact.js"
import type { Options } from "../EmojiLogger.js"
import { noSpans } from "./entry.js"
import { currentFloor, Floor, isFloor } from "./floor.js"
import { Formatter, type RecordInput, renderRecord, structuredOf, type StructuredRecord } from "./format.js"
import { fromEffectLevel, toEffectLevel } from "./level.js"
import { recordOfOptions } from "./logMessage.js"
import { formatOption } from "./parse.js"
import { aLevel, invalidOption, option } from "./parse.js"
import type { RateLimiter } from "./rateLimit.js"
import { type Direct, DirectPath, triggerFromRefs } from "./record.js"
import { spanEventLogger } from "./spanEvents.js"

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
 * The levels and the format of `options` in canonical form (lower-case
 * names). Throws `IllegalArgumentException` for a level or a format that is
 * not one, with the message of the environment variable's check.
 *
 * @internal
 */
export const normalizeLevels = <O extends Options>(options: O): O => {
  if (options.level === undefined && options.moduleLevels === undefined && options.format === undefined) return options
  const format = formatOption("format", options.format)
  const level = levelOption("level", options.level)
  const moduleLevels = options.moduleLevels === undefined
    ? undefined
    : Object.fromEntries(moduleLevelsOption("moduleLevels", options.moduleLevels))
  return {
    ...options,
    ...(format === undefined ? {} : { format }),
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
export const formatOptions = (options: Options): FormatOptions => {
  const format = formatOption("format", options.format) ?? defaultFormatOptions.format
  return {
    format,
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
    traceIds: options.traceIds ?? format === "json"
  }
}

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
const renderSafely = (formatter: Formatter, record: LogRecord): string => {
  try {
    return formatter.format(record)
  } catch (e) {
    return formatter.fallback(record.level, record.time, record.message, reason(e))
  }
}

/**
 * Renders the record of an `Effect.log*` call (built here too, so nothing it reads can lose the line); the
 * last-resort line keeps the level and the first argument when it is text.
 */
const renderOptionsSafely = (
  formatter: Formatter,
  options: Logger.Logger.Options<unknown>
): readonly [string, LogRecord | undefined] => {
  let record: LogRecord | undefined
  try {
    record = recordOfOptions(options, formatter.renderer, formatter.options.traceIds)
    return [formatter.format(record), record]
  } catch (e) {
    const first = Array.isArray(options.message) ? options.message[0] : options.message
    const level = fromEffectLevel(options.logLevel)
    return [formatter.fallback(level, options.date.getTime(), first, reason(e)), record]
  }
}

/**
 * An output's own level (`Foundation.layer`'s outputs): below `threshold` (an
 * ordinal), records skip the output while a floor is Effect's minimum level,
 * or always when `explicit` (the level was given for this output).
 *
 * @internal
 */
export interface OutputLevel {
  readonly threshold: number
  readonly explicit: boolean
}

/** A formatter's direct path: `call`, with the formatter's module levels and the output's level for `emit` (which decides every record's level once, for every output). */
const directPath = (
  formatter: Formatter,
  call: (...args: Parameters<Direct>) => ReturnType<Direct>,
  own?: OutputLevel | undefined
): Direct => {
  const d = call as typeof call & { -readonly [K in keyof Direct]?: Direct[K] }
  if (formatter.hasModuleLevels) d.moduleThreshold = (binding: Binding) => formatter.moduleThreshold(binding)
  if (own !== undefined) {
    d.threshold = own.threshold
    d.explicit = own.explicit
  }
  if (formatter.options.traceIds) d.traceIds = true
  return call
}

/** A record of `Effect.log*` below the output's own level (see {@link OutputLevel}). */
const belowOwn = (own: OutputLevel | undefined, options: Logger.Logger.Options<unknown>): boolean =>
  own !== undefined && options.logLevel.ordinal < own.threshold &&
  (own.explicit || isFloor(FiberRefs.getOrDefault(options.context, FiberRef.currentMinimumLogLevel)))

/** The rate limit's summary line for `name` (`undefined`: the root logger). */
const suppressedLine = (formatter: Formatter, name: string | undefined, suppressed: number, millis: number): string => {
  const logger = name ?? "root"
  return formatter.format({
    level: "warning",
    time: millis,
    message: suppressed + " records suppressed for " + logger,
    binding: rootBinding,
    fields: { suppressed, logger },
    error: undefined,
    context: emptyContext,
    spans: noSpans,
    cause: undefined,
    traceId: undefined,
    spanId: undefined
  })
}

/**
 * Writes the summary line of every count the limiter still holds, dated
 * `millis` (at flush, shutdown and exit: the records held back at the end of
 * a program are reported too).
 *
 * @internal
 */
export const summaryWriter = (
  formatter: Formatter,
  write: (line: string) => unknown,
  limiter: RateLimiter
) =>
(millis: number): void => {
  for (const [name, n] of limiter.drain()) write(suppressedLine(formatter, name, n, millis))
}

/**
 * {@link summaryWriter} now (the `Clock`'s time).
 *
 * @internal
 */
export const writeSuppressed = (writeAt: (millis: number) => void): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) => Effect.sync(() => writeAt(millis)))

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
  room?: Effect.Effect<void> | undefined,
  own?: OutputLevel | undefined
): Logger.Logger<unknown, void> => {
  // The rate limit before rendering: a suppressed record costs no formatting.
  const admit = limiter === undefined ? undefined : (name: string | undefined, millis: number): boolean => {
    const suppressed = limiter.check(name, millis)
    if (suppressed < 0) return false
    if (suppressed > 0) write(suppressedLine(formatter, name, suppressed, millis))
    return true
  }
  // Log.* records can wait for room in the sink (overflow "block"); Effect.log* records cannot.
  const direct = directPath(
    formatter,
    (record) =>
      (admit === undefined || admit(record.binding.name, record.time)) &&
        write(renderSafely(formatter, record)) === true
        ? room
        : undefined,
    own
  )
  const logger = Logger.make<unknown, void>((options) => {
    // `Effect.logError` inside a fingers-crossed scope: the scope's records are written first
    triggerFromRefs(options.context, options.logLevel.ordinal)
    if (belowOwn(own, options)) return
    if (admit === undefined || admit(undefined, options.date.getTime())) {
      write(renderOptionsSafely(formatter, options)[0])
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
  const direct = directPath(formatter, (record, cause) => {
    capture(structuredOf(record, cause, formatter.renderer), renderSafely(formatter, record))
    return undefined
  })
  const logger = Logger.make<unknown, void>((options) => {
    triggerFromRefs(options.context, options.logLevel.ordinal)
    const [line, record] = renderOptionsSafely(formatter, options)
    if (record !== undefined) capture(structuredOf(record, options.cause, formatter.renderer), line)
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/** Marks the loggers {@link install} leaves in place of runMain's pretty logger, so a later install removes them. */
const AfterScope = Symbol.for("effect-foundation/Logger/afterScope")

/** `program failed: Name: message` for the failure (or defect) of `cause`. */
const failureMessage = (cause: Cause.Cause<unknown>): string => {
  try {
    const error = Cause.squash(cause)
    return isError(error) ? "program failed: " + errorHead(error) : "program failed"
  } catch {
    return "program failed"
  }
}

/**
 * The logger left in place of the pretty logger `NodeRuntime.runMain` adds
 * once the layer's scope has closed. runMain reports a failure
 * (`Effect.logError(cause)`) after the program's layers are closed: the
 * failure the scope closed with was already written as a record (`reported`),
 * so that report is left out; any other record goes to `logger`.
 */
const afterScope = (logger: Logger.Logger<unknown, void>, reported: Cause.Cause<unknown> | undefined) => {
  let pending = reported
  return Object.assign(
    Logger.make<unknown, void>((options) => {
      if (
        pending !== undefined && Array.isArray(options.message) && options.message.length === 0 &&
        Equal.equals(options.cause, pending)
      ) {
        pending = undefined
        return
      }
      logger.log(options)
    }),
    { [AfterScope]: true }
  )
}

/**
 * Closing the scope with `exit`: with runMain's pretty logger in `previous`
 * and `reportFailure`, a failure is written now, through `logger` (the sink is
 * still open), as `program failed: ...` with its cause, and runMain's own
 * report of it is left out; else `previous` comes back.
 */
const restore = (
  logger: Logger.Logger<unknown, void>,
  previous: HashSet.HashSet<Logger.Logger<unknown, any>>,
  exit: Exit.Exit<unknown, unknown>,
  reportFailure: boolean
): Effect.Effect<void> => {
  if (!reportFailure || !HashSet.has(previous, Logger.prettyLoggerDefault)) {
    return FiberRef.set(FiberRef.currentLoggers, previous)
  }
  const failed = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? exit.cause : undefined
  const after = replace(previous, Logger.prettyLoggerDefault, afterScope(logger, failed))
  return failed === undefined
    ? FiberRef.set(FiberRef.currentLoggers, after)
    : Effect.zipRight(Effect.logError(failureMessage(failed), failed), FiberRef.set(FiberRef.currentLoggers, after))
}

const replace = (
  loggers: HashSet.HashSet<Logger.Logger<unknown, any>>,
  remove: Logger.Logger<unknown, any>,
  add: Logger.Logger<unknown, any>
): HashSet.HashSet<Logger.Logger<unknown, any>> => HashSet.add(HashSet.remove(loggers, remove), add)

/**
 * Sets Effect's minimum log level, for the rest of the scope, to a floor at
 * `level`, or at the floor already in force when that is lower (a logging
 * layer inside another keeps the outer outputs' records coming).
 */
const setFloor = (level: LevelName): Effect.Effect<void, never, Scope.Scope> =>
  Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (current) => {
    const floor = new Floor(
      isFloor(current) && current.ordinal < toEffectLevel[level].ordinal ? fromEffectLevel(current) : level
    )
    return Effect.zipRight(
      Effect.locallyScoped(currentFloor, floor),
      Effect.locallyScoped(FiberRef.currentMinimumLogLevel, floor as unknown as LogLevel.LogLevel)
    )
  })

/**
 * Installs `logger` (or several: one per output) for the rest of the scope in
 * place of Effect's default logger and of the pretty logger
 * `NodeRuntime.runMain` adds, so each record is written once, and sets
 * Effect's minimum log level to `minimum` (the starting level, the lowest of
 * the outputs': `Logger.withMinimumLogLevel` changes it in either direction),
 * as a floor (see `Floor`): a layer installed beside or inside another one
 * lowers the level in force only as far as its own outputs need.
 * Effect's tracer logger (records as span events) gives way to one that
 * redacts like the lines. With `reportFailure` (JSON output) under runMain,
 * a scope closed by a failure writes it as one record (`program failed: ...`
 * with its cause) and runMain's multi-line report of it is left out.
 *
 * @internal
 */
export const install = (
  logger: Logger.Logger<unknown, void> | ReadonlyArray<Logger.Logger<unknown, void>>,
  minimum: LevelName,
  reportFailure = false
): Effect.Effect<void, never, Scope.Scope> => {
  const loggers = Array.isArray(logger)
    ? logger as ReadonlyArray<Logger.Logger<unknown, void>>
    : [logger as Logger.Logger<unknown, void>]
  const all = loggers.length === 1 ? loggers[0]! : Logger.make<unknown, void>((options) => {
    for (const l of loggers) l.log(options)
  })
  return Effect.zipRight(
    Effect.acquireRelease(
      FiberRef.getAndUpdate(FiberRef.currentLoggers, (current) => {
        let installed = HashSet.filter(
          current,
          (l) => l !== Logger.defaultLogger && l !== Logger.prettyLoggerDefault && !(AfterScope in l)
        )
        for (const l of loggers) installed = HashSet.add(installed, l)
        return HashSet.has(installed, Logger.tracerLogger)
          ? replace(installed, Logger.tracerLogger, spanEventLogger)
          : installed
      }),
      (previous, exit) => restore(all, previous, exit, reportFailure)
    ),
    setFloor(minimum)
  )
}
