/**
 * The fiber's context for the Effect 4 binding: `Log.withContext` and `Effect.annotateLogs` both write effect 4's
 * log annotations (`References.CurrentLogAnnotations`, a plain record), so every logger sees the same context. Our
 * formatters read it as the core's `Context` (keys and values in the order given), converted once per annotations
 * object and cached by identity.
 */
import * as Effect from "effect/Effect"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import { Context, emptyContext, type Fields } from "../../core/record.js"
import { safeFields } from "../../core/render.js"

/**
 * The core `Context` of each annotations object (an annotations object never changes: a new scope makes a new one).
 * Registered by `withContext` with its keys in the order given (keys already there first); for a record made by
 * `Effect.annotateLogs`, its own key order.
 */
const contexts = new WeakMap<object, Context>()

/**
 * The core `Context` of an annotations record (cached by identity: built once per context scope).
 *
 * @internal
 */
export const contextOf = (annotations: Readonly<Record<string, unknown>>): Context => {
  let c = contexts.get(annotations)
  if (c === undefined) {
    const keys = Object.keys(annotations)
    c = keys.length === 0 ? emptyContext : new Context(keys, keys.map((key) => annotations[key]))
    contexts.set(annotations, c)
  }
  return c
}

/** The annotations with `fields` added (a plain snapshot, read through guards), and its context in the order given. */
const addContext = (
  annotations: Readonly<Record<string, unknown>>,
  fields: Fields
): Readonly<Record<string, unknown>> => {
  const safe = safeFields(fields)
  const added = Object.keys(safe)
  if (added.length === 0) return annotations
  const before = contextOf(annotations)
  const keys = before.keys.slice()
  const values = before.values.slice()
  const next: Record<string, unknown> = Object.create(null)
  for (let i = 0; i < keys.length; i++) next[keys[i]!] = values[i]
  for (const key of added) {
    const at = keys.indexOf(key)
    if (at === -1) {
      keys.push(key)
      values.push(safe[key])
    } else values[at] = safe[key]
    next[key] = safe[key]
  }
  contexts.set(next, new Context(keys, values))
  return next
}

/**
 * Every record logged inside `effect` (ours and `Effect.log*`, in any fiber it forks) carries `fields`.
 *
 * @internal
 */
export const withContext = (fields: Fields) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.updateService(effect, References.CurrentLogAnnotations, (annotations) => addContext(annotations, fields))

/**
 * Every record logged in the rest of the scope carries `fields`; the context before is restored when it closes.
 *
 * @internal
 */
export const withContextScoped = (fields: Fields): Effect.Effect<void, never, Scope.Scope> =>
  Effect.updateServiceScoped(
    References.CurrentLogAnnotations,
    (annotations) => addContext(annotations, fields),
    { reset: (original) => original }
  )
