/**
 * Error boundaries on the typed error channel: the counterpart of the seed's
 * `with_error_handling(fallback, log_errors)`, plus a tagged error family
 * (`FoundationError` and common subclasses) whose fields render in logs.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation"
 * const externalApiCall: Effect.Effect<string, ErrorHandling.NetworkError> =
 *   Effect.fail(new ErrorHandling.NetworkError({ message: "unreachable", url: "https://api.example.com" }))
 * const risky = externalApiCall.pipe(ErrorHandling.withErrorHandling({ fallback: () => null }))
 * // Effect<string | null, never>
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { errorMessage, errorTag } from "./internal/retryPolicy.js"
import * as Log from "./Log.js"

// ---------------------------------------------------------------------------
// Tagged errors
// ---------------------------------------------------------------------------

/**
 * What every `FoundationError` is built from. `code` defaults per class
 * (`"VALIDATION_ERROR"`, ...); `context` is free-form data that is spread into
 * the error's log line.
 *
 * @since 0.1.0
 * @category models
 */
export interface FoundationErrorOptions {
  readonly message: string
  readonly code?: string | undefined
  readonly context?: Readonly<Record<string, unknown>> | undefined
  readonly cause?: unknown
}

/**
 * The base of the library's tagged errors (a `Data.Error`, so it is
 * yieldable: `yield* new NotFoundError({ ... })`). Carries a `code` and a
 * `context` record. Subclasses narrow `_tag` to a literal, so `catchTag` and
 * `withErrorHandling({ only })` work on them.
 *
 * @example
 * ```ts
 * import { ErrorHandling } from "effect-foundation"
 * class PaymentError extends ErrorHandling.FoundationError {
 *   override readonly _tag = "PaymentError" as const
 * }
 * const e = new PaymentError({ message: "card declined", code: "DECLINED", context: { order_id: 7 } })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class FoundationError extends Data.Error<{
  readonly message: string
  readonly code: string
  readonly context: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}> {
  /** @since 0.1.0 */
  readonly _tag: string = "FoundationError"
  constructor(options: FoundationErrorOptions, defaultCode = "FOUNDATION_ERROR") {
    const { code, context, message, ...rest } = options
    super({ message, code: code ?? defaultCode, context: context ?? {}, ...rest })
  }
}
Object.defineProperty(FoundationError.prototype, "name", {
  get(this: FoundationError) {
    return this._tag
  },
  configurable: true
})

/**
 * A bad or missing configuration value (`key` names it).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigurationError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "ConfigurationError" as const
  /** @since 0.1.0 */
  declare readonly key?: string
  constructor(options: FoundationErrorOptions & { readonly key?: string }) {
    super(options, "CONFIGURATION_ERROR")
  }
}

/**
 * Input that failed validation (`field`, `value`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "ValidationError" as const
  /** @since 0.1.0 */
  declare readonly field?: string
  /** @since 0.1.0 */
  declare readonly value?: unknown
  constructor(options: FoundationErrorOptions & { readonly field?: string; readonly value?: unknown }) {
    super(options, "VALIDATION_ERROR")
  }
}

/**
 * A failing external service (`service`, `endpoint`, `status`).
 *
 * @since 0.1.0
 * @category errors
 */
export class IntegrationError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "IntegrationError" as const
  /** @since 0.1.0 */
  declare readonly service?: string
  /** @since 0.1.0 */
  declare readonly endpoint?: string
  /** @since 0.1.0 */
  declare readonly status?: number
  constructor(
    options: FoundationErrorOptions & { readonly service?: string; readonly endpoint?: string; readonly status?: number }
  ) {
    super(options, "INTEGRATION_ERROR")
  }
}

/**
 * A network failure (`url`, `status`): connection refused, reset, bad gateway.
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "NetworkError" as const
  /** @since 0.1.0 */
  declare readonly url?: string
  /** @since 0.1.0 */
  declare readonly status?: number
  constructor(options: FoundationErrorOptions & { readonly url?: string; readonly status?: number }) {
    super(options, "NETWORK_ERROR")
  }
}

