/**
 * Error boundaries on the typed error channel (effect 4): the counterpart of provide.foundation's
 * `with_error_handling(fallback, log_errors)`, plus a tagged error family
 * (`FoundationError` and common subclasses) whose fields render in logs.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation/effect4"
 * const externalApiCall: Effect.Effect<string, ErrorHandling.NetworkError> = Effect.fail(
 *   new ErrorHandling.NetworkError({ message: "connection refused" })
 * )
 * const risky = externalApiCall.pipe(ErrorHandling.withErrorHandling({ fallback: () => null }))
 * // Effect<string | null, never>
 * ```
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import * as coreErrors from "../core/errors.js"
import * as internal from "./internal/errorHandling.js"
import * as errors from "./internal/errors.js"
import type * as Log from "./Log.js"

// ---------------------------------------------------------------------------
// Tagged errors
// ---------------------------------------------------------------------------

/**
 * What every `FoundationError` is built from. `code` defaults per class
 * (`"VALIDATION_ERROR"`, ...); `context` is free-form data that is spread into
 * the error's log line.
 *
 * @since 0.2.0
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
 * `context` record. Its `_tag` is `"FoundationError"`, typed `string` so that
 * subclasses can narrow it; the subclasses below, and those made with
 * {@link TaggedError}, have a literal `_tag`, so `Effect.catchTag` and
 * `withErrorHandling({ only })` work on them. `name` follows `_tag`.
 *
 * @example
 * ```ts
 * import { ErrorHandling } from "effect-foundation/effect4"
 * class PaymentError extends ErrorHandling.FoundationError {
 *   override readonly _tag = "PaymentError" as const
 * }
 * const e = new PaymentError({ message: "card declined", code: "DECLINED", context: { order_id: 7 } })
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export const FoundationError: typeof errors.FoundationError = errors.FoundationError

/**
 * @since 0.2.0
 * @category errors
 */
export type FoundationError = errors.FoundationError

/**
 * The family's counterpart of `Data.TaggedError`: a {@link FoundationError}
 * subclass with the literal `_tag` `tag` and `defaultCode` (default
 * `"FOUNDATION_ERROR"`) when no `code` is given. The type argument declares
 * the error's own fields, which show in its log line under their names.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation/effect4"
 * class PaymentError extends ErrorHandling.TaggedError("PaymentError", "PAYMENT_ERROR")<{
 *   readonly order_id?: number
 * }> {}
 * const handled = Effect.fail(new PaymentError({ message: "declined", order_id: 7 })).pipe(
 *   Effect.catchTag("PaymentError", (e) => Effect.succeed(e.order_id))
 * )
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const TaggedError: <Tag extends string>(tag: Tag, defaultCode?: string) => TaggedErrorConstructor<Tag> =
  errors.TaggedError

/**
 * The fields every {@link FoundationError} has, which a {@link TaggedError}'s
 * own fields cannot redeclare.
 *
 * @since 0.2.0
 * @category models
 */
export type ReservedField = "_tag" | "message" | "code" | "context" | "cause"

/**
 * An instance of a class made by {@link TaggedError}: a {@link FoundationError}
 * with the literal `_tag` and its own fields `A`.
 *
 * @since 0.2.0
 * @category models
 */
export type TaggedFoundationError<Tag extends string, A> =
  & FoundationError
  & { readonly _tag: Tag }
  & Readonly<Omit<A, ReservedField>>

/**
 * The class that {@link TaggedError} returns: its type argument declares the
 * error's own fields, given to the constructor beside `message`, `code`,
 * `context` and `cause`.
 *
 * @since 0.2.0
 * @category models
 */
export interface TaggedErrorConstructor<Tag extends string> {
  new<A extends Record<string, any> = {}>(
    options: FoundationErrorOptions & { readonly [K in keyof A as K extends ReservedField ? never : K]: A[K] }
  ): TaggedFoundationError<Tag, A>
}

/**
 * A bad or missing configuration value (`key` names it). Code `CONFIGURATION_ERROR`.
 *
 * @since 0.2.0
 * @category errors
 */
export const ConfigurationError: typeof errors.ConfigurationError = errors.ConfigurationError

