/**
 * Retry policies: validation, the delay arithmetic, the policy as a
 * `Schedule`, and the logging layer that writes the retry lines from the
 * final decision of the schedule it wraps.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import { rootBinding } from "../core/record.js"
import type * as Retry from "../Retry.js"
import { errorMessage, errorTag } from "./errors.js"
import {
  checkOptions,
  duration,
  integerAtLeast,
  invalidOption,
  numberAtLeast,
  oneOf,
  option,
  orDie,
  type Parser
} from "./parse.js"
import { logEntry } from "./record.js"

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/** @internal */
export type Strategy =
  | { readonly _tag: "fixed" }
  | { readonly _tag: "linear" }
  | { readonly _tag: "exponential"; readonly factor: number }
  | { readonly _tag: "fibonacci" }

/** @internal */
export type JitterMode = "none" | "full" | "decorrelated"

/** @internal */
export interface CompiledPolicy {
  readonly maxAttempts: number
  readonly delayMs: number
  readonly strategy: Strategy
  readonly maxDelayMs: number
  readonly jitter: JitterMode
  readonly retryOn: (error: unknown) => boolean
  readonly maxElapsedMs: number
  readonly logRetries: boolean
}

const where = "Retry"

const backoffAccepted = "a factor >= 1 or one of \"fixed\", \"linear\", \"exponential\", \"fibonacci\""

const aBackoff: Parser<Strategy> = {
  accepted: backoffAccepted,
  parse: (backoff) => {
    if (backoff === "exponential") return { _tag: "exponential", factor: 2 }
    if (backoff === "fixed" || backoff === "linear" || backoff === "fibonacci") return { _tag: backoff }
    const factor = numberAtLeast(1).parse(backoff)
    if (factor === undefined) return undefined
    return factor === 1 ? { _tag: "fixed" } : { _tag: "exponential", factor }
  }
}

const aRetryOn: Parser<(error: unknown) => boolean> = {
  accepted: "a predicate or a list of error tags",
  parse: (retryOn) => {
    if (typeof retryOn === "function") return retryOn as (error: unknown) => boolean
    if (!Array.isArray(retryOn) || !retryOn.every((t) => typeof t === "string")) return undefined
    const tags = new Set<string>(retryOn)
    return (error) => tags.has(errorTag(error))
  }
}

const anyDuration = duration("non-negative")

/**
 * The policy, checked and with its defaults. Throws `IllegalArgumentException`
 * in the one wording (`Retry option maxAttempts: invalid value 0; accepted:
 * ...`); the public functions turn it into a defect when run.
 *
 * @internal
 */
export const compile = (policy: Retry.RetryPolicy<any>): CompiledPolicy => {
  if (typeof policy !== "object" || policy === null) {
    throw invalidOption("", "Retry policy", policy, "an options object")
  }
  const maxAttempts = option(
    where,
    "maxAttempts",
    policy.maxAttempts ?? 3,
    integerAtLeast(1, "a whole number >= 1 (attempts, not retries)")
  )
  const delayMs = option(where, "delay", policy.delay ?? 1000, duration("finite"))
  const maxDelayMs = policy.maxDelay === undefined ? Infinity : option(where, "maxDelay", policy.maxDelay, anyDuration)
  if (maxDelayMs < delayMs) {
    throw invalidOption(where, "maxDelay", policy.maxDelay, `a duration >= delay (${delayMs} ms)`)
  }
  const maxElapsedMs = policy.maxElapsed === undefined
    ? Infinity
    : option(where, "maxElapsed", policy.maxElapsed, anyDuration)
  const jitter = option(where, "jitter", policy.jitter ?? "none", oneOf<JitterMode>(["none", "full", "decorrelated"]))
  const strategy = option(where, "backoff", policy.backoff ?? "exponential", aBackoff)
  const retryOn = policy.retryOn === undefined ? () => true : option(where, "retryOn", policy.retryOn, aRetryOn)
  return {
    maxAttempts,
    delayMs,
    strategy,
    maxDelayMs,
    jitter,
    retryOn,
    maxElapsedMs,
    logRetries: policy.logRetries ?? true
  }
}

// ---------------------------------------------------------------------------
// Delays
// ---------------------------------------------------------------------------

