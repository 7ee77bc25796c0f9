/**
 * Error boundaries of the Effect 4 binding: `withErrorHandling` and `logErrors`, on effect 4's flat `Cause` (a list
 * of `Fail`, `Die` and `Interrupt` reasons). The same lines as the Effect 3 binding's for the same failures.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"
import {
  boundary,
  type BoundaryOptions,
  boundaryOptions,
  failureFields,
  logErrorsMessage
} from "../../core/errorHandling.js"
import type { OptionChecks } from "../../core/optionChecks.js"
import { type Fields, rootBinding } from "../../core/record.js"
import { logException } from "./log.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

const compile = (options: unknown): BoundaryOptions => boundaryOptions(options, checks)

/** The first `Fail` reason, or `undefined`. */
const firstFail = (cause: Cause.Cause<unknown>): Cause.Fail<unknown> | undefined => {
  for (const r of cause.reasons) if (r._tag === "Fail") return r
  return undefined
}

/** The first `Die` reason, or `undefined`. */
const firstDie = (cause: Cause.Cause<unknown>): Cause.Die | undefined => {
  for (const r of cause.reasons) if (r._tag === "Die") return r
  return undefined
}

/**
 * The cause carries the interruption of the fiber running the boundary (by another fiber): that is not the
 * boundary's to handle. Effect 4 runs no failure handler of such a fiber while it is interruptible; in an
 * uninterruptible region it does, and the interruptions the fiber received are on its runtime fiber
 * (`_interruptedCause`, which effect 4's `Fiber` interface does not expose). An interruption that stayed inside (a
 * sibling interrupted by `Effect.all` after a failure, a task that interrupted itself) is not external.
 *
 * @internal
 */
export const interruptedFromOutside = (cause: Cause.Cause<unknown>, fiber: Fiber.Fiber<unknown, unknown>): boolean => {
  const received = (fiber as { readonly _interruptedCause?: Cause.Cause<never> | undefined })._interruptedCause
  if (received === undefined || !Cause.isCause(received)) return false
  const from = new Set<number | undefined>()
  for (const r of received.reasons) if (r._tag === "Interrupt") from.add(r.fiberId)
  for (const r of cause.reasons) if (r._tag === "Interrupt" && from.has(r.fiberId)) return true
  return false
}

/** The boundary's handler. A cause that holds nothing but interruption passes through. */
const handle = (
  self: Effect.Effect<unknown, unknown, unknown>,
  o: BoundaryOptions
): Effect.Effect<unknown, unknown, unknown> =>
  Effect.catchCause(self, (cause) => Effect.withFiber((fiber) => handleCause(cause, fiber, o)))

const handleCause = (
  cause: Cause.Cause<unknown>,
  fiber: Fiber.Fiber<unknown, unknown>,
  o: BoundaryOptions
): Effect.Effect<unknown, unknown, unknown> => {
  if (interruptedFromOutside(cause, fiber)) return Effect.failCause(cause)
  const b = boundary(o, firstFail(cause), firstDie(cause))
  if (b._tag === "Pass") return Effect.failCause(cause)
  // A defect passes through; a typed failure beside it must not leak into the narrowed E.
  if (b._tag === "PassDefect") {
    return Effect.failCause(Cause.fromReasons(cause.reasons.filter((r) => r._tag !== "Fail")))
  }
  const recover = Effect.sync(() => o.fallback(b.error))
  return b.fields === undefined
    ? recover
    : Effect.andThen(logException(rootBinding, o.message, cause, b.fields), recover)
}

/**
 * The options are checked once, when it is called; options that are not valid make an effect that dies with an
 * `IllegalArgumentError` naming the option, without running `self`.
 *
 * @internal
 */
export const withErrorHandling = (...args: Array<any>): any => {
  if (Effect.isEffect(args[0])) {
    const self = args[0] as Effect.Effect<unknown, unknown, unknown>
    return orDie(checkOptions(() => compile(args[1])), (o) => handle(self, o))
  }
  const checked = checkOptions(() => compile(args[0]))
  return (self: Effect.Effect<unknown, unknown, unknown>) => orDie(checked, (o) => handle(self, o))
}

/** @internal */
export interface LogErrorsOptions {
  readonly message?: string | undefined
  readonly context?: Fields | undefined
}

/** @internal */
export const logErrors: {
  (options?: LogErrorsOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options?: LogErrorsOptions): Effect.Effect<A, E, R>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, options?: LogErrorsOptions): Effect.Effect<A, E, R> =>
    Effect.tapCause(self, (cause) => {
      // Failures beside interruptions (a sibling interrupted after a failure) are logged.
      if (Cause.hasInterruptsOnly(cause)) return Effect.void
      const failure = firstFail(cause)
      const error = failure !== undefined ? failure.error : firstDie(cause)?.defect
      const fields = failureFields(error, failure === undefined, options?.context)
      return logException(rootBinding, options?.message ?? logErrorsMessage, cause, fields)
    })
)
