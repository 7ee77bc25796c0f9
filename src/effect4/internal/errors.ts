/**
 * The `FoundationError` family on effect 4's `Data.Error`: the same classes, tags, codes and fields as the Effect 3
 * binding's (src/internal/errors.ts). The public `ErrorHandling` module re-exports the classes; the log fields of any
 * error are the core's (src/core/errors.ts).
 */
import * as Data from "effect/Data"
import { foundationErrorFields, nameFollowsTag } from "../../core/errors.js"
import type { FoundationErrorOptions, TaggedErrorConstructor } from "../ErrorHandling.js"

/** @internal */
export class FoundationError extends Data.Error<{
  readonly message: string
  readonly code: string
  readonly context: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}> {
  readonly _tag: string = "FoundationError"
  constructor(options: FoundationErrorOptions, defaultCode = "FOUNDATION_ERROR") {
    super(foundationErrorFields(options, defaultCode))
  }
}
// `name` follows `_tag` (as `Data.TaggedError` sets it), also for user subclasses that override `_tag`.
nameFollowsTag(FoundationError.prototype)

/**
 * The family's `Data.TaggedError`: a `FoundationError` subclass whose `_tag` is the literal `tag` (so
 * `Effect.catchTag` and `withErrorHandling({ only })` narrow on it), with `defaultCode` when no `code` is given.
 *
 * @internal
 */
export const TaggedError = <Tag extends string>(
  tag: Tag,
  defaultCode = "FOUNDATION_ERROR"
): TaggedErrorConstructor<Tag> => {
  class Base extends FoundationError {
    override readonly _tag: string = tag
    constructor(options: FoundationErrorOptions) {
      super(options, defaultCode)
    }
  }
  return Base as any
}

/** @internal */
export class ConfigurationError extends TaggedError("ConfigurationError", "CONFIGURATION_ERROR")<{
  readonly key?: string
}> {}

/** @internal */
export class ValidationError extends TaggedError("ValidationError", "VALIDATION_ERROR")<{
  readonly field?: string
  readonly value?: unknown
}> {}

/** @internal */
export class IntegrationError extends TaggedError("IntegrationError", "INTEGRATION_ERROR")<{
  readonly service?: string
  readonly endpoint?: string
  readonly status?: number
}> {}

/** @internal */
export class NetworkError extends TaggedError("NetworkError", "NETWORK_ERROR")<{
  readonly url?: string
  readonly status?: number
}> {}

/** @internal */
export class TimeoutError extends TaggedError("TimeoutError", "TIMEOUT_ERROR")<{
  readonly timeout_ms?: number
}> {}

/** @internal */
export class NotFoundError extends TaggedError("NotFoundError", "NOT_FOUND")<{
  readonly resource?: string
  readonly id?: string | number
}> {}