const fibonacci = (n: number): number => {
  let a = 1
  let b = 1
  for (let i = 1; i < n; i++) {
    const next = a + b
    a = b
    b = next
  }
  return a
}

/** The un-jittered wait before retry number `retry` (1-based). @internal */
export const baseDelay = (policy: CompiledPolicy, retry: number): number => {
  const d = policy.delayMs
  switch (policy.strategy._tag) {
    case "fixed":
      return d
    case "linear":
      return d * retry
    case "exponential":
      return d * Math.pow(policy.strategy.factor, retry - 1)
    case "fibonacci":
      return d * fibonacci(retry)
  }
}

/**
 * The wait before retry number `retry`, given a uniform random number `u` in
 * [0, 1) and the previous wait (for decorrelated jitter). The cap applies
 * before the draw, so jittered waits spread over the whole range under
 * `maxDelay` instead of bunching at it:
 *
 * - full: `u * min(cap, base)` (AWS's "full jitter")
 * - decorrelated: `delay + u * (min(cap, 3 * previous) - delay)`
 *
 * Whole milliseconds.
 *
 * @internal
 */
export const nextDelay = (policy: CompiledPolicy, retry: number, u: number, previous: number): number => {
  const cap = policy.maxDelayMs
  switch (policy.jitter) {
    case "none":
      return Math.min(Math.round(baseDelay(policy, retry)), cap)
    case "full":
      return Math.min(Math.round(u * Math.min(cap, baseDelay(policy, retry))), cap)
    case "decorrelated": {
      const low = policy.delayMs
      const high = Math.min(cap, Math.max(low, previous * 3))
      return Math.min(Math.round(low + u * (high - low)), cap)
    }
  }
}

// ---------------------------------------------------------------------------
// The policy as a schedule
// ---------------------------------------------------------------------------

type StopReason = "max_attempts" | "max_elapsed" | "not_retryable"

/**
 * What the policies inside a logging layer's schedule said during one step:
 * the layer puts a fresh one in `currentVerdict` around the step, and reads
 * it back to name the reason and `max_attempts` in its lines.
 */
interface Verdict {
  maxAttempts: number | undefined
  stop: StopReason | undefined
}

const currentVerdict = globalValue(
  Symbol.for("effect-foundation/Retry/currentVerdict"),
  () => FiberRef.unsafeMake<Verdict | undefined>(undefined)
)

interface PolicyState {
  readonly retries: number
  readonly previous: number
  readonly start: number
}

type PolicyStep = readonly [PolicyState, Duration.Duration, ScheduleDecision.ScheduleDecision]

/**
 * The policy on its own: waits, attempts, budget and `retryOn`. It logs
 * nothing; it tells an enclosing logging layer why it stops.
 *
 * @internal
 */
export const policySchedule = <E>(
  policy: CompiledPolicy,
  startedAt?: number
): Schedule.Schedule<Duration.Duration, E> =>
  Schedule.makeWithState<PolicyState, E, Duration.Duration>(
    { retries: 0, previous: policy.delayMs, start: startedAt ?? -1 },
    (now, error, state) =>
      FiberRef.getWith(currentVerdict, (verdict): Effect.Effect<PolicyStep> => {
        if (verdict !== undefined) verdict.maxAttempts = policy.maxAttempts
        const start = state.start < 0 ? now : state.start
        const stop = (reason: StopReason): Effect.Effect<PolicyStep> => {
          if (verdict !== undefined) verdict.stop = reason
          return Effect.succeed([{ ...state, start }, Duration.zero, ScheduleDecision.done])
        }
        if (!policy.retryOn(error)) return stop("not_retryable")
        const attempt = state.retries + 1
        if (attempt >= policy.maxAttempts) return stop("max_attempts")
        const draw = policy.jitter === "none" ? Effect.succeed(0) : Random.next
        return Effect.flatMap(draw, (u): Effect.Effect<PolicyStep> => {
          const delay = nextDelay(policy, attempt, u, state.previous)
          if (now - start + delay > policy.maxElapsedMs) return stop("max_elapsed")
          return Effect.succeed([
            { retries: attempt, previous: delay, start },
            Duration.millis(delay),
            ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))
          ])
        })
      })
  )

