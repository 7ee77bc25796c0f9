/**
 * The logger every fiber shares: `Log.info("msg", { fields })`, bound loggers
 * (`Log.bind`, `Log.named`), context that follows the work across fibers
 * (`Log.withContext`), and debug lines written only when something fails
 * (`Log.fingersCrossed`).
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Scope from "effect/Scope"
import type { LevelInput, LevelName } from "../core/level.js"
import { Binding, type Fields, rootBinding } from "../core/record.js"
import { safeFields } from "../core/render.js"
import * as context from "./internal/context.js"
import * as internalFingersCrossed from "./internal/fingersCrossed.js"
import { logException, logRecord as logEntry } from "./internal/log.js"
import { orDie } from "./internal/parse.js"

/**
 * Level names, lower case as in JSON output: `trace`, `debug`, `info`,
 * `warning`, `error`, `critical` (Effect's `Fatal`).
 *
 * @since 0.2.0
 * @category models
 */
export type Level = LevelName

/**
 * Structured fields attached to a record: `{ user_id: 42, path: "/a" }`.
 *
 * @since 0.2.0
 * @category models
 */
export type LogFields = Fields

/**
 * A logger with a name and/or bound fields. Every method returns an `Effect`;
 * nothing is written until it runs. Bindings are prepared once per binding,
 * not on every call. Call the methods on the logger (`log.info(...)`): like
 * pino's, they are shared prototype methods, not per-logger closures.
 *
 * @since 0.2.0
 * @category models
 */
export interface BoundLogger {
  /** The logger name (dotted, e.g. `worker.alpha`), if any. */
  readonly name: string | undefined
  /** The bound fields. */
  readonly fields: LogFields
  readonly trace: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly debug: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly info: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly warning: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly warn: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly error: (message: string, fields?: LogFields) => Effect.Effect<void>
  readonly critical: (message: string, fields?: LogFields) => Effect.Effect<void>
  /** An ERROR record carrying an error (serialised with its stack and cause chain) or a `Cause`. */
  readonly exception: (message: string, errorOrCause: unknown, fields?: LogFields) => Effect.Effect<void>
  /** A logger with these fields added to the bound ones (later keys win). */
  readonly bind: (fields: LogFields) => BoundLogger
  /**
   * A child logger with the same bound fields: its name is this logger's
   * name, a dot and `name` (`Log.named("db").named("pool")` is `db.pool`, as
   * structlog's and pino's child loggers name them); on an unnamed logger,
   * `name`.
   */
  readonly named: (name: string) => BoundLogger
}

const emptyFields: LogFields = Object.freeze({})

class Bound implements BoundLogger {
  constructor(readonly binding: Binding) {}
  get name(): string | undefined {
    return this.binding.name
  }
  get fields(): LogFields {
    return this.binding.fields ?? emptyFields
  }
  trace(message: string, fields?: LogFields) {
    return logEntry("trace", this.binding, message, fields)
  }
  debug(message: string, fields?: LogFields) {
    return logEntry("debug", this.binding, message, fields)
  }
  info(message: string, fields?: LogFields) {
    return logEntry("info", this.binding, message, fields)
  }
  warning(message: string, fields?: LogFields) {
    return logEntry("warning", this.binding, message, fields)
  }
  warn(message: string, fields?: LogFields) {
    return logEntry("warning", this.binding, message, fields)
  }
  error(message: string, fields?: LogFields) {
    return logEntry("error", this.binding, message, fields)
  }
  critical(message: string, fields?: LogFields) {
    return logEntry("critical", this.binding, message, fields)
  }
  exception(message: string, errorOrCause: unknown, fields?: LogFields) {
    return logException(this.binding, message, errorOrCause, fields)
  }
  bind(fields: LogFields): BoundLogger {
    const bound = this.binding.fields
    const added = safeFields(fields)
    return new Bound(new Binding(this.binding.name, bound === undefined ? added : { ...bound, ...added }))
  }
  named(name: string): BoundLogger {
    const parent = this.binding.name
    return new Bound(new Binding(parent === undefined || name === "" ? name : parent + "." + name, this.binding.fields))
  }
}

const root = new Bound(rootBinding)

/**
 * Logs at TRACE.
 *
 * @since 0.2.0
 * @category logging
 */
export const trace: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("trace", rootBinding, message, fields)

/**
 * Logs at DEBUG.
 *
 * @since 0.2.0
 * @category logging
 */
export const debug: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("debug", rootBinding, message, fields)

/**
 * Logs at INFO.
 *
 * @example
 * ```ts
 * import { Log } from "effect-foundation/effect4"
 * Log.info("Starting fetch", { url: "https://example.com" })
 * ```
 *
 * @since 0.2.0
 * @category logging
 */
