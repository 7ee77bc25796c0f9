/**
 * `Foundation.layer` for effect 4: the options in force (options, then the `PROVIDE_*` variables through effect 4's
 * `Config`, then defaults, read by the same parsers as the root's), one output per sink (its formatter, rate limit,
 * custom format and sink), and the context the layer provides: the logger set and minimum level (e4log's
 * `install.ts`) and the flush registry with every output's sink.
 *
 * @internal
 */
import { platform } from "#platform"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Logger from "effect/Logger"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import { customWriter } from "../../core/customFormat.js"
import { errorHead, isError } from "../../core/formatter.js"
import { makeRateLimiter } from "../../core/rateLimit.js"
import type { Options, Output } from "../Foundation.js"
import type * as LogSink from "../LogSink.js"
import type { Flushable } from "../Telemetry.js"
import * as env from "./config.js"
import { configError } from "./config.js"
import { registered } from "./flush.js"
import { formatOptions, Formatter, levelOption, tryOptions } from "./format.js"
import { loggingContext } from "./install.js"
import { effectOrdinal, toEffectLevel } from "./level.js"
import { fromFormatter, type OutputLevel, recordOfInput, summaryWriter } from "./logger.js"
import { makeSink } from "./makeSink.js"
import { formatOption } from "./parse.js"
import { isTerminal as terminalStream } from "./sink.js"
import { sinkConfig } from "./sinkOptions.js"

const isTerminal = (target: LogSink.Options["target"] | undefined): boolean =>
  target === undefined || target === "stdout" || target === "stderr" ? terminalStream(target ?? "stdout") : false

/** `level` and `format` options in canonical form; one that is not a level or a format fails like its variable. */
const normalize = (options: Options): Effect.Effect<Options, Config.ConfigError> =>
  tryOptions(() => {
    const format = formatOption("format", options.format)
    const level = levelOption("level", options.level)
    return { ...options, ...(format === undefined ? {} : { format }), ...(level === undefined ? {} : { level }) }
  })

/**
 * The options in force: `options` first, then the environment, then defaults.
 *
 * @internal
 */
export const resolve = (given: Options = {}): Effect.Effect<Options, Config.ConfigError> =>
  env.withReadableEnv(Effect.gen(function*() {
    const options = yield* normalize(given)
    const sink: Partial<LogSink.Options> = { ...(yield* sinkConfig), ...options.sink }
    const terminal = isTerminal(sink.target)
    const format = options.format ?? (yield* env.env.format) ?? (terminal ? "key_value" : "json")
    const omitTimestamp = options.timestamps === undefined ? yield* env.env.omitTimestamp : undefined
    const colors = options.colors ?? (yield* Effect.map(env.colors, (c) => (c.noColor ? false : c.force ?? terminal)))
    const resolved: Options = {
      ...options,
      format,
      level: options.level ?? (yield* env.env.level) ?? "info",
      timestamps: options.timestamps ?? (omitTimestamp === undefined ? false : !omitTimestamp),
      colors: format === "key_value" && colors,
      loggerNameEmoji: options.loggerNameEmoji ?? (yield* env.env.loggerNameEmoji) ?? true,
      dasEmoji: options.dasEmoji ?? (yield* env.env.dasEmoji) ?? true,
      moduleLevels: options.moduleLevels ?? (yield* env.env.moduleLevels) ?? {},
      serviceName: options.serviceName ?? (yield* env.env.serviceName),
      traceIds: options.traceIds ?? (yield* env.env.traceIds) ?? format === "json",
      redaction: options.redaction ?? (yield* env.redactionConfig),
      rateLimit: options.rateLimit ?? (yield* env.rateLimitConfig),
      sink
    }
    return resolved
  }))

/** An output resolved: its options in force, and whether its level was given for it. */
interface Resolved {
  readonly options: Options
  readonly explicit: boolean
}

/** The outputs in force: `outputs`, else console plus file from the environment, else one. */
const resolveOutputs = (options: Options): Effect.Effect<Array<Resolved>, Config.ConfigError> =>
  env.withReadableEnv(Effect.gen(function*() {
    const { outputs, ...base } = options
    const file = outputs === undefined && base.sink?.target === undefined ? yield* env.fileOutput : undefined
    const list: ReadonlyArray<Output> | undefined = outputs ?? (file === undefined ? undefined : [
      { sink: { target: file.stream } },
      { ...(file.level === undefined ? {} : { level: file.level }), format: file.format ?? "json" }
    ])
    if (list === undefined) return [{ options: yield* resolve(base), explicit: false }]
    if (list.length === 0) return yield* Effect.fail(configError("outputs: empty; give at least one output"))
    return yield* Effect.forEach(list, (output) =>
      Effect.map(
        resolve({ ...base, ...output, sink: { ...base.sink, ...output.sink } }),
        (resolved): Resolved => ({ options: resolved, explicit: output.level !== undefined })
      ))
  }))

/** One output: its formatter, its logger, and what `Telemetry.flush` / `shutdown` act on for it. */
interface MadeOutput {
  readonly formatter: Formatter
  readonly logger: Logger.Logger<unknown, void>
  readonly flushable: Flushable
}