// ---------------------------------------------------------------------------
// The logging layer
// ---------------------------------------------------------------------------

interface LoggedState {
  readonly inner: unknown
  readonly retries: number
  readonly start: number
}

/**
 * `self` with the retry lines, written from `self`'s final decision at each
 * failure: "Retrying" (WARN) when a retry will happen, "Retry attempts
 * exhausted" (ERROR) when it gives up (not when a policy inside refused the
 * error through `retryOn`). Logging layers inside `self` (from
 * `Retry.schedule`) stay silent: only the outermost one writes.
 *
 * @internal
 */
export const logged = <Out, In, R>(
  self: Schedule.Schedule<Out, In, R>,
  startedAt?: number
): Schedule.Schedule<Out, In, R> =>
  Schedule.makeWithState<LoggedState, In, Out, R>(
    { inner: self.initial, retries: 0, start: startedAt ?? -1 },
    (now, input, state) =>
      FiberRef.getWith(currentVerdict, (outer) => {
        if (outer !== undefined) {
          // An enclosing layer sees the final decision and logs: pass through.
          return Effect.map(
            self.step(now, input, state.inner),
            ([inner, out, decision]) => [{ ...state, inner }, out, decision] as const
          )
        }
        const verdict: Verdict = { maxAttempts: undefined, stop: undefined }
        return Effect.flatMap(
          Effect.locally(self.step(now, input, state.inner), currentVerdict, verdict),
          ([inner, out, decision]) => {
            const start = state.start < 0 ? now : state.start
            const attempt = state.retries + 1
            const result = [{ inner, retries: attempt, start }, out, decision] as const
            if (ScheduleDecision.isDone(decision)) {
              if (verdict.stop === "not_retryable") return Effect.succeed(result)
              const fields: Record<string, unknown> = { attempts: attempt }
              if (verdict.maxAttempts !== undefined) fields.max_attempts = verdict.maxAttempts
              fields.reason = verdict.stop ?? "schedule"
              fields.elapsed_ms = now - start
              fields.error_tag = errorTag(input)
              fields.error_message = errorMessage(input)
              return Effect.as(logEntry("error", rootBinding, "Retry attempts exhausted", fields), result)
            }
            const fields: Record<string, unknown> = { attempt }
            if (verdict.maxAttempts !== undefined) fields.max_attempts = verdict.maxAttempts
            fields.delay_ms = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
            fields.error_tag = errorTag(input)
            fields.error_message = errorMessage(input)
            return Effect.as(logEntry("warning", rootBinding, "Retrying", fields), result)
          }
        )
      })
  )

/**
 * The policy as a `Schedule`; a policy that is not valid makes a schedule
 * that dies (`IllegalArgumentException`) at its first step.
 *
 * @internal
 */
export const schedule = <E = unknown>(policy: Retry.RetryPolicy<E> = {}): Schedule.Schedule<Duration.Duration, E> => {
  const checked = checkOptions(() => compile(policy))
  if (checked._tag === "Left") {
    const error = checked.left
    return Schedule.makeWithState(undefined, () => Effect.die(error))
  }
  const core = policySchedule<E>(checked.right)
  return checked.right.logRetries ? logged(core) : core
}

const retrying = <A, E, R>(self: Effect.Effect<A, E, R>, policy: CompiledPolicy): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const core = policySchedule<E>(policy, start)
    return Effect.retry(self, policy.logRetries ? logged(core, start) : core)
  })

/**
 * The policy is checked once, when `withRetry` is called; one that is not
 * valid makes an effect that dies (`IllegalArgumentException`) without
 * running `self`.
 *
 * @internal
 */
export const withRetry: {
  (
    policy?: Retry.RetryPolicy<unknown> & { readonly retryOn?: ReadonlyArray<string> | undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <E>(policy: Retry.RetryPolicy<E>): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: Retry.RetryPolicy<NoInfer<E>>): Effect.Effect<A, E, R>
} = (...args: Array<any>): any => {
  if (Effect.isEffect(args[0])) {
    const self = args[0]
    return orDie(checkOptions(() => compile(args[1] ?? {})), (policy) => retrying(self, policy))
  }
  const checked = checkOptions(() => compile(args[0] ?? {}))
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    orDie(checked, (policy) => retrying(self, policy))
}
