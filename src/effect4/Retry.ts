/**
 * Retries with backoff, as effect 4 `Schedule`s: the counterpart of provide.foundation's
 * `with_retry(max_attempts, delay, backoff, log_retries)`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation/effect4"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const resilient = callApi.pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2 }))
 * ```
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import * as internal from "./internal/retry.js"

/**
 * How waits grow between attempts. A number is an exponential factor
 * (`delay * factor^(retry - 1)`; `1` is fixed). `"fixed"`: always `delay`.
 * `"linear"`: `delay * retry`. `"exponential"`: factor 2. `"fibonacci"`:
 * `delay * 1, 1, 2, 3, 5, ...`.
 *
 * @since 0.2.0
 * @category models
 */
export type Backoff = number | "fixed" | "linear" | "exponential" | "fibonacci"

/**
 * Randomisation of the waits, drawn from Effect's `Random` service (so a
 * seeded `Random` makes it reproducible). `"none"`: exact waits. `"full"`:
 * uniform in `[0, min(maxDelay, wait)]` (AWS's "full jitter").
 * `"decorrelated"`: uniform in `[delay, min(maxDelay, 3 * previous wait)]`
 * (the backoff strategy is not used). `maxDelay` is applied before the draw,
 * so once the waits reach it they spread under it instead of bunching at it.
 *
 * @since 0.2.0
 * @category models
 */
export type Jitter = "none" | "full" | "decorrelated"

/**
 * A retry policy. Every field is optional; the defaults follow provide.foundation:
 * 3 attempts, 1 second, backoff factor 2, no jitter, retry lines logged.
 *
 * @since 0.2.0
 * @category models
 */
export interface RetryPolicy<E = unknown> {
  /** Attempts, not retries: 3 means at most 3 runs. Integer >= 1. Default 3. */
  readonly maxAttempts?: number | undefined
  /** The first wait. Default 1 second. */
  readonly delay?: Duration.Input | undefined
  /** Growth of the waits. Default 2 (exponential). */
  readonly backoff?: Backoff | undefined
  /** Cap on every wait; jitter is drawn under it. Must be >= `delay`. Default none. */
  readonly maxDelay?: Duration.Input | undefined
  /** Default `"none"`. */
  readonly jitter?: Jitter | undefined
  /**
   * Which typed errors are retried: a predicate or a list of `_tag`s (plain
   * `Error`s match by `name`). Others fail at once, without a log line. Default: all.
   */
  readonly retryOn?: ((error: E) => boolean) | ReadonlyArray<string> | undefined
  /**
   * Total budget: no retry starts later than this after the first attempt
   * started (`withRetry`) or first failed (`schedule` on its own). Default none.
   */
  readonly maxElapsed?: Duration.Input | undefined
  /**
   * Log one WARN line per retry and one ERROR line on exhaustion (see
   * {@link logged} for what is logged when the schedule is composed). Default true.
   */
  readonly logRetries?: boolean | undefined
}

