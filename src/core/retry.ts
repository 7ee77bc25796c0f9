/**
 * A retry policy's arithmetic, Effect-free: the checked policy (`CompiledPolicy`) and the wait before each retry,
 * with its backoff strategy, cap and jitter. Both bindings' `Retry` schedules and OTLP exporters use it, so the same
 * policy and the same random draws give the same waits on either Effect line.
 */
import { errorMessage, errorTag } from "./errors.js"
import type { OptionChecks } from "./optionChecks.js"
import { integerAtLeast, numberAtLeast, oneOf, type Parser } from "./parse.js"

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

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/** A retry policy as given (the public `RetryPolicy` of either binding). @internal */
export interface PolicyInput {
  readonly maxAttempts?: unknown
  readonly delay?: unknown
  readonly backoff?: unknown
  readonly maxDelay?: unknown
  readonly jitter?: unknown
  readonly retryOn?: unknown
  readonly maxElapsed?: unknown
  readonly logRetries?: boolean | undefined
}

const where = "Retry"

const aBackoff: Parser<Strategy> = {
  accepted: "a factor >= 1 or one of \"fixed\", \"linear\", \"exponential\", \"fibonacci\"",
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

/**
 * The policy, checked and with its defaults. Throws the binding's error (see {@link OptionChecks}) in the one
 * wording (`Retry option maxAttempts: invalid value 0; accepted: ...`); the public functions turn it into a defect
 * when run.
 *
 * @internal
 */
export const compilePolicy = (policy: PolicyInput, c: OptionChecks): CompiledPolicy => {
  if (typeof policy !== "object" || policy === null) {
    throw c.invalid("", "Retry policy", policy, "an options object")
  }
  const maxAttempts = c.option(
    where,
    "maxAttempts",
    policy.maxAttempts ?? 3,
    integerAtLeast(1, "a whole number >= 1 (attempts, not retries)")
  )
  const delayMs = c.option(where, "delay", policy.delay ?? 1000, c.duration("finite"))
  const maxDelayMs = policy.maxDelay === undefined
    ? Infinity
    : c.option(where, "maxDelay", policy.maxDelay, c.duration("non-negative"))
  if (maxDelayMs < delayMs) {
    throw c.invalid(where, "maxDelay", policy.maxDelay, `a duration >= delay (${delayMs} ms)`)
  }
  const maxElapsedMs = policy.maxElapsed === undefined
    ? Infinity
    : c.option(where, "maxElapsed", policy.maxElapsed, c.duration("non-negative"))
  const jitter = c.option(where, "jitter", policy.jitter ?? "none", oneOf<JitterMode>(["none", "full", "decorrelated"]))
  const strategy = c.option(where, "backoff", policy.backoff ?? "exponential", aBackoff)
  const retryOn = policy.retryOn === undefined ? () => true : c.option(where, "retryOn", policy.retryOn, aRetryOn)
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
// One step of the policy
// ---------------------------------------------------------------------------

/** Why a policy stops: the reason its exhaustion line names (`not_retryable` writes no line). @internal */
export type StopReason = "max_attempts" | "max_elapsed" | "not_retryable"

/** A policy's state between failures: retries so far, the previous wait, and the start (-1: not yet). @internal */
export interface PolicyState {
  readonly retries: number
  readonly previous: number
  readonly start: number
}

/** The state before the first failure; `startedAt` is when the first attempt started, if known. @internal */
export const initialState = (policy: CompiledPolicy, startedAt?: number): PolicyState => ({
  retries: 0,
  previous: policy.delayMs,
  start: startedAt ?? -1
})

/**
 * Whether the policy stops at this failure before any draw: the error is not retryable, or the attempts are
 * used up. `undefined`: a retry may follow (its wait decides, see {@link retryAfter}).
 *
 * @internal
 */
export const stopBefore = (policy: CompiledPolicy, state: PolicyState, error: unknown): StopReason | undefined =>
  !policy.retryOn(error) ? "not_retryable" : state.retries + 1 >= policy.maxAttempts ? "max_attempts" : undefined

/** Whether the policy draws a uniform number for the next wait (jitter). @internal */
export const needsDraw = (policy: CompiledPolicy): boolean => policy.jitter !== "none"

/**
 * The next retry at `now`, given the draw `u` (0 without jitter): its wait and the next state, or `"max_elapsed"`
 * when it would start after the budget.
 *
 * @internal
 */
export const retryAfter = (
  policy: CompiledPolicy,
  state: PolicyState,
  now: number,
  u: number
): { readonly delay: number; readonly state: PolicyState } | "max_elapsed" => {
  const start = state.start < 0 ? now : state.start
  const attempt = state.retries + 1
  const delay = nextDelay(policy, attempt, u, state.previous)
  if (now - start + delay > policy.maxElapsedMs) return "max_elapsed"
  return { delay, state: { retries: attempt, previous: delay, start } }
}

// ---------------------------------------------------------------------------
// The retry lines' fields
// ---------------------------------------------------------------------------

/** The fields of "Retrying" (WARN), in their order. @internal */
export const retryingFields = (
  attempt: number,
  maxAttempts: number | undefined,
  delayMs: number,
  error: unknown
): Record<string, unknown> => {
  const fields: Record<string, unknown> = { attempt }
  if (maxAttempts !== undefined) fields.max_attempts = maxAttempts
  fields.delay_ms = delayMs
  fields.error_tag = errorTag(error)
  fields.error_message = errorMessage(error)
  return fields
}

/** The fields of "Retry attempts exhausted" (ERROR), in their order. @internal */
export const exhaustedFields = (
  attempts: number,
  maxAttempts: number | undefined,
  reason: string,
  elapsedMs: number,
  error: unknown
): Record<string, unknown> => {
  const fields: Record<string, unknown> = { attempts }
  if (maxAttempts !== undefined) fields.max_attempts = maxAttempts
  fields.reason = reason
  fields.elapsed_ms = elapsedMs
  fields.error_tag = errorTag(error)
  fields.error_message = errorMessage(error)
  return fields
}
