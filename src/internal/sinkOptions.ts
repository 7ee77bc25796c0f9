/**
 * The options of `LogSink.make`, checked by the shared parsers (the same as
 * the `PROVIDE_LOG_*` variables'): a bad one fails `make` with a
 * `LogSinkError` in the one wording, naming the option.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { aTarget as coreTarget, overflows as coreOverflows } from "../core/sinkConfig.js"
import type { Options, OverflowPolicy, Target } from "../LogSink.js"
import { aBoolean, aFunction, bytes, checkOptions, duration, oneOf, option, type Parser } from "./parse.js"
import { describe, LogSinkError } from "./sink.js"

const where = "LogSink"

/** @internal */
export const overflows: ReadonlyArray<OverflowPolicy> = coreOverflows

const aTarget = coreTarget as Parser<Target>

const aCallback = aFunction<(...args: Array<any>) => any>()

const check = (options: Options): Options => {
  if (options.warningLine !== undefined) option(where, "warningLine", options.warningLine, aCallback)
  if (options.report !== undefined) option(where, "report", options.report, aCallback)
  return {
    ...options,
    target: option(where, "target", options.target, aTarget),
    flushSize: option(where, "flushSize", options.flushSize, bytes()),
    flushInterval: Duration.millis(option(where, "flushInterval", options.flushInterval, duration("positive"))),
    maxBufferBytes: option(where, "maxBufferBytes", options.maxBufferBytes, bytes()),
    overflow: option(where, "overflow", options.overflow, oneOf(overflows)),
    shutdownTimeout: Duration.millis(option(where, "shutdownTimeout", options.shutdownTimeout, duration("finite"))),
    exitHook: option(where, "exitHook", options.exitHook, aBoolean)
  }
}

const described = (target: unknown): string => {
  try {
    return describe(target as Target)
  } catch {
    return "an invalid target"
  }
}

/**
 * The options (defaults filled in), checked: each in canonical form, or a
 * `LogSinkError` naming the first bad one (`LogSink option overflow: invalid
 * value "bogus"; accepted: drop_oldest, drop_newest, block`).
 *
 * @internal
 */
export const checkSinkOptions = (options: Options): Effect.Effect<Options, LogSinkError> => {
  const checked = checkOptions(() => check(options))
  return Either.isRight(checked)
    ? Effect.succeed(checked.right)
    : Effect.fail(
      new LogSinkError({ message: checked.left.message, target: described(options.target), cause: checked.left })
    )
}
