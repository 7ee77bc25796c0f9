/**
 * The `FoundationError` family and the log fields of any error: shared by
 * `ErrorHandling`, `Retry`, `CircuitBreaker`, `Task` and the OTLP exporter.
 * The public `ErrorHandling` module re-exports the classes.
 */
import * as Data from "effect/Data"
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
    const { code, context, message, ...rest } = options
    super({ message, code: code ?? defaultCode, context: context ?? {}, ...rest })
  }
}
// `name` follows `_tag` (as `Data.TaggedError` sets it), also for user subclasses that override `_tag`.
Object.defineProperty(FoundationError.prototype, "name", {
  get(this: FoundationError) {
    return this._tag
  },
  configurable: true
})

/**
 * The family's `Data.TaggedError`: a `FoundationError` subclass whose `_tag`
 * is the literal `tag` (so `Effect.catchTag` and `withErrorHandling({ only })`
 * narrow on it), with `defaultCode` when no `code` is given.
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

// ---------------------------------------------------------------------------
// Log fields of an error
// ---------------------------------------------------------------------------

/**
 * Tag of an error for logs and `retryOn` lists: `_tag`, else the `Error` name, else the JS type.
 *
 * @internal
 */
export const errorTag = (error: unknown): string => {
  try {
    if (typeof error === "object" && error !== null) {
      const tag = (error as { _tag?: unknown })._tag
      if (typeof tag === "string") return tag
      if (error instanceof Error) return error.name
      return "object"
    }
    return typeof error
  } catch {
    return "unknown"
  }
}

/**
 * Message of an error for logs: its `message` when non-empty, a string error itself, else its tag.
 *
 * @internal
 */
export const errorMessage = (error: unknown): string => {
  try {
    if (typeof error === "string") return error
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message
      if (typeof message === "string" && message.length > 0) return message
      return errorTag(error)
    }
    return String(error)
  } catch {
    return "unknown"
  }
}

const skipped = new Set(["_tag", "message", "stack", "name", "cause", "context"])

/**
 * `error_tag`, `error_message`, the error's own data fields and the entries of its `context`. Never throws.
 *
 * @internal
 */
export const errorFields = (error: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const put = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  put("error_tag", errorTag(error))
  put("error_message", errorMessage(error))
  try {
    if (typeof error === "object" && error !== null) {
      for (const key of Object.keys(error)) {
        if (skipped.has(key)) continue
        const value = (error as Record<string, unknown>)[key]
        if (value !== undefined && typeof value !== "function") put(key, value)
      }
      const context = (error as { context?: unknown }).context
      if (typeof context === "object" && context !== null && !Array.isArray(context)) {
        for (const key of Object.keys(context)) put(key, (context as Record<string, unknown>)[key])
      }
    }
  } catch {
    // a throwing getter: keep what was read
  }
  return out
}
