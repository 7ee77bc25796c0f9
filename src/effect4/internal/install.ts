/**
 * Installing our loggers, effect 4's way: the logger set is a context reference (`References.CurrentLoggers`), the
 * minimum level another (`References.MinimumLogLevel`). A logging layer provides both, with the set it read where
 * it was built: effect 4's default logger replaced by its own, the tracer logger by ours (span events redacted like
 * the lines), every other logger kept. Like effect 4's `Logger.layer`, two logging layers side by side
 * (`Layer.merge`) do not see each other: the last one's set wins; one built inside the other (`Layer.provide`)
 * keeps both.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import type { LevelName } from "../../core/level.js"
import type { Redactor } from "../../core/redact.js"
import { effectOrdinal, toEffectLevel } from "./level.js"
import { CurrentFloor } from "./log.js"
import { CurrentRedactor } from "./render.js"
import { spanEventLogger } from "./spanEvents.js"

/**
 * The logger set with `loggers` installed: effect 4's default logger left out, its tracer logger replaced by ours,
 * every other logger kept (a logging layer built inside another, `Layer.provide`, adds its outputs to the outer
 * one's, as `Logger.layer(..., { mergeWithExisting: true })` does).
 *
 * @internal
 */
export const installedSet = (
  current: ReadonlySet<Logger.Logger<unknown, any>>,
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>
): ReadonlySet<Logger.Logger<unknown, any>> => {
  const next = new Set<Logger.Logger<unknown, any>>()
  for (const l of current) {
    if (l === Logger.defaultLogger) continue
    next.add(l === Logger.tracerLogger ? spanEventLogger : l)
  }
  for (const l of loggers) next.add(l)
  return next
}

/**
 * The minimum level a logging layer sets: its level, or the floor of a logging layer around it when that is lower
 * (a logging layer inside another keeps the outer outputs' records coming).
 */
const floorOf = (outer: LogLevel.LogLevel | undefined, level: LevelName): LogLevel.LogLevel => {
  const own = toEffectLevel[level]
  return outer !== undefined && effectOrdinal[outer] < effectOrdinal[own] ? outer : own
}

/**
 * The references a logging layer provides, from the fiber it is built in.
 *
 * @internal
 */
export const loggingContext = (
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  minimum: LevelName,
  redactor: Redactor | undefined
): Effect.Effect<Context.Context<never>> =>
  Effect.withFiber((fiber) => {
    const floor = floorOf(fiber.getRef(CurrentFloor), minimum)
    let context = Context.make(
      References.CurrentLoggers,
      installedSet(fiber.getRef(References.CurrentLoggers), loggers)
    )
      .pipe(
        Context.add(References.MinimumLogLevel, floor),
        Context.add(CurrentFloor, floor)
      )
    if (redactor !== undefined) context = Context.add(context, CurrentRedactor, redactor)
    return Effect.succeed(context as Context.Context<never>)
  })

/**
 * A layer installing `loggers` (one per output) in place of effect 4's default logger, with effect 4's minimum log
 * level set to `minimum` (the lowest of the outputs' levels; a `References.MinimumLogLevel` provided inside changes
 * it in either direction), and `redactor` published for every destination.
 *
 * @internal
 */
export const layer = (
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  minimum: LevelName,
  redactor: Redactor | undefined
): Layer.Layer<never> => Layer.effectContext(loggingContext(loggers, minimum, redactor))

/**
 * {@link layer} for the rest of the current scope, in the running fiber.
 *
 * @internal
 */
export const install = (
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  minimum: LevelName,
  redactor: Redactor | undefined
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.flatMap(loggingContext(loggers, minimum, redactor), (context) =>
    Effect.withFiber((fiber) => {
      const before = fiber.context
      return Effect.andThen(
        Effect.addFinalizer(() => Effect.sync(() => fiber.setContext(restore(fiber.context, before)))),
        Effect.sync(() => fiber.setContext(Context.merge(fiber.context, context)))
      )
    }))

/** The fiber's context with the references a logging layer sets put back to what they were `before`. */
const restore = (current: Context.Context<never>, before: Context.Context<never>): Context.Context<never> => {
  let out = current
  for (const key of [References.CurrentLoggers, References.MinimumLogLevel, CurrentFloor, CurrentRedactor]) {
    const ref = key as Context.Reference<unknown>
    out = Context.add(out, ref, Context.get(before, ref))
  }
  return out
}
