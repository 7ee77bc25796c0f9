/**
 * The effect 4 `Logger` around a formatter: level and rate limit first, then one record rendered, then the line goes
 * to `write` (the sink). `Log.*` records arrive built on the direct path; `Effect.log*` records through
 * `Logger.log`, read into a record here (its arguments by the core's rule, `messageParts`).
 */
import type * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import type { LevelName } from "../../core/level.js"
import { messageParts } from "../../core/logMessage.js"
import { Binding, type LogRecord, rootBinding } from "../../core/record.js"
import { causeDataOf } from "./cause.js"
import type { Formatter } from "./format.js"
import { effectOrdinal, fromEffectLevel } from "./level.js"
import { CurrentFloor, type Direct, DirectPath, makeRecord, moduleLevels, triggerFrom } from "./log.js"

/**
 * The rate limiter a logger consults before rendering (the sink's, from `PROVIDE_LOG_RATE_LIMIT`): `check` answers
 * -1 for a record held back, else how many were held back before it (a summary line is written first);
 * `drain` takes the counts still held.
 *
 * @internal
 */
export interface RateLimiter {
  readonly check: (loggerName: string | undefined, nowMs: number) => number
  readonly drain: () => ReadonlyArray<readonly [string | undefined, number]>
}

/**
 * An output's own level (`Foundation.layer`'s outputs): below `threshold` (an ordinal), records skip the output
 * while the logging layer's floor is the minimum level in force, or always when `explicit`.
 *
 * @internal
 */
export interface OutputLevel {
  readonly threshold: number
  readonly explicit: boolean
}

/**
 * A record given as data (the public format functions, summaries): rendered exactly as the live logger would.
 *
 * @internal
 */
export interface RecordInput {
  readonly timestamp: Date
  readonly level: LevelName
  readonly message: string
  readonly loggerName?: string | undefined
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  readonly error?: unknown
  readonly cause?: Cause.Cause<unknown> | undefined
}

const emptyContext = { keys: [], values: [] }

/**
 * The record of a {@link RecordInput}.
 *
 * @internal
 */
export const recordOfInput = (input: RecordInput): LogRecord => ({
  level: input.level,
  time: input.timestamp.getTime(),
  message: input.message,
  binding: input.loggerName === undefined ? rootBinding : new Binding(input.loggerName, undefined),
  fields: input.fields,
  error: input.error,
  context: emptyContext,
  spans: [],
  cause: input.cause === undefined ? undefined : causeDataOf(input.cause),
  traceId: undefined,
  spanId: undefined
})

// Effect 4 hands each logger its own options object for one call, with the same `date` and `message`: the record
// built for one of our loggers is reused by the next one when it renders non-string message parts with the same rules.
let lastDate: Date | undefined = undefined
let lastMessage: unknown = undefined
let lastRenderer: Formatter["renderer"] | undefined = undefined
let lastRecord: LogRecord | undefined = undefined

/**
 * The record of an `Effect.log*` call, as a `Logger` receives it (built once per call for the loggers that render
 * alike).
 *
 * @internal
 */
export const recordOfOptions = (formatter: Formatter, options: Logger.Options<unknown>): LogRecord => {
  const renderer = formatter.renderer
  if (
    options.date === lastDate && options.message === lastMessage && lastRecord !== undefined &&
    renderer.redactor === lastRenderer!.redactor && renderer.limits === lastRenderer!.limits
  ) return lastRecord
  const parts = messageParts(options.message, renderer)
  const record = makeRecord(
    options.fiber,
    fromEffectLevel(options.logLevel),
    rootBinding,
    parts.message,
    parts.fields,
    parts.error,
    causeDataOf(options.cause),
    options.date.getTime()
  )
  lastDate = options.date
  lastMessage = options.message
  lastRenderer = renderer
  lastRecord = record
  return record
}

/** The rate limit's summary line for `name` (`undefined`: the root logger). */
const suppressedLine = (formatter: Formatter, name: string | undefined, suppressed: number, millis: number): string => {
  const logger = name ?? "root"
  return formatter.format(recordOfInput({
    timestamp: new Date(millis),
    level: "warning",
    message: suppressed + " records suppressed for " + logger,
    fields: { suppressed, logger }
  }))
}

/**
 * Writes the summary line of every count the limiter still holds, dated `millis` (at flush, shutdown and exit).
 *
 * @internal
 */
export const summaryWriter =
  (formatter: Formatter, write: (line: string) => unknown, limiter: RateLimiter) => (millis: number): void => {
    for (const [name, n] of limiter.drain()) write(suppressedLine(formatter, name, n, millis))
  }

/** A formatter's direct path: `call`, with the formatter's module levels and the output's own level. */
const directPath = (
  formatter: Formatter,
  call: (record: LogRecord) => ReturnType<Direct>,
  own?: OutputLevel | undefined
): Direct => {
  const d = call as typeof call & { -readonly [K in keyof Direct]?: Direct[K] }
  if (formatter.hasModuleLevels) {
    moduleLevels.formatters++
    d.moduleThreshold = (binding: Binding) => formatter.moduleThreshold(binding)
  }
  if (own !== undefined) {
    d.threshold = own.threshold
    d.explicit = own.explicit
  }
  return call
}

/** A record of `Effect.log*` below the output's own level (see {@link OutputLevel}). */
const belowOwn = (own: OutputLevel | undefined, fiber: Fiber.Fiber<unknown, unknown>, level: LogLevel.LogLevel) =>
  own !== undefined && effectOrdinal[level] < own.threshold &&
  (own.explicit || fiber.getRef(CurrentFloor) === fiber.cache.minimumLogLevel)

/**
 * The logger around a formatter. Levels are decided before a record reaches it (by `logRecord` for `Log.*`, by
 * effect 4 for `Effect.log*`); it applies the rate limit, renders, and writes. `write` answers `true` when the sink
 * is full (overflow "block"): a `Log.*` record then waits for `room`.
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
  const direct = directPath(
    formatter,
    (record) =>
      (admit === undefined || admit(record.binding.name, record.time)) && write(formatter.format(record)) === true
        ? room
        : undefined,
    own
  )
  const logger = Logger.make<unknown, void>((options) => {
    // `Effect.logError` inside a fingers-crossed scope: the scope's records are written first
    triggerFrom(options.fiber, effectOrdinal[options.logLevel])
    if (belowOwn(own, options.fiber, options.logLevel)) return
    if (admit === undefined || admit(undefined, options.date.getTime())) {
      write(formatter.formatOptions(options, () => recordOfOptions(formatter, options))[0])
    }
  })
  return Object.assign(logger, { [DirectPath]: direct })
}

/**
 * A logger that hands each record, and its rendered line (with its "\n"), to `capture`: `TestLog`'s. `Log.*`
 * records arrive on the direct path, with their logger name, error and fields; `Effect.log*` records with their own
 * cause.
 *
 * @internal
 */
export const capturing = (
  formatter: Formatter,
  capture: (record: LogRecord, line: string, cause: Cause.Cause<unknown> | undefined) => void
): Logger.Logger<unknown, void> => {
  const direct = directPath(formatter, (record) => {
    capture(record, formatter.format(record), undefined)
    return undefined
  })
  const logger = Logger.make<unknown, void>((options) => {
    triggerFrom(options.fiber, effectOrdinal[options.logLevel])
    const [line, record] = formatter.formatOptions(options, () => recordOfOptions(formatter, options))
    if (record !== undefined) capture(record, line, options.cause)
  })
  return Object.assign(logger, { [DirectPath]: direct })
}
