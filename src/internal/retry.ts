/**
 * Retry policies: validation, the delay arithmetic, the policy as a
 * `Schedule`, and the logging layer that writes the retry lines from the
 * final decision of the schedule it wraps.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as Retry from "../Retry.js"
import { errorMessage, errorTag } from "./errors.js"
import { logEntry, rootBinding } from "./record.js"

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

const invalid = (message: string): never => {
  throw new Cause.IllegalArgumentException(`Invalid retry policy: ${message}`)
}

/** @internal */
export const show = (u: unknown): string => {
  try {
    return typeof u === "string" ? JSON.stringify(u) : String(u)
  } catch {
    return "a value"
  }
}

/**
 * Milliseconds of a `DurationInput`; negative, NaN and unparsable inputs are
 * rejected (Duration would clamp them to 0) with `fail(message)`. The result
 * may be `Infinity`: callers that need a finite duration check it.
 *
 * @internal
 */
export const durationMillis = (
  name: string,
  input: Duration.DurationInput,
  fail: (message: string) => never = invalid
): number => {
  const negative = () => fail(`${name} must be a non-negative duration, got ${show(input)}`)
  if (typeof input === "number" && (Number.isNaN(input) || input < 0)) return negative()
  if (typeof input === "bigint" && input < BigInt(0)) return negative()
  if (typeof input === "string" && /^\s*-/.test(input)) return negative()
  if (Array.isArray(input) && input.some((n) => typeof n !== "number" || Number.isNaN(n) || n < 0)) return negative()
  let d: Duration.Duration
  try {
    d = Duration.decode(input)
  } catch {
    return fail(`${name} is not a duration (e.g. 500, "1 second", Duration.seconds(1)), got ${show(input)}`)
  }
  const ms = Duration.toMillis(d)
  return Number.isNaN(ms) ? negative() : ms
}

const strategyOf = (backoff: Retry.Backoff | undefined): Strategy => {
  if (backoff === undefined || backoff === "exponential") return { _tag: "exponential", factor: 2 }
  if (backoff === "fixed" || backoff === "linear" || backoff === "fibonacci") return { _tag: backoff }
  if (typeof backoff === "number") {
    if (!Number.isFinite(backoff) || backoff < 1) {
      return invalid(`backoff factor must be a finite number >= 1, got ${show(backoff)}`)
    }
    return backoff === 1 ? { _tag: "fixed" } : { _tag: "exponential", factor: backoff }
  }
  return invalid(
    `backoff must be a factor >= 1 or one of "fixed", "linear", "exponential", "fibonacci", got ${show(backoff)}`
  )
}

/** @internal */
export const compile = (policy: Retry.RetryPolicy<any>): CompiledPolicy => {
  if (typeof policy !== "object" || policy === null) return invalid(`expected an options object, got ${show(policy)}`)
  const maxAttempts = policy.maxAttempts ?? 3
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    invalid(`maxAttempts must be an integer >= 1 (attempts, not retries), got ${show(maxAttempts)}`)
  }
  const delayMs = durationMillis("delay", policy.delay ?? 1000)
  if (!Number.isFinite(delayMs)) invalid("delay must be finite")
  const maxDelayMs = policy.maxDelay === undefined ? Infinity : durationMillis("maxDelay", policy.maxDelay)
  if (maxDelayMs < delayMs) invalid(`maxDelay (${maxDelayMs} ms) must not be smaller than delay (${delayMs} ms)`)
  const maxElapsedMs = policy.maxElapsed === undefined ? Infinity : durationMillis("maxElapsed", policy.maxElapsed)
  const jitter = policy.jitter ?? "none"
  if (jitter !== "none" && jitter !== "full" && jitter !== "decorrelated") {
    invalid(`jitter must be "none", "full" or "decorrelated", got ${show(jitter)}`)
  }
  const retryOn = policy.retryOn
  let predicate: (error: unknown) => boolean
  if (retryOn === undefined) predicate = () => true
  else if (typeof retryOn === "function") predicate = retryOn
  else if (Array.isArray(retryOn) && retryOn.every((t) => typeof t === "string")) {
    const tags = new Set<string>(retryOn)
    predicate = (error) => tags.has(errorTag(error))
  } else {
    return invalid(`retryOn must be a predicate or a list of error tags, got ${show(retryOn)}`)
  }
  return {
    maxAttempts,
    delayMs,
    strategy: strategyOf(policy.backoff),
    maxDelayMs,
    jitter,
    retryOn: predicate,
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

/** @internal */
export const schedule = <E = unknown>(policy: Retry.RetryPolicy<E> = {}): Schedule.Schedule<Duration.Duration, E> => {
  const compiled = compile(policy)
  const core = policySchedule<E>(compiled)
  return compiled.logRetries ? logged(core) : core
}

const retrying = <A, E, R>(self: Effect.Effect<A, E, R>, policy: CompiledPolicy): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const core = policySchedule<E>(policy, start)
    return Effect.retry(self, policy.logRetries ? logged(core, start) : core)
  })

/** @internal */
export const withRetry: {
  (
    policy?: Retry.RetryPolicy<unknown> & { readonly retryOn?: ReadonlyArray<string> | undefined }
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <E>(policy: Retry.RetryPolicy<E>): <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: Retry.RetryPolicy<NoInfer<E>>): Effect.Effect<A, E, R>
} = dual(
  (args) => {
    if (Effect.isEffect(args[0])) return true
    compile(args[0] ?? {}) // a data-last call rejects an invalid policy at once
    return false
  },
  <A, E, R>(self: Effect.Effect<A, E, R>, policy?: Retry.RetryPolicy<E>): Effect.Effect<A, E, R> =>
    retrying(self, compile(policy ?? {}))
)
