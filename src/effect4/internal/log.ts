/**
 * One log call of the Effect 4 binding: one `LogRecord` (src/core/record.ts), straight to the installed loggers.
 *
 * `Log.info("msg", fields)` does not go through `Effect.annotateLogs` nor effect 4's `Effect.log`: it decides the
 * level once, builds one record from what the fiber holds (its annotations and log spans, converted to the core's
 * shapes once per identity, its clock, its current span) and hands it to our loggers' direct path. Every other
 * logger receives what `Effect.log*` would give it (see `view.ts`).
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import * as References from "effect/References"
import { type LevelName, levelOrdinal } from "../../core/level.js"
import type { Binding, CauseData, CauseReason, Fields, LogRecord, Span } from "../../core/record.js"
import { contextOf } from "./context.js"
import { effectOrdinal, toEffectLevel } from "./level.js"

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/**
 * A logger that takes records straight from `Log.*`: our formatters' direct path.
 *
 * @internal
 */
export const DirectPath: unique symbol = Symbol.for("effect-foundation/effect4/DirectPath") as never

/**
 * A direct path: it receives the records whose level is admitted. A logger whose sink is full (overflow "block")
 * answers with an effect that waits for room.
 *
 * @internal
 */
export interface Direct {
  (record: LogRecord, ordinal: number): Effect.Effect<void> | undefined
  /** The ordinal of the module level matching the binding's logger name; `undefined` when none does. */
  readonly moduleThreshold?: ((binding: Binding) => number | undefined) | undefined
  /** The ordinal of the output's own level; `undefined`: every admitted record. */
  readonly threshold?: number | undefined
  /** The level was given for this output: it holds even under a lower `References.MinimumLogLevel`. */
  readonly explicit?: boolean | undefined
}

/** @internal */
export interface Route {
  readonly direct: ReadonlyArray<Direct>
  readonly others: ReadonlyArray<Logger.Logger<unknown, unknown>>
}

// The loggers set of a fiber is replaced, never changed: route it once per set, not once per record.
const routes = new WeakMap<object, Route>()

/**
 * Our loggers (direct paths) and the others, for a set of loggers.
 *
 * @internal
 */
export const route = (loggers: ReadonlySet<Logger.Logger<unknown, any>>): Route => {
  let r = routes.get(loggers)
  if (r === undefined) {
    const direct: Array<Direct> = []
    const others: Array<Logger.Logger<unknown, unknown>> = []
    for (const logger of loggers) {
      const d = (logger as { [DirectPath]?: Direct })[DirectPath]
      if (d !== undefined) direct.push(d)
      else others.push(logger)
    }
    r = { direct, others }
    routes.set(loggers, r)
  }
  return r
}

// ---------------------------------------------------------------------------
// The record's parts, from the fiber
// ---------------------------------------------------------------------------

const noSpans: ReadonlyArray<Span> = []
const spansCache = new WeakMap<object, ReadonlyArray<Span>>()

/**
 * Effect 4's log spans as the core's (cached by identity: the array is replaced, never changed).
 *
 * @internal
 */
export const spansOf = (spans: ReadonlyArray<readonly [label: string, timestamp: number]>): ReadonlyArray<Span> => {
  if (spans.length === 0) return noSpans
  let s = spansCache.get(spans)
  if (s === undefined) {
    s = spans.map(([label, startTime]) => ({ label, startTime }))
    spansCache.set(spans, s)
  }
  return s
}

/**
 * An effect 4 `Cause` as plain data; `undefined` when it holds no failure, defect nor interruption.
 *
 * @internal
 */
export const causeDataOf = (cause: Cause.Cause<unknown>): CauseData | undefined => {
  const all = cause.reasons
  if (all.length === 0) return undefined
  const reasons: Array<CauseReason> = []
  let interrupted = false
  for (let i = 0; i < all.length; i++) {
    const r = all[i]!
    if (r._tag === "Fail") reasons.push({ kind: "fail", value: r.error })
    else if (r._tag === "Die") reasons.push({ kind: "die", value: r.defect })
    else interrupted = true
  }
  return { reasons, interrupted }
}

