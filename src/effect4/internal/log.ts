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
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import * as References from "effect/References"
import { type LevelName, levelOrdinal } from "../../core/level.js"
import type { Binding, CauseData, Fields, LogRecord, Span } from "../../core/record.js"
import { safeFields } from "../../core/render.js"
import { belowOutput, dropsRecord, type ModuleThreshold } from "../../core/route.js"
import { validSpanId, validTraceId } from "../../core/traceIds.js"
import { causeDataOf } from "./cause.js"
import { contextOf } from "./context.js"
import { globalValue } from "./globalValue.js"
import { effectOrdinal } from "./level.js"
import { spanEvent, SpanEvents } from "./spanEvents.js"
import { toOthers } from "./view.js"

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
  (record: LogRecord): Effect.Effect<void> | undefined
  /** The ordinal of the module level matching the binding's logger name; `undefined` when none does. */
  readonly moduleThreshold?: ((binding: Binding) => number | undefined) | undefined
  /**
   * The ordinal of the output's own level: below it, a record skips this output while the logging layer's floor is
   * the minimum level in force (or always, when `explicit`). `undefined`: every admitted record.
   */
  readonly threshold?: number | undefined
  /** The level was given for this output: it holds even under a lower `References.MinimumLogLevel`. */
  readonly explicit?: boolean | undefined
}

/**
 * Our loggers (direct paths) and the others, for one set of loggers.
 *
 * @internal
 */
export interface Route {
  readonly direct: ReadonlyArray<Direct>
  readonly others: ReadonlyArray<Logger.Logger<unknown, unknown>>
  /** Span events are on (effect 4's tracer logger, or ours in its place). */
  readonly tracer: boolean
  /** The module levels of the direct loggers that have some. */
  readonly modules: ReadonlyArray<ModuleThreshold>
}

/**
 * How many formatters with module levels were ever made (in any copy of this module): while none was, a record below the minimum level returns
 * at once, named or not.
 *
 * @internal
 */
export const moduleLevels: { formatters: number } = globalValue(
  Symbol.for("effect-foundation/effect4/moduleLevels"),
  () => ({ formatters: 0 })
)

// The loggers set of a fiber is replaced, never changed: route it once per set, not once per record.
const routes = new WeakMap<object, Route>()

/**
 * The route of a set of loggers (cached by identity).
 *
 * @internal
 */
