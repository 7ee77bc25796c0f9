/**
 * Fingers-crossed scopes: inside one, the `Log.*` records the level drops are
 * kept in a ring buffer, and written (in their order, as they would have been
 * written at the call) only when a record at or above the trigger is logged
 * in the scope or the scope's effect fails.
 *
 * - The scope is a FiberRef (`currentFingersCrossed`, in record.ts) holding a
 *   {@link FingersCrossedScope}: fibers forked inside share it, concurrent
 *   scopes each have their own.
 * - `emit` (record.ts) consults it only for a record its level decision drops
 *   ({@link FingersCrossedScope.capture}) and, for a record it writes, to find
 *   a trigger ({@link FingersCrossedScope.trigger}); while no scope is open in
 *   the process, both cost one read of a global counter.
 * - A kept record ({@link Captured}) holds everything its loggers need: the
 *   `LogRecord` (the timestamp from the Clock at the call, the context, log
 *   spans, the call's fields copied one level deep as `safeFields` reads
 *   them, error, cause as data, trace ids), the Effect cause, the span, and
 *   the loggers installed then. Written later, it goes through those loggers
 *   like any record (redaction, rate limit, OTLP, span events), with its own
 *   timestamp.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import type * as FiberRefs from "effect/FiberRefs"
import * as Inspectable from "effect/Inspectable"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import {
  droppedMessage,
  FingersCrossedBuffer,
  type FingersCrossedHooks,
  type FingersCrossedLimits,
  fingersCrossedLimits,
  type FingersCrossedOptions
} from "../core/fingersCrossed.js"
import type { LevelName } from "../core/level.js"
import type { OptionChecks } from "../core/optionChecks.js"
import { type Binding, type Fields, type LogRecord, rootBinding } from "../core/record.js"
import type { Redactor } from "../core/redact.js"
import { safeFields } from "../core/render.js"
import { noSpans } from "./entry.js"
import { checkOptions, duration, invalidOption, option } from "./parse.js"
import { currentFingersCrossed, fingersCrossed as state, recordOf, type Route, route } from "./record.js"
import { effectOptions } from "./redactedView.js"
import { currentRedactor } from "./redactorRef.js"
import { spanEvent } from "./spanEvents.js"

/** @internal */
export type { FingersCrossedOptions } from "../core/fingersCrossed.js"

/**
 * The options, checked and with their defaults (the core's limits).
 *
 * @internal
 */
export type Resolved = FingersCrossedLimits

const checks: OptionChecks = { option, invalid: invalidOption, duration }

/**
 * Checks the options (the core's `fingersCrossedLimits`). Throws `IllegalArgumentException` in the one wording,
 * naming the option (`<where> option <prefix>maxRecords: invalid value 0; accepted: ...`). The public functions run
 * it in {@link check}.
 *
 * @internal
 */
export const resolve = (
  options: FingersCrossedOptions | undefined,
  where = "Log.fingersCrossed",
  prefix = ""
): Resolved => fingersCrossedLimits(options, checks, where, prefix)

/**
 * {@link resolve}, run once: the checked options or the `IllegalArgumentException`.
 *
 * @internal
 */
export const check = (
  options: FingersCrossedOptions | undefined,
  where?: string,
  prefix?: string
): Either.Either<Resolved, Cause.IllegalArgumentException> => checkOptions(() => resolve(options, where, prefix))

/**
 * A record kept by a scope: everything needed to write it later exactly as it would have been written then.
 *
 * @internal
 */
export class Captured {
  constructor(
    readonly seq: number,
    readonly route: Route,
    readonly record: LogRecord,
    /** the record's Effect cause (`Cause.empty` without one), for TestLog and the other loggers */
    readonly cause: Cause.Cause<unknown>,
    readonly span: Tracer.AnySpan | undefined,
    readonly fiberId: FiberId.Runtime,
    /** the fiber's refs, for the other loggers' `context` (kept only when such loggers are installed) */
    readonly refs: FiberRefs.FiberRefs | undefined,
    /** the Clock's time in nanoseconds, for the span event (kept only under the tracer logger in a span) */
    readonly nanos: bigint | undefined,
    /** the redactor published at the call, for the span event */
    readonly redactor: Redactor | undefined
  ) {}
}

/**
 * Writes a kept record through the loggers installed when it was logged, as
 * `emit` would have then. Returns what a sink that is full (overflow
 * `"block"`) asks to wait for.
 */
const replay = (c: Captured): Effect.Effect<void> | undefined => {
  const r = c.route
  let wait: Effect.Effect<void> | undefined
  for (let i = 0; i < r.direct.length; i++) wait = r.direct[i]!(c.record, c.cause, c.span) ?? wait
  if (c.nanos !== undefined && c.span !== undefined && c.span._tag === "Span") {
    spanEvent(c.span, c.record, Context.empty(), c.redactor, c.nanos)
  }
  if (r.others.length > 0 && c.refs !== undefined) {
    const options = effectOptions(c.fiberId, c.record, c.cause, c.refs)
    Inspectable.withRedactableContext(options.context, () => {
      for (const logger of r.others) logger.log(options)
    })
  }
  return wait
}

/** The WARN record saying how many records the buffer dropped, with the time, context and loggers of `first`. */
const droppedRecord = (first: Captured, dropped: number): Captured =>
  new Captured(
    first.seq,
    first.route,
    {
      ...first.record,
      level: "warning",
      message: droppedMessage(dropped),
      binding: rootBinding,
      fields: { dropped },
      error: undefined,
      spans: noSpans,
      cause: undefined
    },
    Cause.empty,
    first.span,
    first.fiberId,
    first.refs,
    first.nanos,
    first.redactor
  )