const validTraceId = /^[0-9a-f]{32}$/
const validSpanId = /^[0-9a-f]{16}$/
const zeroTrace = "00000000000000000000000000000000"
const zeroSpan = "0000000000000000"

/** The record's trace ids from the fiber's current span (valid W3C ids only). */
const traceOf = (fiber: Fiber.Fiber<unknown, unknown>): readonly [string | undefined, string | undefined] => {
  const span = fiber.cache.span
  if (span === undefined) return noTrace
  const traceId = span.traceId
  if (typeof traceId !== "string" || !validTraceId.test(traceId) || traceId === zeroTrace) return noTrace
  const spanId = span.spanId
  return [traceId, typeof spanId === "string" && validSpanId.test(spanId) && spanId !== zeroSpan ? spanId : undefined]
}
const noTrace: readonly [undefined, undefined] = [undefined, undefined]

/**
 * The record of one call, from what the fiber holds.
 *
 * @internal
 */
export const makeRecord = (
  fiber: Fiber.Fiber<unknown, unknown>,
  level: LevelName,
  binding: Binding,
  message: unknown,
  fields: Fields | undefined,
  error: unknown,
  cause: CauseData | undefined
): LogRecord => {
  const [traceId, spanId] = traceOf(fiber)
  return {
    level,
    time: fiber.getRef(Clock.Clock).currentTimeMillisUnsafe(),
    message,
    binding,
    fields,
    error,
    context: contextOf(fiber.getRef(References.CurrentLogAnnotations)),
    spans: spansOf(fiber.getRef(References.CurrentLogSpans)),
    cause,
    traceId,
    spanId
  }
}

// ---------------------------------------------------------------------------
// The call
// ---------------------------------------------------------------------------

const isBelow = (minimum: LogLevel.LogLevel, ordinal: number): boolean => effectOrdinal[minimum] > ordinal

const emit = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown> | undefined
): Effect.Effect<void> =>
  Effect.withFiber((fiber) => {
    const ordinal = levelOrdinal[level]
    if (isBelow(fiber.cache.minimumLogLevel, ordinal)) return Effect.void
    const r = route(fiber.getRef(References.CurrentLoggers))
    const record = makeRecord(fiber, level, binding, message, fields, error, cause && causeDataOf(cause))
    let wait: Effect.Effect<void> | undefined
    for (let i = 0; i < r.direct.length; i++) wait = r.direct[i]!(record, ordinal) ?? wait
    if (r.others.length > 0) {
      const options: Logger.Options<unknown> = {
        message: [message],
        logLevel: toEffectLevel[level],
        cause: cause ?? (error === undefined ? Cause.empty : Cause.fail(error)),
        fiber,
        date: new Date(record.time)
      }
      for (const logger of r.others) logger.log(options)
    }
    return wait ?? Effect.void
  })

/**
 * One log call: one record, straight to the installed loggers. The call every module of the binding logs with.
 *
 * @internal
 */
export const logRecord = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields?: Fields,
  error?: unknown
): Effect.Effect<void> => emit(level, binding, message, fields, error, undefined)

/**
 * `Log.exception`: a `Cause` is logged as the record's cause; anything else becomes its error.
 *
 * @internal
 */
export const logException = (
  binding: Binding,
  message: string,
  errorOrCause: unknown,
  fields: Fields | undefined
): Effect.Effect<void> =>
  isCause(errorOrCause)
    ? emit("error", binding, message, fields, undefined, errorOrCause)
    : emit("error", binding, message, fields, errorOrCause, undefined)

/** `Cause.isCause`, `false` for a value (a hostile Proxy) that throws when asked. */
const isCause = (u: unknown): u is Cause.Cause<unknown> => {
  try {
    return Cause.isCause(u)
  } catch {
    return false
  }
}
