/**
 * What the binding converts once to build the core's `LogRecord` (src/core/record.ts) from Effect's structures: the
 * context (an annotation `HashMap`, in the order `Log.withContext` gave it), the log spans (a `List`), and, for
 * consumers that want one object of fields (TestLog, span events, other loggers), the record's fields merged.
 */
import { globalValue } from "effect/GlobalValue"
import * as HashMap from "effect/HashMap"
import * as List from "effect/List"
import type * as LogSpan from "effect/LogSpan"
import { Context, emptyContext, type LogRecord, type Span } from "../core/record.js"
import { putField, safeFields } from "../core/render.js"

// ---------------------------------------------------------------------------
// Context in the order given
// ---------------------------------------------------------------------------

/**
 * The plain context (the core's `Context`) of each annotation map a record was logged with, converted once per map.
 * Effect's `HashMap` iterates in hash order, so each map `Log.withContext` makes is registered here at once, with its
 * keys in the order they were given (keys already there first); a map made by `Effect.annotateLogs` is converted
 * in Effect's (hash) order when a record first meets it.
 */
const contexts: WeakMap<object, Context> = globalValue(
  Symbol.for("effect-foundation/contexts"),
  () => new WeakMap()
)

let lastMap: HashMap.HashMap<string, unknown> | undefined = undefined
let lastContext: Context = emptyContext

/**
 * The plain context of an annotation map (the same object for the same map).
 *
 * @internal
 */
export const contextOf = (annotations: HashMap.HashMap<string, unknown>): Context => {
  if (annotations === lastMap) return lastContext
  let context = contexts.get(annotations)
  if (context === undefined) {
    if (HashMap.size(annotations) === 0) context = emptyContext
    else {
      const keys: Array<string> = []
      const values: Array<unknown> = []
      for (const [key, value] of annotations) {
        keys.push(key)
        values.push(value)
      }
      context = new Context(keys, values)
      contexts.set(annotations, context)
    }
  }
  lastMap = annotations
  lastContext = context
  return context
}

/**
 * Adds `fields` (a plain snapshot) to an annotation map, remembering their order.
 *
 * @internal
 */
export const addContext =
  (fields: Readonly<Record<string, unknown>>) =>
  (annotations: HashMap.HashMap<string, unknown>): HashMap.HashMap<string, unknown> => {
    const keys = Object.keys(fields)
    if (keys.length === 0) return annotations
    const next = HashMap.mutate(annotations, (m) => {
      for (const key of keys) HashMap.set(m, key, fields[key])
    })
    const before = contextOf(annotations)
    const order = before.keys.slice()
    const values = before.values.slice()
    for (const key of keys) {
      const i = order.indexOf(key)
      if (i >= 0) values[i] = fields[key]
      else {
        order.push(key)
        values.push(fields[key])
      }
    }
    contexts.set(next, new Context(order, values))
    return next
  }

/**
 * A record's fields as one object: context, then bound fields, then call fields (later sources win). Call fields
 * are read through guards.
 *
 * @internal
 */
export const mergedFields = (record: LogRecord): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  const context = record.context
  for (let i = 0; i < context.keys.length; i++) putField(fields, context.keys[i]!, context.values[i])
  const bound = record.binding.fields
  if (bound != null) { for (const key of Object.keys(bound)) putField(fields, key, bound[key]) }
  if (record.fields != null) {
    const call = safeFields(record.fields)
    for (const key of Object.keys(call)) putField(fields, key, call[key])
  }
  return fields
}

/** `String(u)`, or a placeholder for a value that throws when turned into a string. @internal */
export const textOf = (u: unknown): string => {
  try {
    return String(u)
  } catch {
    return "[Unrenderable message]"
  }
}

/** No log spans. @internal */
export const noSpans: ReadonlyArray<Span> = []

let lastSpans: List.List<LogSpan.LogSpan> | undefined = undefined
let lastSpanArray: ReadonlyArray<Span> = noSpans

/**
 * The log spans of a `List` as the core's array, in the List's order (innermost first, as Effect's loggers show
 * them); the last list's array is reused (a `LogSpan` is already a plain `{ label, startTime }`).
 *
 * @internal
 */
export const spansOf = (spans: List.List<LogSpan.LogSpan>): ReadonlyArray<Span> => {
  if (spans._tag === "Nil") return noSpans
  if (spans !== lastSpans) {
    lastSpans = spans
    lastSpanArray = List.toArray(spans)
  }
  return lastSpanArray
}
