/**
 * The redacted view of a record's parts for loggers that are not ours
 * (`Logger.json`, OpenTelemetry's, a user's): log span labels, failures and
 * defects go through the same renderer, so the same rules, as our lines.
 */
import * as Cause from "effect/Cause"
import * as List from "effect/List"
import type * as LogSpan from "effect/LogSpan"
import { putField, type Renderer } from "./render.js"

/**
 * The log spans with their labels masked (the same list when no label changes).
 *
 * @internal
 */
export const redactedSpans = (renderer: Renderer, spans: List.List<LogSpan.LogSpan>): List.List<LogSpan.LogSpan> => {
  let changed = false
  for (const span of spans) if (renderer.string(span.label) !== span.label) changed = true
  return changed
    ? List.map(spans, (span) => ({ label: renderer.string(span.label), startTime: span.startTime }))
    : spans
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
    return Cause.fail(renderer.causeText(cause))
  }
}
