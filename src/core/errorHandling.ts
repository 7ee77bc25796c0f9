/**
 * The Effect-free part of the error boundaries (`withErrorHandling`, `logErrors`), shared by both bindings: the
 * options checked once, what a boundary does with the first failure or defect of a cause, and the fields it logs.
 * Each binding reads its own Effect's cause (and whether the interruption came from outside) and runs the decision.
 */
import { errorFields, errorTag } from "./errors.js"
import type { OptionChecks } from "./optionChecks.js"
import { aFunction } from "./parse.js"
import type { Fields } from "./record.js"

/**
 * `withErrorHandling`'s options, checked and with their defaults.
 *
 * @internal
 */
export interface BoundaryOptions {
  readonly fallback: (error: unknown) => unknown
  readonly logErrors: boolean
  readonly context: Fields | undefined
  readonly message: string
  readonly catchDefects: boolean
  readonly only: ReadonlySet<string> | undefined
}

const where = "ErrorHandling.withErrorHandling"

/**
 * Checks `withErrorHandling`'s options; throws the binding's `IllegalArgumentException` / `IllegalArgumentError` in
 * the one wording, naming the option.
 *
 * @internal
 */
export const boundaryOptions = (options: any, c: OptionChecks): BoundaryOptions => {
  if (typeof options !== "object" || options === null) {
    throw c.invalid(where, "options", options, "an options object with a fallback function")
  }
  return {
    fallback: c.option(where, "fallback", options.fallback, aFunction<(error: unknown) => unknown>()),
    logErrors: options.logErrors ?? true,
    context: options.context,
    message: options.message ?? "Operation failed, using fallback",
    catchDefects: options.catchDefects === true,
    only: options.only === undefined ? undefined : new Set<string>(options.only)
  }
}

/** `logErrors`' message when none is given. @internal */
export const logErrorsMessage = "Operation failed"

/**
 * What a boundary does with a cause (not interrupted from outside): `Pass` it on as it is; `PassDefect`: pass it on
 * without its typed failures (a defect the boundary does not catch, beside a failure that must not leak into the
 * narrowed error type); `Recover` from `error` with the fallback, logging `fields` first when they are given.
 *
 * @internal
 */
export type Boundary =
  | { readonly _tag: "Pass" }
  | { readonly _tag: "PassDefect" }
  | { readonly _tag: "Recover"; readonly error: unknown; readonly fields: Fields | undefined }

const pass: Boundary = { _tag: "Pass" }
const passDefect: Boundary = { _tag: "PassDefect" }

/**
 * The fields logged for a failure (`error`, `error_tag`, its own fields), `defect: true` for a defect, then the
 * caller's context.
 *
 * @internal
 */
export const failureFields = (error: unknown, defect: boolean, context: Fields | undefined): Fields => {
  const fields = errorFields(error)
  if (defect) fields.defect = true
  return { ...fields, ...context }
}

/**
 * The boundary's decision, from the cause's first typed failure and first defect (`undefined` when it has none):
 * decided by the first failure, as `Effect.catchTag` does (passed on when `only` does not name its tag); a defect
 * alone is recovered from only with `catchDefects`; nothing but interruption passes on.
 *
 * @internal
 */
export const boundary = (
  o: BoundaryOptions,
  failure: { readonly error: unknown } | undefined,
  died: { readonly defect: unknown } | undefined
): Boundary => {
  if (!o.catchDefects && died !== undefined) return failure === undefined ? pass : passDefect
  if (failure !== undefined) {
    if (o.only !== undefined && !o.only.has(errorTag(failure.error))) return pass
    return {
      _tag: "Recover",
      error: failure.error,
      fields: o.logErrors ? failureFields(failure.error, false, o.context) : undefined
    }
  }
  if (died === undefined) return pass
  return {
    _tag: "Recover",
    error: died.defect,
    fields: o.logErrors ? failureFields(died.defect, true, o.context) : undefined
  }
}