/**
 * The policy as a `Schedule` whose input is the failure and whose output is
 * the wait before the next attempt. Use it with `Effect.retry`.
 *
 * What it logs (unless `logRetries: false`): the lines of {@link logged},
 * from its own decision. Given to `Effect.retry` as it is, that is the final
 * decision and the lines are exact. Composed with other schedules, its
 * decision may be overridden (`Schedule.max([policy, Schedule.recurs(1)])`
 * stops after one retry although the policy asked for more), so its own lines
 * would describe retries that do not happen: wrap the composed schedule in
 * {@link logged}, which logs from the composition's final decision and
 * silences this one.
 *
 * An invalid policy (maxAttempts < 1 or not an integer, a negative or
 * unparsable duration, maxDelay < delay, backoff factor < 1, unknown jitter)
 * never throws: it makes a schedule that dies with an
 * `IllegalArgumentError` naming the option at its first step (`Retry
 * option maxAttempts: invalid value 0; accepted: a whole number >= 1
 * (attempts, not retries)`), so the effect it drives dies when it first fails.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation/effect4"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const program = Effect.retry(callApi, Retry.schedule({ maxAttempts: 5, delay: "100 millis", jitter: "full" }))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const schedule: <E = unknown>(policy?: RetryPolicy<E>) => Schedule.Schedule<Duration.Duration, E> =
  internal.schedule

/**
 * Adds the retry lines to any schedule given to `Effect.retry`, written from
 * that schedule's final decision at each failure:
 *
 * - WARN "Retrying" (`attempt`, `max_attempts`, `delay_ms`, `error_tag`,
 *   `error_message`) only when a retry will actually happen;
 * - ERROR "Retry attempts exhausted" (`attempts`, `max_attempts`, `reason`,
 *   `elapsed_ms`, `error_tag`, `error_message`) when the schedule gives up.
 *   `reason` is the policy's (`max_attempts`, `max_elapsed`) when a
 *   {@link schedule} inside stopped it, else `schedule` (another part of the
 *   composition did). No line when a policy's `retryOn` refused the error.
 *
 * `max_attempts` comes from a {@link schedule} inside, and is left out when
 * there is none. The lines of the {@link schedule}s inside are not written
 * (whatever their `logRetries`): only the outermost layer logs, so nothing is
 * logged twice.
 *
 * Why it exists: a `Schedule` only sees its own decision. `schedule(policy)`
 * logs from its decision, which is the final one when it is the whole
 * schedule; composed with others (`Schedule.max`, `Schedule.min`,
 * `Effect.retry`'s `times` / `while` / `until`), its decision can be
 * overridden, and its lines would announce retries that do not happen (or
 * miss ones that do). Compose first, then wrap the result in `logged`; and
 * rather than `Effect.retry({ schedule, times })`, put
 * `Schedule.max([..., Schedule.recurs(times)])` inside `logged`.
 *
 * @example
 * ```ts
 * import { Effect, Schedule } from "effect"
 * import { Retry } from "effect-foundation/effect4"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("down"))
 * const policy = Retry.schedule({ maxAttempts: 5, delay: "100 millis", jitter: "full" })
 * const program = Effect.retry(callApi, Retry.logged(Schedule.max([policy, Schedule.recurs(2)])))
 * // at most 2 retries: 2 "Retrying" lines, then "Retry attempts exhausted" reason=schedule
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const logged: <Out, In, E, R>(self: Schedule.Schedule<Out, In, E, R>) => Schedule.Schedule<Out, In, E, R> = (
  self
) => internal.logged(self)

/**
 * Runs `self` up to `maxAttempts` times with the policy's waits. On
 * exhaustion (or a failure `retryOn` rejects) it fails with the last original
 * error: A, E and R are unchanged. Defects and interruption are never
 * retried; an interruption during a wait stops at once.
 *
 * Data-first and data-last. The policy is checked once, when `withRetry` is
 * called, and it never throws: an invalid policy (see {@link schedule}) makes
 * an effect that dies with an `IllegalArgumentError` naming the option,
 * without running `self`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation/effect4"
 * const makeRequest: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const unstable = makeRequest.pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2, logRetries: true }))
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const withRetry: {
  /**
   * Runs `self` up to `maxAttempts` times with the policy's waits. On
   * exhaustion (or a failure `retryOn` rejects) it fails with the last original
   * error: A, E and R are unchanged. Defects and interruption are never
   * retried; an interruption during a wait stops at once.
   *
   * Data-last: `effect.pipe(Retry.withRetry(…))`.
   */
  (
    policy?: RetryPolicy<unknown> & { readonly retryOn?: ReadonlyArray<string> | undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Runs `self` up to `maxAttempts` times with the policy's waits. On
   * exhaustion (or a failure `retryOn` rejects) it fails with the last original
   * error: A, E and R are unchanged. Defects and interruption are never
   * retried; an interruption during a wait stops at once.
   *
   * Data-last: `effect.pipe(Retry.withRetry(…))`.
   */
  <E>(policy: RetryPolicy<E>): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Runs `self` up to `maxAttempts` times with the policy's waits. On
   * exhaustion (or a failure `retryOn` rejects) it fails with the last original
   * error: A, E and R are unchanged. Defects and interruption are never
   * retried; an interruption during a wait stops at once.
   *
   * Data-first: `Retry.withRetry(effect, …)`.
   */
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy<NoInfer<E>>): Effect.Effect<A, E, R>
} = internal.withRetry
