/**
 * The options of `LogSink.make`, checked by the shared parsers (the same as
 * the `PROVIDE_LOG_*` variables'): a bad one fails `make` with a
 * `LogSinkError` in the one wording, naming the option.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Options, OverflowPolicy, Target } from "../LogSink.js"
import { aBoolean, aFunction, bytes, checkOptions, duration, oneOf, option, type Parser } from "./parse.js"
import { describe, LogSinkError } from "./sink.js"

const where = "LogSink"

/** @internal */
export const overflows: ReadonlyArray<OverflowPolicy> = ["drop_oldest", "drop_newest", "block"]

const aTarget: Parser<Target> = {
  accepted: "\"stdout\", \"stderr\", \"console\", { file }, { fd } or a writer function",
  parse: (t) => {
    if (t === "stdout" || t === "stderr" || t === "console" || typeof t === "function") return t as Target
    if (typeof t !== "object" || t === null) return undefined
    if ("file" in t) return typeof t.file === "string" && t.file !== "" ? t as Target : undefined
    if ("fd" in t) return typeof t.fd === "number" && Number.isSafeInteger(t.fd) && t.fd >= 0 ? t as Target : undefined
    return undefined
  }
}

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
