/**
 * The options of `LogSink.make` (Effect 4), checked by the shared parsers (the same as the `PROVIDE_LOG_*`
 * variables'): a bad one fails `make` with a `LogSinkError` in the one wording, naming the option.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import {
  aTarget,
  describeTarget,
  isVariableError,
  overflows,
  sinkFromEnv,
  type SinkVariable,
  sinkVariables
} from "../../core/sinkConfig.js"
import type { Options, Target } from "../LogSink.js"
import { configError } from "./config.js"
import { aBoolean, aFunction, bytes, checkOptions, duration, oneOf, option } from "./parse.js"
import { LogSinkError } from "./sink.js"

const where = "LogSink"

const aCallback = aFunction<(...args: Array<any>) => any>()

const check = (options: Options): Options => {
  if (options.warningLine !== undefined) option(where, "warningLine", options.warningLine, aCallback)
  if (options.report !== undefined) option(where, "report", options.report, aCallback)
  return {
    ...options,
    target: option(where, "target", options.target, aTarget) as Target,
    flushSize: option(where, "flushSize", options.flushSize, bytes()),
    flushInterval: Duration.millis(option(where, "flushInterval", options.flushInterval, duration("positive"))),
    maxBufferBytes: option(where, "maxBufferBytes", options.maxBufferBytes, bytes()),
    overflow: option(where, "overflow", options.overflow, oneOf(overflows)),
    shutdownTimeout: Duration.millis(option(where, "shutdownTimeout", options.shutdownTimeout, duration("finite"))),
    exitHook: option(where, "exitHook", options.exitHook, aBoolean)
  }
}

/**
 * The options (defaults filled in), checked: each in canonical form, or a `LogSinkError` naming the first bad one.
 *
 * @internal
 */
export const checkSinkOptions = (options: Options): Effect.Effect<Options, LogSinkError> => {
  const checked = checkOptions(() => check(options))
  return Result.isSuccess(checked)
    ? Effect.succeed(checked.success)
    : Effect.fail(
      new LogSinkError({
        message: checked.failure.message,
        target: describeTarget(options.target),
        cause: checked.failure
      })
    )
}

/**
 * Sink options from the environment (`LogSink.config`): the variables' texts read by the core's `sinkFromEnv`.
 *
 * @internal
 */
export const sinkConfig: Config.Config<Partial<Options>> = Config.all(
  Object.fromEntries(
    Object.keys(sinkVariables).map((name) => [name, Config.option(Config.String(name))])
  ) as Record<SinkVariable, Config.Config<Option.Option<string>>>
).pipe(
  Config.mapEffect((raw) => {
    const env = sinkFromEnv((name) => Option.getOrUndefined(raw[name]))
    if (isVariableError(env)) return Effect.fail(configError(env.message))
    const { flushInterval, shutdownTimeout, target, ...rest } = env
    const out: { -readonly [K in keyof Options]?: Options[K] } = rest
    if (target !== undefined) {
      const interval = typeof target === "object" ? target.rotate?.interval : undefined
      out.target = interval === undefined || typeof target !== "object"
        ? target
        : { ...target, rotate: { ...target.rotate, interval: Duration.millis(interval) } }
    }
    if (flushInterval !== undefined) out.flushInterval = Duration.millis(flushInterval)
    if (shutdownTimeout !== undefined) out.shutdownTimeout = Duration.millis(shutdownTimeout)
    return Effect.succeed(out as Partial<Options>)
  })
)