export const route = (loggers: ReadonlySet<Logger.Logger<unknown, any>>): Route => {
  let r = routes.get(loggers)
  if (r === undefined) {
    const direct: Array<Direct> = []
    const others: Array<Logger.Logger<unknown, unknown>> = []
    const modules: Array<ModuleThreshold> = []
    let tracer = false
    for (const logger of loggers) {
      const d = (logger as { [DirectPath]?: Direct })[DirectPath]
      if (d !== undefined) {
        direct.push(d)
        if (d.moduleThreshold !== undefined) modules.push(d.moduleThreshold)
      } else if (logger === Logger.tracerLogger || SpanEvents in logger) tracer = true
      else others.push(logger)
    }
    r = { direct, others, tracer, modules }
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

// The last span asked about: records come in runs from the same span, so most calls are one comparison.
let lastSpan: object | undefined = undefined
let lastTrace: readonly [string | undefined, string | undefined] = [undefined, undefined]
const noTrace: readonly [undefined, undefined] = [undefined, undefined]

/** The record's trace ids from the fiber's current span (valid W3C ids only, as the exporter sends them). */
const traceOf = (fiber: Fiber.Fiber<unknown, unknown>): readonly [string | undefined, string | undefined] => {
  const span = fiber.cache.span
  if (span === undefined) return noTrace
  if (span === lastSpan) return lastTrace
  let ids: readonly [string | undefined, string | undefined] = noTrace
  try {
    const traceId = validTraceId(span.traceId)
    if (traceId !== undefined) ids = [traceId, validSpanId(span.spanId)]
  } catch {
    // a hostile span (throwing getters): no ids
  }
  lastSpan = span
  lastTrace = ids
  return ids
}

/**
 * The record of one call, from what the fiber holds (`time`: the Clock's now, unless given).
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
  cause: CauseData | undefined,
  time?: number
): LogRecord => {
  const [traceId, spanId] = traceOf(fiber)
  return {
    level,
    time: time ?? fiber.getRef(Clock.Clock).currentTimeMillisUnsafe(),
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
// Delivery
// ---------------------------------------------------------------------------

/**
 * The level our logging layers set as effect 4's minimum log level: the lowest of their outputs' levels. While it
 * is the minimum level in force (the program has not provided another `References.MinimumLogLevel`), each output
 * also skips the records below its own level.
 *
 * @internal
 */
export const CurrentFloor: Context.Reference<LogLevel.LogLevel | undefined> = Context.Reference<
  LogLevel.LogLevel | undefined
>("effect-foundation/effect4/CurrentFloor", { defaultValue: () => undefined })

/**
 * Where a record was logged: the fiber and its context then (a record kept by a fingers-crossed scope is delivered
 * later, as it would have been then).
 *
 * @internal
 */
export interface Origin {
  readonly fiber: Fiber.Fiber<unknown, unknown>
  readonly context: Context.Context<never>
}

/**
 * Hands a record to each output of the route: our loggers whose own level admits it (a console at INFO beside a
 * file at DEBUG; every one when `minimum` is `undefined`: a record a fingers-crossed scope kept), a span event when
 * span events are on, the view of it for every other logger. Returns what a sink that is full (overflow "block")
 * asks to wait for.
 *
 * @internal
 */
export const deliver = (
  r: Route,
  origin: Origin,
  record: LogRecord,
  ordinal: number,
  minimum: LogLevel.LogLevel | undefined,
  nanos: bigint | undefined
): Effect.Effect<void> | undefined => {
  let wait: Effect.Effect<void> | undefined
  let floor: boolean | undefined
  for (let i = 0; i < r.direct.length; i++) {
    const d = r.direct[i]!
    if (
      minimum !== undefined && belowOutput(d, record.binding, ordinal) &&
      (d.explicit === true || (floor ??= Context.get(origin.context, CurrentFloor) === minimum))
    ) continue
    wait = d(record) ?? wait
  }
  if (r.tracer) spanEvent(origin, record, nanos)
  if (r.others.length > 0) toOthers(r.others, origin, record)
  return wait
}

// ---------------------------------------------------------------------------
// Fingers-crossed scopes (the scopes themselves: fingersCrossed.ts)
// ---------------------------------------------------------------------------

/**
 * What `emit` asks of the fiber's fingers-crossed scope.
 *
 * @internal
 */
export interface FingersCrossedHook {
  /** A record the level drops: kept (or, after the trigger, written). `make` builds it. */
  capture(origin: Origin, ordinal: number, make: () => LogRecord): Effect.Effect<void> | undefined
  /** A record at `ordinal` is being written: at or above the trigger, the scope's records are written first. */
  trigger(ordinal: number): Effect.Effect<void> | undefined
}

/**
 * The fiber's innermost fingers-crossed scope; a forked fiber shares it.
 *
 * @internal
 */
export const CurrentFingersCrossed: Context.Reference<FingersCrossedHook | undefined> = Context.Reference<
  FingersCrossedHook | undefined
>("effect-foundation/effect4/CurrentFingersCrossed", { defaultValue: () => undefined })

/**
 * How many fingers-crossed scopes are open (in any copy of this module): while none is, a dropped record costs one read of this counter.
 *
 * @internal
 */
export const fingersCrossedState: { open: number; seq: number } = globalValue(
  Symbol.for("effect-foundation/effect4/fingersCrossed"),
  () => ({ open: 0, seq: 0 })
)

/**
 * A record of `Effect.log*` reaching one of our loggers (`Effect.logError` inside a fingers-crossed scope): at or
 * above the scope's trigger, the scope's records are written first.
 *
 * @internal
 */
export const triggerFrom = (fiber: Fiber.Fiber<unknown, unknown>, ordinal: number): void => {
  if (fingersCrossedState.open === 0) return
  fiber.getRef(CurrentFingersCrossed)?.trigger(ordinal)
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
    // The level is decided here, once, for every output: the module level matching the logger name if any, else
    // the minimum log level in force. Below it nothing is allocated or formatted; a fingers-crossed scope keeps it.
    const minimum = fiber.cache.minimumLogLevel
    const belowMinimum = isBelow(minimum, ordinal)
    if (belowMinimum && (binding.name === undefined || moduleLevels.formatters === 0)) {
      return below(fiber, ordinal, level, binding, message, fields, error, cause)
    }
    const r = route(fiber.getRef(References.CurrentLoggers))
    if (dropsRecord(r.modules, binding, ordinal, belowMinimum)) {
      return below(fiber, ordinal, level, binding, message, fields, error, cause)
    }
    const released = fingersCrossedState.open === 0 ? undefined : fiber.getRef(CurrentFingersCrossed)?.trigger(ordinal)
    const record = makeRecord(fiber, level, binding, message, fields, error, cause && causeDataOf(cause))
    const nanos = r.tracer && fiber.cache.span !== undefined
      ? fiber.getRef(Clock.Clock).currentTimeNanosUnsafe()
      : undefined
    const wait = deliver(r, { fiber, context: fiber.context }, record, ordinal, minimum, nanos)
    return wait ?? released ?? Effect.void
  })

/** A record the level drops: kept (or, after the trigger, written) by the fiber's fingers-crossed scope, if any. */
const below = (
  fiber: Fiber.Fiber<unknown, unknown>,
  ordinal: number,
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown> | undefined
): Effect.Effect<void> => {
  if (fingersCrossedState.open === 0) return Effect.void
  const scope = fiber.getRef(CurrentFingersCrossed)
  if (scope === undefined) return Effect.void
  return scope.capture(
    { fiber, context: fiber.context },
    ordinal,
    // the call's fields as they are now: a fields object the caller changes later does not change the record
    () =>
      makeRecord(
        fiber,
        level,
        binding,
        message,
        fields == null ? fields : safeFields(fields),
        error,
        cause && causeDataOf(cause)
      )
  ) ?? Effect.void
}

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