/** The rate limit's pending summaries at process exit, before the sinks' own exit hooks write out. */
const summariesAtExit = (writeAt: (millis: number) => void): Effect.Effect<void, never, Scope.Scope> => {
  const onExit = platform?.onExit
  if (onExit === undefined) return Effect.void
  return Effect.flatMap(Effect.clockWith(Effect.succeed), (clock) =>
    Effect.acquireRelease(
      Effect.sync(() => onExit(() => writeAt(clock.currentTimeMillisUnsafe()), true)),
      (remove) => Effect.sync(remove)
    ))
}

/** One output's logger: its formatter (and format of the user's own, if any) writing to its sink. */
const makeOutput = (
  { explicit, options }: Resolved
): Effect.Effect<MadeOutput, Config.ConfigError | LogSink.LogSinkError, Scope.Scope> =>
  Effect.gen(function*() {
    const custom = options.formatter
    // a format of the user's own reads the record as the JSON formatter renders it: redacted and bounded
    const resolved: Options = custom === undefined ? options : { ...options, format: "json", traceIds: true }
    const limiter = makeRateLimiter(resolved.rateLimit ?? {})
    const formatter = yield* tryOptions(() => new Formatter(formatOptions(resolved)))
    const own: OutputLevel = { threshold: effectOrdinal[toEffectLevel[formatter.options.level]], explicit }
    const sink = yield* makeSink({
      ...resolved.sink,
      // the sink's own "N records dropped" warning, in the program's format
      warningLine: (message, fields, millis) =>
        formatter.format(recordOfInput({
          timestamp: new Date(millis),
          level: "warning",
          message,
          fields,
          loggerName: "effect-foundation.sink"
        }))
    })
    const write = custom === undefined
      ? sink.write
      : customWriter(custom, (...args) => formatter.core.fallback(...args), sink.write)
    // the rate limit's pending "N records suppressed" lines go out before every flush and shutdown, and at close
    const writeAt = limiter === undefined ? undefined : summaryWriter(formatter, write, limiter)
    const summaries = writeAt === undefined
      ? undefined
      : Effect.flatMap(Clock.currentTimeMillis, (millis) => Effect.sync(() => writeAt(millis)))
    if (summaries !== undefined) {
      yield* Effect.addFinalizer(() => summaries)
      if (resolved.sink?.exitHook !== false) yield* summariesAtExit(writeAt!)
    }
    const flushable: Flushable = summaries === undefined ? sink : {
      flush: (deadline) => Effect.andThen(summaries, sink.flush(deadline)),
      shutdown: (deadline) => Effect.andThen(summaries, sink.shutdown(deadline))
    }
    const logger = fromFormatter(formatter, write as (line: string) => unknown, limiter, sink.room, own)
    return { formatter, logger, flushable }
  })

const failureMessage = (error: unknown): string => {
  try {
    return isError(error) ? "program failed: " + errorHead(error) : "program failed"
  } catch {
    return "program failed"
  }
}

/**
 * The layer's scope closed by a failure (not an interruption alone): the failure, logged through the layer's own
 * loggers as `program failed: <error>` with its cause, and marked reported (`Runtime.errorReported`, the marker
 * effect 4's `runMain` reads) so that `NodeRuntime.runMain` leaves out its own multi-line report of it.
 */
const reportFailure = (exit: Exit.Exit<unknown, unknown>, logging: Context.Context<never>): Effect.Effect<void> => {
  if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return Effect.void
  const cause = exit.cause
  const error = Cause.squash(cause)
  if (typeof error === "object" && error !== null && Object.isExtensible(error)) {
    try {
      Object.defineProperty(error, Runtime.errorReported, { value: false, configurable: true, writable: true })
    } catch {
      // a frozen error: runMain reports it too
    }
  }
  return Effect.provideContext(Effect.logError(failureMessage(error), cause), logging)
}

/**
 * The context `Foundation.layer` provides: the outputs' loggers in place of effect 4's default logger, the minimum
 * level (the lowest output's), the redactor (the first output's, for span events and OTLP), and the flush registry
 * with every output's sink.
 *
 * @internal
 */
export const build = (
  options: Options
): Effect.Effect<Context.Context<never>, Config.ConfigError | LogSink.LogSinkError, Scope.Scope> =>
  Effect.gen(function*() {
    const outputs = yield* Effect.forEach(yield* resolveOutputs(options), makeOutput)
    const first = outputs[0]!.formatter.options
    let lowest = first.level
    for (const o of outputs) {
      if (effectOrdinal[toEffectLevel[o.formatter.options.level]] < effectOrdinal[toEffectLevel[lowest]]) {
        lowest = o.formatter.options.level
      }
    }
    const logging = yield* loggingContext(outputs.map((o) => o.logger), lowest, first.redactor)
    const flushables = yield* registered(outputs.map((o) => o.flushable))
    // JSON: a failure is one more JSON record with its cause, not runMain's multi-line report (added after the
    // sinks, this finalizer runs before they close)
    if (first.format === "json") yield* Effect.addFinalizer((exit) => reportFailure(exit, logging))
    return Context.merge(logging, flushables)
  })
