/**
 * The view of a `Log.*` record for loggers that are not ours (`Logger.consoleJson`, OpenTelemetry's, a user's):
 * what `Effect.log*` would give them, with the record's fields as log annotations, everything through the redactor
 * in force, like our own lines.
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import type * as Fiber from "effect/Fiber"
import type * as Logger from "effect/Logger"
import * as References from "effect/References"
import type { CauseData, LogRecord } from "../../core/record.js"
import { putField, safeFields } from "../../core/render.js"
import { toEffectLevel } from "./level.js"
import type { Origin } from "./log.js"
import { CurrentRedactor, redactorOf, type Renderer, rendererFor } from "./render.js"

/** `String(u)`, or a placeholder for a value that throws when turned into a string. */
const textOf = (u: unknown): string => {
  try {
    return String(u)
  } catch {
    return "[Unrenderable message]"
  }
}

/**
 * A record's fields as one object: the context, then the logger name (when `withName`), the bound fields and the
 * call's fields (later sources win). Call fields are read through guards.
 *
 * @internal
 */
export const mergedFields = (record: LogRecord, withName: boolean): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  const { keys, values } = record.context
  for (let i = 0; i < keys.length; i++) putField(fields, keys[i]!, values[i])
  const binding = record.binding
  if (withName && binding.name !== undefined) putField(fields, "logger_name", binding.name)
  const bound = binding.fields
  if (bound != null) { for (const key of Object.keys(bound)) putField(fields, key, bound[key]) }
  if (record.fields != null) {
    const call = safeFields(record.fields)
    for (const key of Object.keys(call)) putField(fields, key, call[key])
  }
  return fields
}

/**
 * A failure or defect as another logger may see it: an error becomes an error of the same class with its name,
 * message and stack masked and its own fields walked by the redactor; any other value its redacted JSON-safe copy.
 */
const redactedValue = (renderer: Renderer, u: unknown): unknown => {
  if (!(u instanceof Error)) return renderer.safe(u)
  const copy = Object.create(Object.getPrototypeOf(u) as object) as Record<PropertyKey, unknown>
  const safe = renderer.safe(u) as Record<string, unknown>
  for (const key of Object.keys(safe)) putField(copy, key, safe[key])
  for (const key of ["name", "message", "stack"]) {
    const value = safe[key]
    Object.defineProperty(copy, key, { value, enumerable: false, writable: true, configurable: true })
  }
  return copy
}

/** The record's error and cause as one redacted effect 4 `Cause` (the error first, as a failure). */
const redactedCause = (renderer: Renderer, error: unknown, cause: CauseData | undefined): Cause.Cause<unknown> => {
  if (error === undefined && cause === undefined) return Cause.empty
  const reasons: Array<Cause.Reason<unknown>> = []
  try {
    if (error !== undefined) reasons.push(Cause.makeFailReason(redactedValue(renderer, error)))
    if (cause !== undefined) {
      for (const r of cause.reasons) {
        const value = redactedValue(renderer, r.value)
        reasons.push(r.kind === "fail" ? Cause.makeFailReason(value) : Cause.makeDieReason(value))
      }
      if (cause.interrupted) reasons.push(Cause.makeInterruptReason())
    }
  } catch {
    return Cause.fail("[Unrenderable cause]")
  }
  return Cause.fromReasons(reasons)
}

/**
 * Hands the view of a `Log.*` record to the other loggers. The message is `[message]`; the log annotations (what
 * `fiber.getRef(References.CurrentLogAnnotations)` returns to them) are the context, then `logger_name`, the bound
 * fields and the call fields; an error (`Log.exception`) joins the cause as a failure. The message, every
 * annotation (keys redacted or removed at any depth, strings masked), the log span labels and the cause's failures
 * and defects go through the redactor published by the logging layer (the default rules without one).
 *
 * @internal
 */
export const toOthers = (
  others: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  origin: Origin,
  record: LogRecord
): void => {
  const renderer = rendererFor(redactorOf(Context.get(origin.context, CurrentRedactor)))
  const annotations = renderer.fields(mergedFields(record, true))
  const spans = origin.fiber.getRef(References.CurrentLogSpans)
  const shownSpans = spans.length === 0
    ? spans
    : spans.map(([label, start]): [string, number] => [renderer.string(label), start])
  const context = Context.add(
    Context.add(origin.context, References.CurrentLogAnnotations, annotations),
    References.CurrentLogSpans,
    shownSpans
  )
  const fiber = Object.create(origin.fiber, { context: { value: context } }) as Fiber.Fiber<unknown, unknown>
  const options: Logger.Options<unknown> = {
    message: [renderer.string(textOf(record.message))],
    logLevel: toEffectLevel[record.level],
    cause: redactedCause(renderer, record.error, record.cause),
    fiber,
    date: new Date(record.time)
  }
  for (const logger of others) {
    try {
      logger.log(options)
    } catch {
      // another logger that throws costs our record nothing
    }
  }
}
