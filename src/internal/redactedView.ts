/**
 * The redacted view of a record's parts for loggers that are not ours
 * (`Logger.json`, OpenTelemetry's, a user's): log span labels, failures and
 * defects go through the same renderer, so the same rules, as our lines.
 */
import * as Cause from "effect/Cause"
import * as FiberRefs from "effect/FiberRefs"
import * as HashMap from "effect/HashMap"
import * as List from "effect/List"
import type * as Logger from "effect/Logger"
import type * as LogSpan from "effect/LogSpan"
import type { LogRecord, Span } from "../core/record.js"
import { putField, safeFields } from "../core/render.js"
import { textOf } from "./entry.js"
import { toEffectLevel } from "./level.js"
import { currentRedactor, redactorOf, rendererFor } from "./redactorRef.js"
import type { Renderer } from "./render.js"

/**
 * The log spans as Effect's `List` (innermost first), their labels masked.
 *
 * @internal
 */
export const redactedSpans = (renderer: Renderer, spans: ReadonlyArray<Span>): List.List<LogSpan.LogSpan> => {
  let out: List.List<LogSpan.LogSpan> = List.nil()
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!
    const label = renderer.string(span.label)
    out = List.prepend(out, label === span.label ? span : { label, startTime: span.startTime })
  }
  return out
}

/** Where Effect keeps the span a failure was raised in (`Symbol.for`, shared by every Effect copy). */
const spanSymbol = Symbol.for("effect/SpanAnnotation")

/**
 * A failure or defect as another logger may see it: an error becomes an error of the same class with its name,
 * message and stack masked and its own fields walked by the redactor (keys redacted or removed); any other value its
 * redacted JSON-safe copy.
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
  try {
    if (spanSymbol in u) copy[spanSymbol] = (u as unknown as Record<PropertyKey, unknown>)[spanSymbol]
  } catch {
    // a hostile Proxy: no span location
  }
  return copy
}

/**
 * The cause with every failure and defect redacted; one masked text failure when it cannot be walked.
 *
 * @internal
 */
export const redactedCause = (renderer: Renderer, cause: Cause.Cause<unknown>): Cause.Cause<unknown> => {
  const walk = (c: Cause.Cause<unknown>, depth: number): Cause.Cause<unknown> => {
    if (depth > 1000) throw new Error("cause too deep")
    switch (c._tag) {
      case "Fail":
        return Cause.fail(redactedValue(renderer, c.error))
      case "Die":
        return Cause.die(redactedValue(renderer, c.defect))
      case "Sequential":
        return Cause.sequential(walk(c.left, depth + 1), walk(c.right, depth + 1))
      case "Parallel":
        return Cause.parallel(walk(c.left, depth + 1), walk(c.right, depth + 1))
      default:
        return c
    }
  }
  try {
    return walk(cause, 0)
  } catch {
    return Cause.fail(renderer.effectCauseText(cause))
  }
}

/**
 * What another logger (`Logger.json`, `Logger.pretty`, OpenTelemetry's, a
 * user's) receives for a `Log.*` record: what `Effect.log*` would give it with
 * the record's fields as annotations. The message is `[message]`; the
 * annotations are the context, then `logger_name`, the bound fields and the
 * call fields; an error (`Log.exception`) joins the cause as a failure.
 *
 * Everything goes through the redactor in force (the published one, or the
 * default rules when no logging layer is installed), like our own lines: the
 * message, the logger name, every annotation (keys redacted or removed at any
 * depth, strings masked), the log span labels and the cause's failures and
 * defects (an error keeps its class, name and stack, masked).
 *
 * @internal
 */
export const effectOptions = (
  fiberId: Logger.Logger.Options<unknown>["fiberId"],
  record: LogRecord,
  cause: Cause.Cause<unknown>,
  context: Logger.Logger.Options<unknown>["context"]
): Logger.Logger.Options<unknown> => {
  const renderer = rendererFor(redactorOf(FiberRefs.getOrDefault(context, currentRedactor)))
  const fields: Record<string, unknown> = {}
  const ctx = record.context
  for (let i = 0; i < ctx.keys.length; i++) putField(fields, ctx.keys[i]!, ctx.values[i])
  if (record.binding.name !== undefined) putField(fields, "logger_name", record.binding.name)
  const bound = record.binding.fields
  if (bound != null) { for (const key of Object.keys(bound)) putField(fields, key, bound[key]) }
  if (record.fields != null) {
    const call = safeFields(record.fields)
    for (const key of Object.keys(call)) putField(fields, key, call[key])
  }
  const shown = renderer.fields(fields)
  const all = HashMap.mutate(HashMap.empty<string, unknown>(), (m) => {
    for (const key of Object.keys(shown)) HashMap.set(m, key, shown[key])
  })
  const failure = record.error === undefined
    ? cause
    : cause._tag === "Empty"
    ? Cause.fail(record.error)
    : Cause.sequential(Cause.fail(record.error), cause)
  return {
    fiberId,
    logLevel: toEffectLevel[record.level],
    message: [renderer.string(textOf(record.message))],
    cause: failure._tag === "Empty" ? failure : redactedCause(renderer, failure),
    context,
    spans: redactedSpans(renderer, record.spans),
    annotations: all,
    date: new Date(record.time)
  }
}
