/**
 * The record of a `Log.*` call.
 *
 * `Log.info("msg", fields)` does not call `Effect.annotateLogs` (a FiberRef
 * update per call) nor Effect's `fiber.log`; `emit` decides the level once for
 * every output, then builds one `LogRecord` (src/core/record.ts) from what the
 * fiber holds and hands it to the loggers with a direct path (ours), which
 * read the binding's prepared fragments. Every other logger receives what
 * `Effect.log*` would give it: the message, the fields as annotations (see
 * `effectOptions` in `redactedView.ts`). Span events are `spanEvents.ts`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { globalValue } from "effect/GlobalValue"
import * as HashSet from "effect/HashSet"
import * as Inspectable from "effect/Inspectable"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import type * as Tracer from "effect/Tracer"
import type { LevelName } from "../core/level.js"
import type { Binding, Fields, LogRecord } from "../core/record.js"
import { belowOutput, dropsRecord, type ModuleThreshold } from "../core/route.js"
import { contextOf, spansOf } from "./entry.js"
import type { FingersCrossedScope } from "./fingersCrossed.js"
import { isFloor } from "./floor.js"
import { toEffectLevel } from "./level.js"
import { causeOf } from "./logMessage.js"
import { effectOptions } from "./redactedView.js"
import { currentRedactor } from "./redactorRef.js"
import { spanEvent, spanEventLogger } from "./spanEvents.js"
import { traceIdsOf } from "./traceContext.js"

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/**
 * A logger that can take records straight from `Log.*`: the formatter's
 * direct path, which skips building `Logger.Options` (Effect's `fiber.log`
 * snapshots every FiberRef per record, the largest cost of a log call).
 *
 * @internal
 */
export const DirectPath: unique symbol = Symbol.for("effect-foundation/DirectPath") as never

/**
 * A direct path: it receives the records whose level is admitted (see
 * `emit`). A logger with module levels (`PROVIDE_LOG_MODULE_LEVELS`) says
 * which one matches a binding's name with `moduleThreshold`.
 *
 * @internal
 */
export interface Direct {
  /**
   * One record; `cause` is its Effect `Cause` (`Cause.empty` without one: `TestLog` and other loggers keep it as
   * Effect's), `span` the fiber's current span (OTLP's sampled flag).
   */
  (record: LogRecord, cause: Cause.Cause<unknown>, span: Tracer.AnySpan | undefined): Effect.Effect<void> | undefined
  /** The ordinal of the module level matching the binding's logger name; `undefined` when none does. */
  readonly moduleThreshold?: ((binding: Binding) => number | undefined) | undefined
  /**
   * The ordinal of the output's own level: below it, a record skips this output while a {@link Floor} is
   * Effect's minimum level (or always, when `explicit`). `undefined`: every admitted record.
   */
  readonly threshold?: number | undefined
  /** The level was given for this output: it holds even under `Logger.withMinimumLogLevel`. */
  readonly explicit?: boolean | undefined
  /** The output writes trace ids: the record carries the current span's. */
  readonly traceIds?: boolean | undefined
}

/**
 * How many formatters with module levels were ever made (in any copy of this
 * module): while none was, a record below Effect's minimum level returns at
 * once, named or not.
 *
 * @internal
 */
export const moduleLevels: { formatters: number } = globalValue(
  Symbol.for("effect-foundation/moduleLevels"),
  () => ({ formatters: 0 })
)

/** @internal */
export interface Route {
  readonly direct: ReadonlyArray<Direct>
  readonly others: ReadonlyArray<Logger.Logger<unknown, unknown>>
  /** Effect's tracer logger is installed: records become events of the current span. */
  readonly tracer: boolean
  /** The module levels of the direct loggers that have some. */
  readonly modules: ReadonlyArray<ModuleThreshold>
  /** A direct logger writes trace ids. */
  readonly traceIds: boolean
}

