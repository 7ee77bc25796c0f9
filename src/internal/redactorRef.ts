/**
 * The program's redactor, published for every destination.
 *
 * `Foundation.layer` (and `EmojiLogger.layer`) set {@link currentRedactor} for
 * their scope to the redactor of the console / JSON lines; span events and the
 * OTLP exporter use the same one, so a key configured once
 * (`PROVIDE_LOG_SANITIZATION_KEYS=pin`, `Foundation.layer({ redaction })`) is
 * hidden everywhere. A destination's own options can only add to it
 * ({@link widen}).
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import type * as Scope from "effect/Scope"
import { type KeyAction, makeRedactor, type Redactor } from "../core/redact.js"
import { defaultLimits } from "../core/render.js"
import { Renderer } from "./render.js"

/**
 * The redactor published by the logging layer in force (`undefined`: none
 * published, the default rules apply).
 *
 * @internal
 */
export const currentRedactor: FiberRef.FiberRef<Redactor | undefined> = globalValue(
  Symbol.for("effect-foundation/currentRedactor"),
  () => FiberRef.unsafeMake<Redactor | undefined>(undefined)
)

const defaultRedactor: Redactor = globalValue(Symbol.for("effect-foundation/defaultRedactor"), () => makeRedactor())

/** The redactor to use when `published` is what the FiberRef holds. @internal */
export const redactorOf = (published: Redactor | undefined): Redactor => published ?? defaultRedactor

/** Publishes `redactor` for the rest of the scope. @internal */
export const publish = (redactor: Redactor): Effect.Effect<void, never, Scope.Scope> =>
  Effect.locallyScoped(currentRedactor, redactor)

const renderers = new WeakMap<Redactor, Renderer>()

/** One renderer per redactor (it caches key decisions). @internal */
export const rendererFor = (redactor: Redactor): Renderer => {
  let r = renderers.get(redactor)
  if (r === undefined) {
    r = new Renderer(redactor, defaultLimits)
    renderers.set(redactor, r)
  }
  return r
}

/**
 * `base`, hiding also what `more` hides: a key is sensitive when either says
 * so, strings are masked by both. `more` can never reveal what `base` hides
 * (`more` off changes nothing).
 *
 * @internal
 */
export const widen = (base: Redactor, more: Redactor | undefined): Redactor => {
  if (more === undefined || !more.enabled || more === base) return base
  if (!base.enabled) return more
  return {
    enabled: true,
    // remove > redact > keep: the stronger of the two
    classifyKey: (key) => Math.max(base.classifyKey(key), more.classifyKey(key)) as KeyAction,
    maskString: (s) => more.maskString(base.maskString(s))
  }
}
