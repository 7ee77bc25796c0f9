/**
 * Retries with backoff, as Effect `Schedule`s: the counterpart of the seed's
 * `with_retry(max_attempts, delay, backoff, log_retries)`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const resilient = callApi.pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2 }))
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import {
  compile,
  type CompiledPolicy,
  errorMessage,
  errorTag,
  type JitterMode,
  nextDelay
} from "./internal/retryPolicy.js"
import * as Log from "./Log.js"

/**
 * How waits grow between attempts. A number is an exponential factor
 * (`delay * factor^(retry - 1)`; `1` is fixed). `"fixed"`: always `delay`.
 * `"linear"`: `delay * retry`. `"exponential"`: factor 2. `"fibonacci"`:
 * `delay * 1, 1, 2, 3, 5, ...`.
 *
 * @since 0.1.0
 * @category models
 */
export type Backoff = number | "fixed" | "linear" | "exponential" | "fibonacci"

/**
 * Randomisation of the waits, drawn from Effect's `Random` service (so a
 * seeded `Random` makes it reproducible). `"none"`: exact waits. `"full"`:
 * uniform in `[0, wait]`. `"decorrelated"`: uniform in
 * `[delay, 3 * previous wait]` (the backoff strategy is not used).
 * `maxDelay` is applied after jitter.
 *
 * @since 0.1.0
 * @category models
 */
export type Jitter = JitterMode

/**
 * A retry policy. Every field is optional; the defaults follow the seed:
 * 3 attempts, 1 second, backoff factor 2, no jitter, retry lines logged.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy<E = unknown> {
  /** Attempts, not retries: 3 means at most 3 runs. Integer >= 1. Default 3. */
  readonly maxAttempts?: number | undefined
  /** The first wait. Default 1 second. */
  readonly delay?: Duration.DurationInput | undefined
  /** Growth of the waits. Default 2 (exponential). */
  readonly backoff?: Backoff | undefined
  /** Cap on every wait, applied after jitter. Must be >= `delay`. Default none. */
  readonly maxDelay?: Duration.DurationInput | undefined
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
  readonly maxElapsed?: Duration.DurationInput | undefined
  /** Log one WARN line per retry and one ERROR line on exhaustion. Default true. */
  readonly logRetries?: boolean | undefined
}

interface State {
  readonly retries: number
  readonly previous: number
  readonly start: number
}

type Step = readonly [State, Duration.Duration, ScheduleDecision.ScheduleDecision]

const build = <E>(policy: CompiledPolicy, startedAt: number | undefined): Schedule.Schedule<Duration.Duration, E> =>
  Schedule.makeWithState<State, E, Duration.Duration>(
    { retries: 0, previous: policy.delayMs, start: startedAt ?? -1 },
    (now, error, state) =>
      Effect.suspend((): Effect.Effect<Step> => {
        const attempt = state.retries + 1
        const start = state.start < 0 ? now : state.start
        const stop = (reason: "max_attempts" | "max_elapsed"): Effect.Effect<Step> => {
          const result: Step = [state, Duration.zero, ScheduleDecision.done]
          if (!policy.logRetries) return Effect.succeed(result)
          return Effect.as(
            Log.error("Retry attempts exhausted", {
              attempts: attempt,
              max_attempts: policy.maxAttempts,
              reason,
              elapsed_ms: now - start,
              error_tag: errorTag(error),
              error_message: errorMessage(error)
            }),
            result
          )
        }
        if (!policy.retryOn(error)) return Effect.succeed([state, Duration.zero, ScheduleDecision.done])
        if (attempt >= policy.maxAttempts) return stop("max_attempts")
        const draw = policy.jitter === "none" ? Effect.succeed(0) : Random.next
        return Effect.flatMap(draw, (u) => {
          const delay = nextDelay(policy, attempt, u, state.previous)
          if (now - start + delay > policy.maxElapsedMs) return stop("max_elapsed")
          const result: Step = [
            { retries: attempt, previous: delay, start },
            Duration.millis(delay),
            ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))
          ]
          if (!policy.logRetries) return Effect.succeed(result)
          return Effect.as(
            Log.warning("Retrying", {
              attempt,
              max_attempts: policy.maxAttempts,
              delay_ms: delay,
              error_tag: errorTag(error),
              error_message: errorMessage(error)
            }),
            result
          )
        })
      })
  )

/**
 * The policy as a `Schedule` whose input is the failure and whose output is
 * the wait before the next attempt. Use it with `Effect.retry`; it logs the
 * retry and exhaustion lines itself (unless `logRetries: false`).
 *
 * Throws `IllegalArgumentException` synchronously, when called, for an invalid
 * policy (maxAttempts < 1 or not an integer, a negative or unparsable
 * duration, maxDelay < delay, backoff factor < 1, unknown jitter).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation"
 * const callApi: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const program = Effect.retry(callApi, Retry.schedule({ maxAttempts: 5, delay: "100 millis", jitter: "full" }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const schedule = <E = unknown>(policy: RetryPolicy<E> = {}): Schedule.Schedule<Duration.Duration, E> =>
  build<E>(compile(policy), undefined)

const retrying = <A, E, R>(self: Effect.Effect<A, E, R>, policy: CompiledPolicy): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => Effect.retry(self, build<E>(policy, start)))

/**
 * Runs `self` up to `maxAttempts` times with the policy's waits. On
 * exhaustion (or a failure `retryOn` rejects) it fails with the last original
 * error: A, E and R are unchanged. Defects and interruption are never
 * retried; an interruption during a wait stops at once.
 *
 * Data-first and data-last. Throws `IllegalArgumentException` synchronously
 * when called with an invalid policy (see {@link schedule}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Retry } from "effect-foundation"
 * const makeRequest: Effect.Effect<string, Error> = Effect.fail(new Error("unavailable"))
 * const unstable = makeRequest.pipe(Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2, logRetries: true }))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRetry: {
  (
    policy?: RetryPolicy<unknown> & { readonly retryOn?: ReadonlyArray<string> | undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <E>(policy: RetryPolicy<E>): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy<NoInfer<E>>): Effect.Effect<A, E, R>
} = function(...args: Array<any>) {
  if (Effect.isEffect(args[0])) return retrying(args[0], compile(args[1] ?? {}))
  const policy = compile(args[0] ?? {})
  return (self: Effect.Effect<unknown, unknown, unknown>) => retrying(self, policy)
} as any