export const info: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("info", rootBinding, message, fields)

/**
 * Logs at WARNING.
 *
 * @since 0.2.0
 * @category logging
 */
export const warning: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("warning", rootBinding, message, fields)

/**
 * Alias of {@link warning}.
 *
 * @since 0.2.0
 * @category logging
 */
export const warn: (message: string, fields?: LogFields) => Effect.Effect<void> = warning

/**
 * Logs at ERROR.
 *
 * @since 0.2.0
 * @category logging
 */
export const error: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("error", rootBinding, message, fields)

/**
 * Logs at CRITICAL (Effect's `Fatal`).
 *
 * @since 0.2.0
 * @category logging
 */
export const critical: (message: string, fields?: LogFields) => Effect.Effect<void> = (message, fields) =>
  logEntry("critical", rootBinding, message, fields)

/**
 * Logs at ERROR with an error (an `Error` is serialised with name, message,
 * stack and cause chain) or a `Cause` (its failures, defects and interruption).
 *
 * @since 0.2.0
 * @category logging
 */
export const exception: (message: string, errorOrCause: unknown, fields?: LogFields) => Effect.Effect<void> = (
  message,
  errorOrCause,
  fields
) => logException(rootBinding, message, errorOrCause, fields)

/**
 * A logger whose records all carry `fields`. The counterpart of structlog's
 * `logger.bind(...)`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const bind = (fields: LogFields): BoundLogger => root.bind(fields)

/**
 * A named logger (dotted names such as `worker.alpha`). The name selects the
 * logger-name emoji, appears as `logger_name` in JSON, and is matched by
 * `PROVIDE_LOG_MODULE_LEVELS`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const named = (name: string): BoundLogger => root.named(name)

/**
 * Adds `fields` to every record logged inside `self`, by `Log.*` and by plain
 * `Effect.log*`, in every fiber `self` forks. Built on effect 4's log
 * annotations (`References.CurrentLogAnnotations`), so it is scoped to `self`, never leaks to sibling fibers, and
 * other loggers see the fields too. They are rendered in the order given,
 * after the context already there (a key given again keeps its place and
 * takes the new value), like keys added with plain `Effect.annotateLogs`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Log } from "effect-foundation/effect4"
 * const handled = Log.info("Processing").pipe(Log.withContext({ request_id: "r-1" }))
 * ```
 *
 * @since 0.2.0
 * @category context
 */
export const withContext: {
  /**
   * Adds `fields` to every record logged inside `self`, by `Log.*` and by plain
   * `Effect.log*`, in every fiber `self` forks. Built on effect 4's log
   * annotations, so it is scoped to `self`, never leaks to sibling fibers, and
   * other loggers see the fields too. They are rendered in the order given,
   * after the context already there (a key given again keeps its place and
   * takes the new value), like keys added with plain `Effect.annotateLogs`.
   *
   * Data-last: `effect.pipe(Log.withContext(…))`.
   */
  (fields: LogFields): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Adds `fields` to every record logged inside `self`, by `Log.*` and by plain
   * `Effect.log*`, in every fiber `self` forks. Built on effect 4's log
   * annotations, so it is scoped to `self`, never leaks to sibling fibers, and
   * other loggers see the fields too. They are rendered in the order given,
   * after the context already there (a key given again keeps its place and
   * takes the new value), like keys added with plain `Effect.annotateLogs`.
   *
   * Data-first: `Log.withContext(effect, …)`.
   */
  <A, E, R>(self: Effect.Effect<A, E, R>, fields: LogFields): Effect.Effect<A, E, R>
} = dual(
  (args) => isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, fields: LogFields): Effect.Effect<A, E, R> =>
    context.withContext(fields)(self)
)

/** `Effect.isEffect`, `false` for a value (a hostile Proxy) that throws when asked. */
const isEffect = (u: unknown): boolean => {
  try {
    return Effect.isEffect(u)
  } catch {
    return false
  }
}

/**
 * Adds `fields` to every record logged in the rest of the current scope, in
 * the order given (see {@link withContext}).
 *
 * @since 0.2.0
 * @category context
 */
export const withContextScoped = (fields: LogFields): Effect.Effect<void, never, Scope.Scope> =>
  context.withContextScoped(fields)

/**
 * Options of {@link fingersCrossed}. Levels in any spelling
 * `PROVIDE_LOG_LEVEL` accepts (`"debug"`, `"DEBUG"`, `"warn"`, ...).
 *
 * @since 0.2.0
 * @category models
 */
