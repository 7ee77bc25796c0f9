/**
 * A circuit breaker (closed, open, half-open) built on effect 4's `Ref` and `Clock`, so
 * `TestClock` drives it and any number of fibers can share one.
 *
 * - Closed: calls run; `failureThreshold` consecutive failures open it.
 * - Open: calls fail at once with `CircuitOpenError` (carrying `retryAt`)
 *   until the open period ends. The period starts at `resetTimeout` and grows
 *   by `backoffFactor` on every consecutive trip, up to `maxResetTimeout`.
 * - Half-open: at most `halfOpenMaxCalls` trial calls run, the rest are
 *   rejected. When all trials succeed it closes (and the period resets); any
 *   trial failure opens it again with a longer period.
 *
 * Failures are typed failures accepted by `isFailure` (default: all) and
 * defects; interruption counts as neither (a half-open trial slot is freed).
 * A typed failure that `isFailure` rejects counts as a success.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CircuitBreaker } from "effect-foundation/effect4"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("down"))
 * const program = Effect.gen(function*() {
 *   const breaker = yield* CircuitBreaker.make({ failureThreshold: 5, resetTimeout: "30 seconds" })
 *   return yield* breaker.protect(callApi)
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as internal from "./internal/circuitBreaker.js"

/**
 * Raised instead of running the call while the breaker is open, or half-open
 * with every trial slot taken. `retryAt` is when the open period ends (for a
 * half-open rejection: now, the trials decide).
 *
 * @since 0.2.0
 * @category errors
 */
export const CircuitOpenError: typeof internal.CircuitOpenError = internal.CircuitOpenError

/**
 * @since 0.2.0
 * @category errors
 */
export type CircuitOpenError = internal.CircuitOpenError

/**
 * Options of {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Consecutive failures that open a closed breaker. Integer >= 1. Default 5. */
  readonly failureThreshold?: number | undefined
  /** The first open period: a finite duration >= 0. Default 30 seconds. */
  readonly resetTimeout?: Duration.Input | undefined
  /** Growth of the open period on each consecutive trip. >= 1. Default 2. */
  readonly backoffFactor?: number | undefined
  /** Cap on the open period: finite, >= resetTimeout. Default 10 × resetTimeout. */
  readonly maxResetTimeout?: Duration.Input | undefined
  /** Trial calls allowed while half-open (all must succeed to close). Integer >= 1. Default 1. */
  readonly halfOpenMaxCalls?: number | undefined
  /** Which typed failures count as failures. Default: all. Defects always count. */
  readonly isFailure?: ((error: unknown) => boolean) | undefined
  /** Name in log lines and errors. Default "circuit". */
  readonly name?: string | undefined
}

/**
 * The breaker's state, as read by `breaker.state`.
 *
 * @since 0.2.0
 * @category models
 */
export type State =
  | { readonly _tag: "Closed"; readonly failures: number }
  | { readonly _tag: "Open"; readonly openedAt: Date; readonly retryAt: Date; readonly trips: number }
  | { readonly _tag: "HalfOpen"; readonly trips: number; readonly admitted: number; readonly succeeded: number }

/**
 * A breaker. `protect` wraps an effect; `state` reads the state (moving an
 * expired open state to half-open); `reset` closes it.
 *
 * @since 0.2.0
 * @category models
 */
export interface CircuitBreaker {
  readonly name: string
  readonly protect: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpenError, R>
  readonly state: Effect.Effect<State>
  readonly reset: Effect.Effect<void>
}

/**
 * Makes a breaker. It never throws: invalid options make an effect that dies
 * with an `IllegalArgumentError` naming the option (`CircuitBreaker
 * option failureThreshold: invalid value 0; accepted: a whole number >= 1`):
 * non-integer or < 1 thresholds, negative,
 * NaN or infinite durations (`resetTimeout: Infinity` would never half-open:
 * use a long finite period, and `breaker.reset` to close it by hand), a
 * backoffFactor that is < 1 or not finite, maxResetTimeout < resetTimeout.
 * An open period that would end after the last instant a `Date` can hold
 * (year 275760) ends then.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<CircuitBreaker> = internal.make

/**
 * Runs `self` through `breaker` (the same as `breaker.protect(self)`).
 * Data-first and data-last.
 *
 * @since 0.2.0
 * @category combinators
 */
export const withCircuitBreaker: {
  /**
   * Runs `self` through `breaker` (the same as `breaker.protect(self)`).
   * Data-first and data-last.
   *
   * Data-last: `effect.pipe(CircuitBreaker.withCircuitBreaker(…))`.
   */
  (breaker: CircuitBreaker): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpenError, R>
  /**
   * Runs `self` through `breaker` (the same as `breaker.protect(self)`).
   * Data-first and data-last.
   *
   * Data-first: `CircuitBreaker.withCircuitBreaker(effect, …)`.
   */
  <A, E, R>(self: Effect.Effect<A, E, R>, breaker: CircuitBreaker): Effect.Effect<A, E | CircuitOpenError, R>
} = internal.withCircuitBreaker