// The loggers set is an immutable HashSet: route it once per set, not once per record; the last set's route is
// found by one comparison.
const routes = new WeakMap<object, Route>()
let lastLoggers: object | undefined = undefined
let lastRoute: Route | undefined = undefined
/** @internal */
export const route = (loggers: HashSet.HashSet<Logger.Logger<unknown, any>>): Route => {
  if (loggers === lastLoggers) return lastRoute!
  let r = routes.get(loggers)
  if (r === undefined) {
    const direct: Array<Direct> = []
    const others: Array<Logger.Logger<unknown, unknown>> = []
    const modules: Array<ModuleThreshold> = []
    let traceIds = false
    for (const logger of loggers) {
      const d = (logger as { [DirectPath]?: Direct })[DirectPath]
      if (d !== undefined) {
        direct.push(d)
        if (d.moduleThreshold !== undefined) modules.push(d.moduleThreshold)
        if (d.traceIds === true) traceIds = true
      } else if (logger !== Logger.tracerLogger && logger !== spanEventLogger) others.push(logger)
    }
    r = {
      direct,
      others,
      tracer: HashSet.has(loggers, Logger.tracerLogger) || HashSet.has(loggers, spanEventLogger),
      modules,
      traceIds
    }
    routes.set(loggers, r)
  }
  lastLoggers = loggers
  lastRoute = r
  return r
}

const emit = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown>
): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) => {
    const logLevel = toEffectLevel[level]
    const ordinal = logLevel.ordinal
    // The level is decided here, once, for every output: the module level matching the logger name if any,
    // else Effect's minimum log level in force. Below it nothing is allocated or formatted.
    // A record the level drops goes to `below`: a fingers-crossed scope keeps it; while no scope is open anywhere,
    // that costs one read of a global counter.
    const minimum = fiber.getFiberRef(FiberRef.currentMinimumLogLevel)
    const belowMinimum = minimum.ordinal > ordinal
    if (belowMinimum && (binding.name === undefined || moduleLevels.formatters === 0)) {
      return below(fiber, level, ordinal, binding, message, fields, error, cause)
    }
    const r = route(fiber.getFiberRef(FiberRef.currentLoggers))
    if (dropsRecord(r.modules, binding, ordinal, belowMinimum)) {
      return below(fiber, level, ordinal, binding, message, fields, error, cause)
    }
    // a record at or above a fingers-crossed scope's trigger: the scope's records are written first
    const released = fingersCrossed.open === 0 ? undefined : trigger(fiber.getFiberRef(currentFingersCrossed), ordinal)
    const span = fiber.currentSpan
    const millis = clockOf(fiber.currentDefaultServices).unsafeCurrentTimeMillis()
    const record = recordOf(fiber, r.traceIds, level, millis, binding, message, fields, error, cause, span)
    const wait = toDirect(r.direct, minimum, ordinal, record, cause, span)
    if (r.tracer && span !== undefined && span._tag === "Span") {
      spanEvent(span, record, fiber.currentDefaultServices, fiber.getFiberRef(currentRedactor))
    }
    if (r.others.length > 0) {
      const options = effectOptions(fiber.id(), record, cause, fiber.getFiberRefs())
      Inspectable.withRedactableContext(options.context, () => {
        for (const logger of r.others) logger.log(options)
      })
    }
    return wait ?? released ?? Effect.void
  })

// The services are an immutable Context: the last one's clock is found by one comparison.
let lastServices: Context.Context<never> | undefined = undefined
let lastClock: Clock.Clock | undefined = undefined
const clockOf = (services: Context.Context<never>): Clock.Clock => {
  if (services !== lastServices) {
    lastClock = Context.get(services as Context.Context<Clock.Clock>, Clock.Clock)
    lastServices = services
  }
  return lastClock!
}

/**
 * The record of a call in `fiber`: its context and log spans as the fiber holds them, its cause as data, and, with
 * `withIds`, the current span's trace and span ids.
 *
 * @internal
 */
export const recordOf = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  withIds: boolean,
  level: LevelName,
  millis: number,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown>,
  span: Tracer.AnySpan | undefined
): LogRecord => {
  const ids = withIds && span !== undefined ? traceIdsOf(span) : undefined
  return {
    level,
    time: millis,
    message,
    binding,
    fields,
    error,
    context: contextOf(fiber.getFiberRef(FiberRef.currentLogAnnotations)),
    spans: spansOf(fiber.getFiberRef(FiberRef.currentLogSpan)),
    cause: causeOf(cause),
    traceId: ids?.traceId,
    spanId: ids?.spanId
  }
}

