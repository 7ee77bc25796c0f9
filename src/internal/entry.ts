/**
 * The record of a `Log.*` call, as the binding makes it: the bound logger it
 * came from (`Binding`), the message, the call's fields and error (`Entry`),
 * and the fiber's context in the order it was given.
 */
import { globalValue } from "effect/GlobalValue"
import * as HashMap from "effect/HashMap"
import { putField, safeFields } from "./render.js"

/** @internal */
export type Fields = Readonly<Record<string, unknown>>

/**
 * A binding: optional logger name and fields, fixed when the bound logger is
 * made. Each formatter prepares it once (rendered fields, emoji, level
 * threshold) and keeps that in its own cache, keyed by the binding.
 *
 * @internal
 */
export class Binding {
  constructor(
    readonly name: string | undefined,
    readonly fields: Fields | undefined
  ) {}
}

/** @internal */
export class Entry {
  constructor(
    readonly binding: Binding,
    readonly message: string,
    readonly fields: Fields | undefined,
    readonly error: unknown = undefined
  ) {}
  toJSON(): unknown {
    return {
      message: this.message,
      ...(this.binding.name === undefined ? {} : { logger_name: this.binding.name }),
      ...this.binding.fields,
      ...this.fields
    }
  }
  toString(): string {
    return this.message
  }
}

/** @internal */
export const rootBinding = new Binding(undefined, undefined)

// ---------------------------------------------------------------------------
// Context in the order given
// ---------------------------------------------------------------------------

/**
 * The key order of the annotation maps made by `Log.withContext`: Effect's
 * `HashMap` iterates in hash order, so each map we make is registered with its
 * keys in the order they were given (keys already there first).
 */
const contextOrder: WeakMap<object, ReadonlyArray<string>> = globalValue(
  Symbol.for("effect-foundation/contextOrder"),
  () => new WeakMap()
)

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
    const order = (contextOrder.get(annotations) ?? Array.from(HashMap.keys(annotations))).slice()
    for (const key of keys) if (!HashMap.has(annotations, key)) order.push(key)
    contextOrder.set(next, order)
    return next
  }

/**
 * Visits the annotations in order: the keys `Log.withContext` gave in the order
 * given; a map made by `Effect.annotateLogs` in Effect's (hash) order.
 *
 * @internal
 */
export const contextEntries = (
  annotations: HashMap.HashMap<string, unknown>,
  f: (key: string, value: unknown) => void
): void => {
  const order = contextOrder.get(annotations)
  if (order === undefined) {
    for (const [key, value] of annotations) f(key, value)
    return
  }
  for (let i = 0; i < order.length; i++) {
    const value = HashMap.get(annotations, order[i]!)
    if (value._tag === "Some") f(order[i]!, value.value)
  }
}

/**
 * A record's fields as one object: context annotations, then bound fields,
 * then call fields (later sources win). Call fields are read through guards.
 *
 * @internal
 */
export const mergedFields = (
  annotations: HashMap.HashMap<string, unknown>,
  entry: Entry | undefined
): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  contextEntries(annotations, (key, value) => putField(fields, key, value))
  const bound = entry?.binding.fields
  if (bound != null) { for (const key of Object.keys(bound)) putField(fields, key, bound[key]) }
  if (entry?.fields != null) {
    const call = safeFields(entry.fields)
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
