/**
 * Error boundaries: `withErrorHandling` and `logErrors`.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as FiberId from "effect/FiberId"
import { dual } from "effect/Function"
import * as HashSet from "effect/HashSet"
import * as Option from "effect/Option"
import { type Fields, rootBinding } from "../core/record.js"
import { errorFields, errorTag } from "./errors.js"
import { aFunction, checkOptions, invalidOption, option, orDie } from "./parse.js"
import { logException } from "./record.js"

interface Compiled {
  readonly fallback: (error: unknown) => unknown
  readonly logErrors: boolean
  readonly context: Fields | undefined
  readonly message: string
  readonly catchDefects: boolean
  readonly only: ReadonlySet<string> | undefined
}

const where = "ErrorHandling.withErrorHandling"

/** Checks the options; throws `IllegalArgumentException` in the one wording, naming the option. */
const compile = (options: any): Compiled => {
  if (typeof options !== "object" || options === null) {
    throw invalidOption(where, "options", options, "an options object with a fallback function")
  }
  return {
    fallback: option(where, "fallback", options.fallback, aFunction<(error: unknown) => unknown>()),
    logErrors: options.logErrors ?? true,
    context: options.context,
    message: options.message ?? "Operation failed, using fallback",
    catchDefects: options.catchDefects === true,
    only: options.only === undefined ? undefined : new Set<string>(options.only)
  }
}

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
  o: Compiled
): Effect.Effect<unknown, unknown, unknown> =>
  Effect.catchAllCause(self, (cause) =>
    Effect.descriptorWith((fiber) => {
      if (interruptedFromOutside(cause, fiber.interruptors)) return Effect.failCause(cause)
      const failure = Cause.failureOption(cause)
      if (!o.catchDefects && Cause.isDie(cause)) {
        // A defect passes through; a typed failure beside it must not leak into the narrowed E.
        return Effect.failCause(Option.isSome(failure) ? Cause.stripFailures(cause) : cause)
      }
      let error: unknown
      let defect = false
      if (Option.isSome(failure)) {
        // Decided by the first failure, as `Effect.catchTag` does.
        error = failure.value
        if (o.only !== undefined && !o.only.has(errorTag(error))) return Effect.failCause(cause)
      } else {
        const died = Cause.dieOption(cause)
        // Nothing but interruption (an effect that interrupted itself): nothing to fall back from.
        if (Option.isNone(died)) return Effect.failCause(cause)
        error = died.value
        defect = true
      }
      const recover = Effect.sync(() => o.fallback(error))
      if (!o.logErrors) return recover
      const fields = errorFields(error)
      if (defect) fields.defect = true
      return Effect.zipRight(logException(rootBinding, o.message, cause, { ...fields, ...o.context }), recover)
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
      const fields = errorFields(error)
      if (Option.isNone(failure)) fields.defect = true
      return logException(rootBinding, options?.message ?? "Operation failed", cause, {
        ...fields,
        ...options?.context
      })
    })
)