/**
 * An operation that ran out of time (`timeout_ms`).
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "TimeoutError" as const
  /** @since 0.1.0 */
  declare readonly timeout_ms?: number
  constructor(options: FoundationErrorOptions & { readonly timeout_ms?: number }) {
    super(options, "TIMEOUT_ERROR")
  }
}

/**
 * A missing resource (`resource`, `id`).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends FoundationError {
  /** @since 0.1.0 */
  override readonly _tag = "NotFoundError" as const
  /** @since 0.1.0 */
  declare readonly resource?: string
  /** @since 0.1.0 */
  declare readonly id?: string | number
  constructor(options: FoundationErrorOptions & { readonly resource?: string; readonly id?: string | number }) {
    super(options, "NOT_FOUND")
  }
}

// ---------------------------------------------------------------------------
// Log fields of an error
// ---------------------------------------------------------------------------

const skipped = new Set(["_tag", "message", "stack", "name", "cause", "context"])

/**
 * The log fields for an error: `error_tag`, `error_message`, the error's own
 * data fields under their names (e.g. `code`, `field`, `status`) and the
 * entries of its `context` record. Never throws.
 *
 * @since 0.1.0
 * @category utils
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

// ---------------------------------------------------------------------------
// withErrorHandling
// ---------------------------------------------------------------------------

type TagOf<E> = E extends { readonly _tag: infer T extends string } ? T : never

/**
 * Options of {@link withErrorHandling}.
 *
 * - `fallback(error)`: the value to succeed with instead of the failure.
 * - `logErrors` (default true): log one ERROR line with the error's tag,
 *   message and fields, `context`, and the cause (with its stack).
 * - `context`: extra fields for that line.
 * - `catchDefects` (default false): handle defects too (`fallback` then
 *   receives `unknown`).
 * - `only`: handle only these `_tag`s; other errors stay in E.
 * - `message` (default `"Operation failed, using fallback"`): the line's message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<In, B> {
  readonly fallback: (error: In) => B
  readonly logErrors?: boolean | undefined
  readonly context?: Log.LogFields | undefined
  readonly message?: string | undefined
}

const defaultMessage = "Operation failed, using fallback"

interface Compiled {
  readonly fallback: (error: unknown) => unknown
  readonly logErrors: boolean
  readonly context: Log.LogFields | undefined
  readonly message: string
  readonly catchDefects: boolean
  readonly only: ReadonlySet<string> | undefined
}

const handle = (
  self: Effect.Effect<unknown, unknown, unknown>,
  o: Compiled
): Effect.Effect<unknown, unknown, unknown> =>
  Effect.catchAllCause(self, (cause) => {
    // Interruption is never swallowed, and neither is a defect unless asked.
    if (Cause.isInterrupted(cause)) return Effect.failCause(cause)
    const hasDefect = Cause.isDie(cause)
    if (hasDefect && !o.catchDefects) return Effect.failCause(cause)
    const failure = Cause.failureOption(cause)
    let error: unknown
    let defect = false
    if (Option.isSome(failure)) {
      error = failure.value
      if (o.only !== undefined && !o.only.has(errorTag(error))) return Effect.failCause(cause)
    } else {
      const died = Cause.dieOption(cause)
      if (Option.isNone(died)) return Effect.failCause(cause)
      error = died.value
      defect = true
    }
    const recover = Effect.sync(() => o.fallback(error))
    if (!o.logErrors) return recover
    const fields = errorFields(error)
    if (defect) fields.defect = true
    return Effect.zipRight(Log.exception(o.message, cause, { ...fields, ...o.context }), recover)
  })

const compileOptions = (options: any): Compiled => {
  if (typeof options !== "object" || options === null || typeof options.fallback !== "function") {
    throw new Cause.IllegalArgumentException("withErrorHandling: `fallback` must be a function")
  }
  return {
    fallback: options.fallback,
    logErrors: options.logErrors ?? true,
    context: options.context,
    message: options.message ?? defaultMessage,
    catchDefects: options.catchDefects === true,
    only: options.only === undefined ? undefined : new Set<string>(options.only)
  }
}

/**
 * An error boundary: on a typed failure, logs one ERROR line (unless
 * `logErrors: false`) and succeeds with `fallback(error)`. The error type
 * becomes `never`; with `only: [tags]` it becomes the remaining tags.
 * `catchDefects: true` handles defects the same way. Interruption is never
 * swallowed.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation"
 * const load: Effect.Effect<string, ErrorHandling.NotFoundError | ErrorHandling.NetworkError> =
 *   Effect.fail(new ErrorHandling.NotFoundError({ message: "no such user", resource: "user", id: 7 }))
 * const cached = load.pipe(ErrorHandling.withErrorHandling({ fallback: () => "default", only: ["NotFoundError"] }))
 * // Effect<string, ErrorHandling.NetworkError>
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withErrorHandling: {
  <E, const K extends TagOf<E>, B>(
    options: Options<Extract<E, { readonly _tag: K }>, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects?: false | undefined
    }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  <E, const K extends TagOf<E>, B>(
    options: Options<Extract<E, { readonly _tag: K }> | unknown, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects: true
    }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  <E, B>(
    options: Options<E, B> & { readonly catchDefects?: false | undefined; readonly only?: undefined }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, never, R>
  <B>(
    options: Options<unknown, B> & { readonly catchDefects: true; readonly only?: undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, never, R>
  <A, E, R, const K extends TagOf<E>, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<Extract<E, { readonly _tag: K }>, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects?: false | undefined
    }
  ): Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  <A, E, R, const K extends TagOf<E>, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<unknown, B> & { readonly only: ReadonlyArray<K>; readonly catchDefects: true }
  ): Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  <A, E, R, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<E, B> & { readonly catchDefects?: false | undefined; readonly only?: undefined }
  ): Effect.Effect<A | B, never, R>
  <A, E, R, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<unknown, B> & { readonly catchDefects: true; readonly only?: undefined }
  ): Effect.Effect<A | B, never, R>
} = function(...args: Array<any>) {
  if (Effect.isEffect(args[0])) return handle(args[0] as never, compileOptions(args[1]))
  const compiled = compileOptions(args[0])
  return (self: Effect.Effect<unknown, unknown, unknown>) => handle(self, compiled)
} as any

/**
 * Logs a failure once and lets it through unchanged: the seed's
 * `except Exception: logger.exception(...); raise`. Typed failures, and
 * defects, are logged at ERROR with the error's fields, `context` and the
 * cause; interruption is not logged. A, E and R are unchanged.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation"
 * const op: Effect.Effect<string, Error> = Effect.fail(new Error("boom"))
 * const logged = op.pipe(ErrorHandling.logErrors({ message: "Operation failed" }))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const logErrors: {
  (
    options?: { readonly message?: string; readonly context?: Log.LogFields }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options?: { readonly message?: string; readonly context?: Log.LogFields }
  ): Effect.Effect<A, E, R>
} = function(...args: Array<any>) {
  const apply = (self: Effect.Effect<unknown, unknown, unknown>, options: any) =>
    Effect.tapErrorCause(self, (cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.void
      const failure = Cause.failureOption(cause)
      const error = Option.isSome(failure) ? failure.value : Option.getOrUndefined(Cause.dieOption(cause))
      const fields = errorFields(error)
      if (Option.isNone(failure)) fields.defect = true
      return Log.exception(options?.message ?? "Operation failed", cause, { ...fields, ...options?.context })
    })
  if (Effect.isEffect(args[0])) return apply(args[0] as never, args[1])
  return (self: Effect.Effect<unknown, unknown, unknown>) => apply(self, args[0])
} as any