/**
 * @since 0.2.0
 * @category errors
 */
export type ConfigurationError = errors.ConfigurationError

/**
 * Input that failed validation (`field`, `value`). Code `VALIDATION_ERROR`.
 *
 * @since 0.2.0
 * @category errors
 */
export const ValidationError: typeof errors.ValidationError = errors.ValidationError

/**
 * @since 0.2.0
 * @category errors
 */
export type ValidationError = errors.ValidationError

/**
 * A failing external service (`service`, `endpoint`, `status`). Code `INTEGRATION_ERROR`.
 *
 * @since 0.2.0
 * @category errors
 */
export const IntegrationError: typeof errors.IntegrationError = errors.IntegrationError

/**
 * @since 0.2.0
 * @category errors
 */
export type IntegrationError = errors.IntegrationError

/**
 * A network failure (`url`, `status`): connection refused, reset, bad gateway. Code `NETWORK_ERROR`.
 *
 * @since 0.2.0
 * @category errors
 */
export const NetworkError: typeof errors.NetworkError = errors.NetworkError

/**
 * @since 0.2.0
 * @category errors
 */
export type NetworkError = errors.NetworkError

/**
 * An operation that ran out of time (`timeout_ms`). Code `TIMEOUT_ERROR`.
 *
 * @since 0.2.0
 * @category errors
 */
export const TimeoutError: typeof errors.TimeoutError = errors.TimeoutError

/**
 * @since 0.2.0
 * @category errors
 */
export type TimeoutError = errors.TimeoutError

/**
 * A missing resource (`resource`, `id`). Code `NOT_FOUND`.
 *
 * @since 0.2.0
 * @category errors
 */
export const NotFoundError: typeof errors.NotFoundError = errors.NotFoundError

/**
 * @since 0.2.0
 * @category errors
 */
export type NotFoundError = errors.NotFoundError

// ---------------------------------------------------------------------------
// Log fields of an error
// ---------------------------------------------------------------------------

/**
 * The log fields for an error: `error_tag`, `error_message`, the error's own
 * data fields under their names (e.g. `code`, `field`, `status`) and the
 * entries of its `context` record. Never throws.
 *
 * @since 0.2.0
 * @category utils
 */
export const errorFields: (error: unknown) => Record<string, unknown> = coreErrors.errorFields

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
 * @since 0.2.0
 * @category models
 */
export interface Options<In, B> {
  readonly fallback: (error: In) => B
  readonly logErrors?: boolean | undefined
  readonly context?: Log.LogFields | undefined
  readonly message?: string | undefined
}

