/**
 * Fingers-crossed scopes for effect 4: the scope itself is the core's (src/core/fingersCrossed.ts); here it lives in
 * the fiber's context (`CurrentFingersCrossed`, shared by the fibers forked inside), and a kept record is delivered
 * later through the outputs installed when it was logged, exactly as `logRecord` would have then.
 */
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as References from "effect/References"
import type * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import {
  droppedMessage,
  FingersCrossedBuffer,
  type FingersCrossedLimits,
  fingersCrossedLimits,
  type FingersCrossedOptions
} from "../../core/fingersCrossed.js"
import { levelOrdinal } from "../../core/level.js"
import type { OptionChecks } from "../../core/optionChecks.js"
import { type LogRecord, rootBinding } from "../../core/record.js"
import {
  CurrentFingersCrossed,
  deliver,
  type FingersCrossedHook,
  fingersCrossedState,
  type Origin,
  type Route,
  route
} from "./log.js"
import { checkOptions, duration, invalidOption, option } from "./parse.js"

/** @internal */
export type { FingersCrossedOptions } from "../../core/fingersCrossed.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

/**
 * Checks the options (the core's `fingersCrossedLimits`). Throws `IllegalArgumentError` in the one wording, naming
 * the option.
 *
 * @internal
 */
export const resolve = (
  options: FingersCrossedOptions | undefined,
  where = "Log.fingersCrossed",
  prefix = ""
): FingersCrossedLimits => fingersCrossedLimits(options, checks, where, prefix)

/**
 * {@link resolve}, run once: the checked options or the `IllegalArgumentError`.
 *
 * @internal
 */
export const check = (
  options: FingersCrossedOptions | undefined,
  where?: string,
  prefix?: string
): Result.Result<FingersCrossedLimits, Cause.IllegalArgumentError> =>
  checkOptions(() => resolve(options, where, prefix))

/** A record kept by a scope: everything needed to write it later exactly as it would have been written then. */
interface Captured {
  readonly seq: number
  readonly route: Route
  readonly record: LogRecord
  readonly ordinal: number
  readonly origin: Origin
}

const hooks = {
  replay: (c: Captured): Effect.Effect<void> | undefined =>
    deliver(c.route, c.origin, c.record, c.ordinal, undefined, undefined),
  dropped: (first: Captured, dropped: number): Captured => ({
    ...first,
    ordinal: levelOrdinal.warning,
    record: {
      ...first.record,
      level: "warning",
      message: droppedMessage(dropped),
      binding: rootBinding,
      fields: { dropped },
      error: undefined,
      spans: [],
      cause: undefined
    }
  }),
  state: fingersCrossedState
}

type Buffer = FingersCrossedBuffer<Captured, Effect.Effect<void>>

/** One scope, as `logRecord` consults it. */
class Scope_ implements FingersCrossedHook {
  readonly buffer: Buffer
  constructor(options: FingersCrossedLimits, parent: Scope_ | undefined) {
    this.buffer = new FingersCrossedBuffer(options, parent?.buffer, hooks)
  }
  capture(origin: Origin, ordinal: number, make: () => LogRecord): Effect.Effect<void> | undefined {
    const open = this.buffer.open()
    if (open === undefined || !open.keeps(ordinal)) return undefined
    const r = route(origin.fiber.getRef(References.CurrentLoggers))
    return open.capture({ seq: open.nextSeq(), route: r, record: make(), ordinal, origin })
  }
  trigger(ordinal: number): Effect.Effect<void> | undefined {
    return this.buffer.trigger(ordinal)
  }
}

const parentOf = (hook: FingersCrossedHook | undefined): Scope_ | undefined => hook instanceof Scope_ ? hook : undefined

/** A failure or a defect (an interruption alone is not one). */
const failure = (cause: Cause.Cause<unknown>): boolean => cause.reasons.some((r) => r._tag !== "Interrupt")

const failed = (exit: Exit.Exit<unknown, unknown>): boolean => exit._tag === "Failure" && failure(exit.cause)

/**
 * `self` in a fingers-crossed scope of its own.
 *
 * @internal
 */
export const fingersCrossed = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options: FingersCrossedLimits
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiber<A, E, R>((fiber) => {
      const scope = new Scope_(options, parentOf(fiber.getRef(CurrentFingersCrossed)))
      return Effect.matchCauseEffect(restore(Effect.provideService(self, CurrentFingersCrossed, scope)), {
        onFailure: (cause) => end(scope, failure(cause), Effect.failCause(cause)),
        onSuccess: (a) => end(scope, false, Effect.succeed(a))
      })
    })
  )

/** Closes `scope` and ends with `result`. */
const end = <A, E>(scope: Scope_, failed: boolean, result: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const wait = scope.buffer.close(failed)
    return wait === undefined ? result : Effect.andThen(wait, result)
  })

/**
 * A fingers-crossed scope for the rest of the current `Scope`; closed when the `Scope` closes, and released if it
 * closes with a failure or a defect.
 *
 * @internal
 */
export const fingersCrossedScoped = (options: FingersCrossedLimits): Effect.Effect<void, never, Scope.Scope> =>
  Effect.uninterruptible(
    Effect.withFiber<void, never, Scope.Scope>((fiber) => {
      const scope = new Scope_(options, parentOf(fiber.getRef(CurrentFingersCrossed)))
      return Effect.andThen(
        Effect.addFinalizer((exit) => scope.buffer.close(failed(exit)) ?? Effect.void),
        Effect.updateServiceScoped(CurrentFingersCrossed, () => scope, { reset: (original) => original })
      )
    })
  )