// ---------------------------------------------------------------------------
// Fingers-crossed scopes (the scopes themselves: fingersCrossed.ts)
// ---------------------------------------------------------------------------

/**
 * How many fingers-crossed scopes are open (in any copy of this module), and
 * the sequence number of the last record one kept (the records of nested
 * scopes are merged in that order).
 *
 * @internal
 */
export const fingersCrossed: { open: number; seq: number } = globalValue(
  Symbol.for("effect-foundation/fingersCrossed"),
  () => ({ open: 0, seq: 0 })
)

/**
 * The fiber's innermost fingers-crossed scope. A forked fiber inherits it
 * (the same object: it shares the buffer); a joined fiber's value wins as for
 * any FiberRef (the parent's own scope, or one that has closed and defers to
 * the scope that enclosed it).
 *
 * @internal
 */
export const currentFingersCrossed: FiberRef.FiberRef<FingersCrossedScope | undefined> = globalValue(
  Symbol.for("effect-foundation/currentFingersCrossed"),
  () => FiberRef.unsafeMake<FingersCrossedScope | undefined>(undefined)
)

/** A record the level drops: kept (or, after the trigger, written) by the fiber's fingers-crossed scope, if any. */
const below = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  level: LevelName,
  ordinal: number,
  binding: Binding,
  message: string,
  fields: Fields | undefined,
  error: unknown,
  cause: Cause.Cause<unknown>
): Effect.Effect<void> => {
  if (fingersCrossed.open === 0) return Effect.void
  const scope = fiber.getFiberRef(currentFingersCrossed)
  return scope === undefined
    ? Effect.void
    : scope.capture(fiber, level, ordinal, binding, message, fields, error, cause)
}

const trigger = (scope: FingersCrossedScope | undefined, ordinal: number): Effect.Effect<void> | undefined =>
  scope === undefined ? undefined : scope.trigger(ordinal)

/**
 * A record of `Effect.log*` reaching one of our loggers (`Effect.logError`
 * inside a fingers-crossed scope): at or above the scope's trigger, the
 * scope's records are written first. (A record below Effect's minimum level
 * reaches no logger, so it cannot be kept.)
 *
 * @internal
 */
export const triggerFromRefs = (refs: FiberRefs.FiberRefs, ordinal: number): void => {
  if (fingersCrossed.open === 0) return
  FiberRefs.getOrDefault(refs, currentFingersCrossed)?.trigger(ordinal)
}

/**
 * Hands a record to each direct output whose own level admits it (a console
 * at INFO beside a file at DEBUG). A logger whose sink is full (overflow
 * "block") answers with an effect that waits for room: the last one is returned.
 */
const toDirect = (
  direct: ReadonlyArray<Direct>,
  minimum: LogLevel.LogLevel,
  ordinal: number,
  record: LogRecord,
  cause: Cause.Cause<unknown>,
  span: Tracer.AnySpan | undefined
): Effect.Effect<void> | undefined => {
  let wait: Effect.Effect<void> | undefined
  let floor: boolean | undefined
  for (let i = 0; i < direct.length; i++) {
    const d = direct[i]!
    if (
      belowOutput(d, record.binding, ordinal) && (d.explicit === true || (floor ??= isFloor(minimum)))
    ) continue
    wait = d(record, cause, span) ?? wait
  }
  return wait
}

/**
 * One log call: no annotateLogs, one `LogRecord`, straight to the installed loggers.
 *
 * @internal
 */
export const logEntry = (
  level: LevelName,
  binding: Binding,
  message: string,
  fields: Fields | undefined
): Effect.Effect<void> => emit(level, binding, message, fields, undefined, Cause.empty)

/** `Cause.isCause`, `false` for a value (a hostile Proxy) that throws when asked. */
const isCause = (u: unknown): u is Cause.Cause<unknown> => {
  try {
    return Cause.isCause(u)
  } catch {
    return false
  }
}

/**
 * A `Cause` is logged as the record's cause; anything else becomes the record's `error`.
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
    : emit("error", binding, message, fields, errorOrCause, Cause.empty)