const hooks: FingersCrossedHooks<Captured, Effect.Effect<void>> = { replay, dropped: droppedRecord, state }

/**
 * One fingers-crossed scope, as `emit` (record.ts) consults it: the core's buffer (ring buffer, trigger, nested
 * scopes: src/core/fingersCrossed.ts) holding {@link Captured} records. `parent` is the scope that was in force when
 * this one opened.
 *
 * @internal
 */
export class FingersCrossedScope {
  readonly buffer: FingersCrossedBuffer<Captured, Effect.Effect<void>>

  constructor(options: Resolved, readonly parent: FingersCrossedScope | undefined) {
    this.buffer = new FingersCrossedBuffer(options, parent?.buffer, hooks)
  }

  /**
   * A `Log.*` record the level drops, logged in this scope: kept while the
   * scope buffers, written at once after its trigger, dropped below the
   * scope's `level`.
   */
  capture(
    fiber: Fiber.RuntimeFiber<unknown, unknown>,
    level: LevelName,
    ordinal: number,
    binding: Binding,
    message: string,
    fields: Fields | undefined,
    error: unknown,
    cause: Cause.Cause<unknown>
  ): Effect.Effect<void> {
    const scope = this.buffer.open()
    if (scope === undefined || !scope.keeps(ordinal)) return Effect.void
    const r = route(fiber.getFiberRef(FiberRef.currentLoggers))
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const span = fiber.currentSpan
    const millis = clock.unsafeCurrentTimeMillis()
    // the call's fields as they are now: a fields object the caller reuses or changes later does not change the record
    const kept = fields == null ? fields : safeFields(fields)
    const c = new Captured(
      scope.nextSeq(),
      r,
      recordOf(fiber, r.traceIds, level, millis, binding, message, kept, error, cause, span),
      cause,
      span,
      fiber.id(),
      r.others.length > 0 ? fiber.getFiberRefs() : undefined,
      r.tracer && span !== undefined && span._tag === "Span" ? clock.unsafeCurrentTimeNanos() : undefined,
      r.tracer ? fiber.getFiberRef(currentRedactor) : undefined
    )
    return scope.capture(c) ?? Effect.void
  }

  /**
   * A record at `ordinal` is being written in this scope: every scope from
   * this one outwards that buffers and whose trigger it reaches writes its
   * records first (merged in their order) and passes records through from
   * now on.
   */
  trigger(ordinal: number): Effect.Effect<void> | undefined {
    return this.buffer.trigger(ordinal)
  }

  /**
   * The scope's effect ended. Failed (a failure or a defect): its records are
   * written. Otherwise they go to the enclosing scope, if any: kept if it
   * still buffers, written if it was triggered; with no enclosing scope they
   * are discarded.
   */
  close(failed: boolean): Effect.Effect<void> | undefined {
    return this.buffer.close(failed)
  }
}

/** A failure or a defect (an interruption alone is not one). */
const failure = (cause: Cause.Cause<unknown>): boolean => Cause.isFailure(cause) || Cause.isDie(cause)

const failed = (exit: Exit.Exit<unknown, unknown>): boolean => Exit.isFailure(exit) && failure(exit.cause)

/**
 * `self` in a fingers-crossed scope of its own: what `Effect.onExit` of
 * `Effect.locally` does, with one uninterruptible region instead of three.
 * (Two FiberRef updates remain, as in `Log.withContext`: most of the cost.)
 *
 * @internal
 */
export const fingersCrossed = <A, E, R>(self: Effect.Effect<A, E, R>, options: Resolved): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A, E, R>((fiber) => {
      const parent = fiber.getFiberRef(currentFingersCrossed)
      const scope = new FingersCrossedScope(options, parent)
      return Effect.zipRight(
        FiberRef.set(currentFingersCrossed, scope),
        Effect.matchCauseEffect(restore(self), {
          onFailure: (cause) => end(scope, parent, failure(cause), Effect.failCause(cause)),
          onSuccess: (a) => end(scope, parent, false, Effect.succeed(a))
        })
      )
    })
  )

/** Restores the scope in force before, closes `scope`, and ends with `result`. */
const end = <A, E>(
  scope: FingersCrossedScope,
  parent: FingersCrossedScope | undefined,
  failed: boolean,
  result: Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.zipRight(
    FiberRef.set(currentFingersCrossed, parent),
    Effect.suspend(() => {
      const wait = scope.close(failed)
      return wait === undefined ? result : Effect.zipRight(wait, result)
    })
  )

/**
 * A fingers-crossed scope for the rest of the current `Scope`; closed when
 * the `Scope` closes, and released if it closes with a failure or a defect.
 *
 * @internal
 */
export const fingersCrossedScoped = (options: Resolved): Effect.Effect<void, never, Scope.Scope> =>
  Effect.uninterruptible(
    Effect.withFiberRuntime<void, never, Scope.Scope>((fiber) => {
      const scope = new FingersCrossedScope(options, fiber.getFiberRef(currentFingersCrossed))
      return Effect.zipRight(
        Effect.addFinalizer((exit) => scope.close(failed(exit)) ?? Effect.void),
        Effect.locallyScoped(currentFingersCrossed, scope)
      )
    })
  )