/**
 * An error boundary: on a typed failure, logs one ERROR line (unless
 * `logErrors: false`) and succeeds with `fallback(error)`. The error type
 * becomes `never`; with `only: [tags]` it becomes the remaining tags.
 * `catchDefects: true` handles defects the same way.
 *
 * Interruption: the interruption of the fiber running the boundary (by
 * another fiber, e.g. an enclosing `Effect.timeout`) passes through, and so
 * does a cause that holds nothing but interruption. Failures beside
 * interruptions that stayed inside (`Effect.all` interrupts the siblings of
 * the first failure) are handled: one line with the whole cause, then the
 * fallback. With several failures the first one decides (as with
 * `Effect.catchTag`). A defect passes through unless `catchDefects`; the
 * typed failures beside it are then dropped from the cause, so that none
 * reaches a caller whose E no longer has it.
 *
 * The options are checked once, when `withErrorHandling` is called, and it
 * never throws: without a `fallback` function (or with options that are not
 * an object) the effect it returns dies with an `IllegalArgumentError`
 * naming the option (`ErrorHandling.withErrorHandling option fallback:
 * invalid value undefined; accepted: a function`), without running `self`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation/effect4"
 * const load: Effect.Effect<string, ErrorHandling.NotFoundError | ErrorHandling.NetworkError> = Effect.fail(
 *   new ErrorHandling.NotFoundError({ message: "no such user" })
 * )
 * const cached = load.pipe(ErrorHandling.withErrorHandling({ fallback: () => "default", only: ["NotFoundError"] }))
 * // Effect<string, ErrorHandling.NetworkError>
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const withErrorHandling: {
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-last: `effect.pipe(ErrorHandling.withErrorHandling(…))`.
   */
  <E, const K extends TagOf<E>, B>(
    options: Options<Extract<E, { readonly _tag: K }>, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects?: false | undefined
    }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-last: `effect.pipe(ErrorHandling.withErrorHandling(…))`.
   */
  <E, const K extends TagOf<E>, B>(
    options: Options<Extract<E, { readonly _tag: K }> | unknown, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects: true
    }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-last: `effect.pipe(ErrorHandling.withErrorHandling(…))`.
   */
  <E, B>(
    options: Options<E, B> & { readonly catchDefects?: false | undefined; readonly only?: undefined }
  ): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, never, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-last: `effect.pipe(ErrorHandling.withErrorHandling(…))`.
   */
  <B>(
    options: Options<unknown, B> & { readonly catchDefects: true; readonly only?: undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | B, never, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-first: `ErrorHandling.withErrorHandling(effect, …)`.
   */
  <A, E, R, const K extends TagOf<E>, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<Extract<E, { readonly _tag: K }>, B> & {
      readonly only: ReadonlyArray<K>
      readonly catchDefects?: false | undefined
    }
  ): Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-first: `ErrorHandling.withErrorHandling(effect, …)`.
   */
  <A, E, R, const K extends TagOf<E>, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<unknown, B> & { readonly only: ReadonlyArray<K>; readonly catchDefects: true }
  ): Effect.Effect<A | B, Exclude<E, { readonly _tag: K }>, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-first: `ErrorHandling.withErrorHandling(effect, …)`.
   */
  <A, E, R, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<E, B> & { readonly catchDefects?: false | undefined; readonly only?: undefined }
  ): Effect.Effect<A | B, never, R>
  /**
   * An error boundary: on a typed failure, logs one ERROR line (unless
   * `logErrors: false`) and succeeds with `fallback(error)`. The error type
   * becomes `never`; with `only: [tags]` it becomes the remaining tags.
   * `catchDefects: true` handles defects the same way.
   *
   * Data-first: `ErrorHandling.withErrorHandling(effect, …)`.
   */
  <A, E, R, B>(
    self: Effect.Effect<A, E, R>,
    options: Options<unknown, B> & { readonly catchDefects: true; readonly only?: undefined }
  ): Effect.Effect<A | B, never, R>
} = internal.withErrorHandling

/**
 * Logs a failure once and lets it through unchanged: provide.foundation's
 * `except Exception: logger.exception(...); raise`. Typed failures, and
 * defects, are logged at ERROR with the error's fields, `context` and the
 * cause, also when interruptions came with them (siblings interrupted by
 * `Effect.all`); a cause of interruptions alone is not logged. A, E and R are
 * unchanged.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ErrorHandling } from "effect-foundation/effect4"
 * const op: Effect.Effect<string, Error> = Effect.fail(new Error("boom"))
 * const logged = op.pipe(ErrorHandling.logErrors({ message: "Operation failed" }))
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const logErrors: {
  /**
   * Logs a failure once and lets it through unchanged: provide.foundation's
   * `except Exception: logger.exception(...); raise`. Typed failures, and
   * defects, are logged at ERROR with the error's fields, `context` and the
   * cause, also when interruptions came with them (siblings interrupted by
   * `Effect.all`); a cause of interruptions alone is not logged. A, E and R are
   * unchanged.
   *
   * Data-last: `effect.pipe(ErrorHandling.logErrors(…))`.
   */
  (
    options?: { readonly message?: string; readonly context?: Log.LogFields }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Logs a failure once and lets it through unchanged: provide.foundation's
   * `except Exception: logger.exception(...); raise`. Typed failures, and
   * defects, are logged at ERROR with the error's fields, `context` and the
   * cause, also when interruptions came with them (siblings interrupted by
   * `Effect.all`); a cause of interruptions alone is not logged. A, E and R are
   * unchanged.
   *
   * Data-first: `ErrorHandling.logErrors(effect, …)`.
   */
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options?: { readonly message?: string; readonly context?: Log.LogFields }
  ): Effect.Effect<A, E, R>
} = internal.logErrors
