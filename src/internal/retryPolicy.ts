/**
 * Retry policy validation and the pure delay arithmetic behind `Retry`.
 * Everything here is plain TypeScript: the schedule in `Retry.ts` calls it
 * once per failed attempt.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"

export type Strategy =
  | { readonly _tag: "fixed" }
  | { readonly _tag: "linear" }
  | { readonly _tag: "exponential"; readonly factor: number }
  | { readonly _tag: "fibonacci" }

export type JitterMode = "none" | "full" | "decorrelated"

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

export interface PolicyInput {
  readonly maxAttempts?: number | undefined
  readonly delay?: Duration.DurationInput | undefined
  readonly backoff?: number | "fixed" | "linear" | "exponential" | "fibonacci" | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
  readonly jitter?: JitterMode | undefined
  readonly retryOn?: ((error: any) => boolean) | ReadonlyArray<string> | undefined
  readonly maxElapsed?: Duration.DurationInput | undefined
  readonly logRetries?: boolean | undefined
}

const invalid = (message: string): never => {
  throw new Cause.IllegalArgumentException(`Invalid retry policy: ${message}`)
}

const show = (u: unknown): string => {
  try {
    return typeof u === "string" ? JSON.stringify(u) : String(u)
  } catch {
    return "a value"
  }
}

/** Milliseconds of a `DurationInput`; negative, NaN and unparsable inputs are rejected (Duration would clamp them to 0). */
export const durationMillis = (name: string, input: Duration.DurationInput): number => {
  if (typeof input === "number" && (Number.isNaN(input) || input < 0)) {
    return invalid(`${name} must be a non-negative duration, got ${show(input)}`)
  }
  if (typeof input === "bigint" && input < BigInt(0)) {
    return invalid(`${name} must be a non-negative duration, got ${show(input)}`)
  }
  if (typeof input === "string" && /^\s*-/.test(input)) {
    return invalid(`${name} must be a non-negative duration, got ${show(input)}`)
  }
  if (Array.isArray(input) && input.some((n) => typeof n !== "number" || Number.isNaN(n) || n < 0)) {
    return invalid(`${name} must be a non-negative duration, got ${show(input)}`)
  }
  let d: Duration.Duration
  try {
    d = Duration.decode(input)
  } catch {
    return invalid(`${name} is not a duration (e.g. 500, "1 second", Duration.seconds(1)), got ${show(input)}`)
  }
  return Duration.toMillis(d)
}

const strategyOf = (backoff: PolicyInput["backoff"]): Strategy => {
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

/** Tag of an error for logs and `retryOn` lists: `_tag`, else the `Error` name, else the JS type. */
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

/** Message of an error for logs: its `message` when non-empty, a string error itself, else its tag. */
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

export const compile = (policy: PolicyInput): CompiledPolicy => {
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

/** The un-jittered wait before retry number `retry` (1-based). */
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
 * last, so the result never exceeds `maxDelay`. Whole milliseconds.
 */
export const nextDelay = (policy: CompiledPolicy, retry: number, u: number, previous: number): number => {
  let wait: number
  switch (policy.jitter) {
    case "none":
      wait = baseDelay(policy, retry)
      break
    case "full":
      wait = u * baseDelay(policy, retry)
      break
    case "decorrelated": {
      const low = policy.delayMs
      const high = Math.max(low, previous * 3)
      wait = low + u * (high - low)
      break
    }
  }
  return Math.min(Math.round(wait), policy.maxDelayMs)
}
