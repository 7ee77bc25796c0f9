/**
 * Error boundaries: `withErrorHandling` and `logErrors`.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as FiberId from "effect/FiberId"
import { dual } from "effect/Function"
import * as HashSet from "effect/HashSet"
import * as Option from "effect/Option"
import {
  boundary,
  type BoundaryOptions,
  boundaryOptions,
  failureFields,
  logErrorsMessage
} from "../core/errorHandling.js"
import type { OptionChecks } from "../core/optionChecks.js"
import { type Fields, rootBinding } from "../core/record.js"
import { checkOptions, duration, invalidOption, option, orDie } from "./parse.js"
import { logException } from "./record.js"

const checks: OptionChecks = { option, invalid: invalidOption, duration }

const compile = (options: unknown): BoundaryOptions => boundaryOptions(options, checks)

/**
 * The cause carries the interruption of the fiber running the boundary
 * (by another fiber): that is not the boundary's to handle. An interruption
 * that stayed inside (a sibling interrupted by `Effect.all` after a failure,
 * a task that interrupted itself) is not external.
 *
 * @internal
 */
export const interruptedFromOutside = (
  cause: Cause.Cause<unknown>,
  interruptors: HashSet.HashSet<FiberId.FiberId>
): boolean => {
  if (HashSet.size(interruptors) === 0) return false
  for (const id of Cause.interruptors(cause)) if (HashSet.has(interruptors, id)) return true
  return false
}

const handle = (
  self: Effect.Effect<unknown, unknown, unknown>,
  o: BoundaryOptions
): Effect.Effect<unknown, unknown, unknown> =>
  Effect.catchAllCause(self, (cause) =>
    Effect.descriptorWith((fiber) => {
      if (interruptedFromOutside(cause, fiber.interruptors)) return Effect.failCause(cause)
      const failure = Cause.failureOption(cause)
      const died = Cause.dieOption(cause)
      const b = boundary(
        o,
        Option.isSome(failure) ? { error: failure.value } : undefined,
        Option.isSome(died) ? { defect: died.value } : undefined
      )
      if (b._tag === "Pass") return Effect.failCause(cause)
      // A defect passes through; a typed failure beside it must not leak into the narrowed E.
      if (b._tag === "PassDefect") return Effect.failCause(Cause.stripFailures(cause))
      const recover = Effect.sync(() => o.fallback(b.error))
      return b.fields === undefined
        ? recover
        : Effect.zipRight(logException(rootBinding, o.message, cause, b.fields), recover)
    }))

/**
 * The options are checked once, when it is called; options that are not
 * valid make an effect that dies with an `IllegalArgumentException` naming
 * the option, without running `self`.
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
    Effect.tapErrorCause(self, (cause) => {
      // Failures beside interruptions (a sibling interrupted after a failure) are logged.
      if (Cause.isInterruptedOnly(cause)) return Effect.void
      const failure = Cause.failureOption(cause)
      const error = Option.isSome(failure) ? failure.value : Option.getOrUndefined(Cause.dieOption(cause))
      const fields = failureFields(error, Option.isNone(failure), options?.context)
      return logException(rootBinding, options?.message ?? logErrorsMessage, cause, fields)
    })
)
