/**
 * Token-bucket rate limiting of records (minimal version; the hardening work
 * replaces the body, keeping these names and types).
 */
import * as Config from "effect/Config"

export interface RateLimitOptions {
  readonly global?: { readonly rate: number; readonly capacity: number }
  readonly perLogger?: ReadonlyArray<{ readonly name: string; readonly rate: number; readonly capacity: number }>
}

export interface RateLimiter {
  readonly check: (loggerName: string | undefined, nowMs: number) => number
}

export const makeRateLimiter = (_options: RateLimitOptions): RateLimiter | undefined => undefined

export const rateLimitConfig: Config.Config<RateLimitOptions> = Config.succeed({})
