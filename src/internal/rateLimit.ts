/**
 * The Effect 3 binding's side of rate limiting (the buckets and the variables' parsing are the core's,
 * `src/core/rateLimit.ts`): the variables read through Effect `Config`, and the summaries written at process exit.
 */
import { platform } from "#platform"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { rateLimitFromEnv, type RateLimitOptions, rateLimitVariables } from "../core/rateLimit.js"

export {
  /** @internal */
  makeRateLimiter,
  /** @internal */
  parsePerLogger,
  /** @internal */
  type RateLimiter,
  /** @internal */
  type RateLimitOptions
} from "../core/rateLimit.js"

/**
 * Runs `writeAt` (the pending summaries, see `summaryWriter` in logger.ts) at
 * process exit (`process.exit`, a signal nobody handles), for the scope:
 * synchronously, before the sinks' own exit hooks write out what they hold.
 *
 * @internal
 */
export const summariesAtExit = (writeAt: (millis: number) => void): Effect.Effect<void, never, Scope.Scope> => {
  const onExit = platform?.onExit
  if (onExit === undefined) return Effect.void
  return Effect.flatMap(Effect.clock, (clock) =>
    Effect.acquireRelease(
      Effect.sync(() => onExit(() => writeAt(clock.unsafeCurrentTimeMillis()), true)),
      (remove) => Effect.sync(remove)
    ))
}

/**
 * `PROVIDE_LOG_RATE_LIMIT_GLOBAL` (records per second), `PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY` (the burst, default
 * the rate, at least 1; only with the former) and `PROVIDE_LOG_RATE_LIMIT_PER_LOGGER` (`name:rate:capacity,...`).
 *
 * @internal
 */
export const rateLimitConfig: Config.Config<RateLimitOptions> = Config.all(
  Object.fromEntries(
    Object.keys(rateLimitVariables).map((name) => [name, Config.option(Config.string(name))])
  ) as Record<keyof typeof rateLimitVariables, Config.Config<Option.Option<string>>>
).pipe(
  Config.mapOrFail((raw): Either.Either<RateLimitOptions, ConfigError.ConfigError> => {
    const r = rateLimitFromEnv((name) => Option.getOrUndefined(raw[name]))
    return "message" in r ? Either.left(ConfigError.InvalidData([r.name], r.message)) : Either.right(r)
  })
)