export interface FingersCrossedOptions {
  /**
   * The most records kept; beyond it the oldest are dropped and counted (a
   * WARN line "N earlier records dropped from the fingers-crossed buffer"
   * comes before the released ones). A whole number >= 1. Default: 1,000.
   */
  readonly maxRecords?: number | undefined
  /**
   * A record at or above this level, written in the scope, releases the
   * buffer first. Default: `"error"`.
   */
  readonly trigger?: LevelInput | undefined
  /** The lowest level kept: records below it are dropped as usual. Default: `"trace"` (everything). */
  readonly level?: LevelInput | undefined
}

/**
 * Debug lines that appear only when something fails. Inside `self`, the
 * `Log.*` records the level drops (`Log.debug` under INFO) are kept in a ring
 * buffer instead (at most `maxRecords`, the oldest dropped and counted).
 * When a record at or above `trigger` (default ERROR; `Log.*` or
 * `Effect.log*`) is written inside, or `self` fails with a failure or a
 * defect, the kept records are written first, in their order and exactly as
 * they would have been written at the call (timestamp, context, spans,
 * fields, error), then the trigger record; after that, the scope's records
 * are written at once. When `self` ends otherwise (success, interruption),
 * they are discarded. Records at or above the level are written at once, as
 * always.
 *
 * Every fiber `self` forks shares its buffer; concurrent scopes never share
 * one. Options that are not valid are checked once, when `fingersCrossed` is
 * called, and make an effect that dies with an `IllegalArgumentError`
 * naming the option (`Log.fingersCrossed option maxRecords: invalid value 0;
 * accepted: a whole number >= 1`), without running `self`; it never throws.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Log } from "effect-foundation/effect4"
 * const handle = (id: number) =>
 *   Effect.gen(function*() {
 *     yield* Log.debug("loaded", { id }) // written only if the request fails
 *     yield* Log.info("handled", { id })
 *   }).pipe(Log.fingersCrossed({ maxRecords: 500 }))
 * ```
 *
 * @since 0.2.0
 * @category context
 */
export const fingersCrossed: {
  /**
   * Debug lines that appear only when something fails. Inside `self`, the
   * `Log.*` records the level drops (`Log.debug` under INFO) are kept in a ring
   * buffer instead (at most `maxRecords`, the oldest dropped and counted).
   * When a record at or above `trigger` (default ERROR; `Log.*` or
   * `Effect.log*`) is written inside, or `self` fails with a failure or a
   * defect, the kept records are written first, in their order and exactly as
   * they would have been written at the call (timestamp, context, spans,
   * fields, error), then the trigger record; after that, the scope's records
   * are written at once. When `self` ends otherwise (success, interruption),
   * they are discarded. Records at or above the level are written at once, as
   * always.
   *
   * Data-last: `effect.pipe(Log.fingersCrossed(…))`.
   */
  (options?: FingersCrossedOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Debug lines that appear only when something fails. Inside `self`, the
   * `Log.*` records the level drops (`Log.debug` under INFO) are kept in a ring
   * buffer instead (at most `maxRecords`, the oldest dropped and counted).
   * When a record at or above `trigger` (default ERROR; `Log.*` or
   * `Effect.log*`) is written inside, or `self` fails with a failure or a
   * defect, the kept records are written first, in their order and exactly as
   * they would have been written at the call (timestamp, context, spans,
   * fields, error), then the trigger record; after that, the scope's records
   * are written at once. When `self` ends otherwise (success, interruption),
   * they are discarded. Records at or above the level are written at once, as
   * always.
   *
   * Data-first: `Log.fingersCrossed(effect, …)`.
   */
  <A, E, R>(self: Effect.Effect<A, E, R>, options?: FingersCrossedOptions): Effect.Effect<A, E, R>
} = (...args: Array<any>): any => {
  if (isEffect(args[0])) {
    const self = args[0]
    return orDie(internalFingersCrossed.check(args[1]), (o) => internalFingersCrossed.fingersCrossed(self, o))
  }
  const checked = internalFingersCrossed.check(args[0])
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    orDie(checked, (o) => internalFingersCrossed.fingersCrossed(self, o))
}

/**
 * {@link fingersCrossed} for the rest of the current scope: the buffer is
 * released when a trigger is written, or when the scope closes with a failure
 * or a defect (`Effect.scoped` of an effect that fails). Options that are not
 * valid make an effect that dies with an `IllegalArgumentError` naming the
 * option.
 *
 * @since 0.2.0
 * @category context
 */
export const fingersCrossedScoped = (options?: FingersCrossedOptions): Effect.Effect<void, never, Scope.Scope> =>
  orDie(internalFingersCrossed.check(options), internalFingersCrossed.fingersCrossedScoped)
