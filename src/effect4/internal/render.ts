/**
 * The Effect 4 binding's side of rendering (src/core/render.ts): effect 4's own values (a `Redacted` shows
 * `<redacted>`, a `Cause` found in a field its failures, defects and interruption), and the program's redactor,
 * published by the logging layer for every destination (other loggers, span events, OTLP).
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { type KeyAction, makeRedactor, type Redactor } from "../../core/redact.js"
import * as core from "../../core/render.js"
import { causeDataOf } from "./cause.js"

/**
 * The core's renderer, with effect 4's `Redacted` and `Cause` values.
 *
 * @internal
 */
export class Renderer extends core.Renderer {
  protected override special(obj: object, depth: number, seen: Array<object> | undefined): unknown {
    if (Redacted.isRedacted(obj)) return "<redacted>"
    if (!Cause.isCause(obj)) return undefined
    if (seen !== undefined && seen.includes(obj)) return "[Circular]"
    if (depth >= this.limits.maxDepth) return "[Max depth]"
    const data = causeDataOf(obj)
    return data === undefined ? {} : this.causeData(data, depth, seen === undefined ? [obj] : [...seen, obj])
  }

  /**
   * Effect 4's layout of one failure's stack (its internal frames dropped), from a carrier holding only what is
   * shown: no user field, no toString, no cause reaches `Cause.prettyErrors`.
   */
  override errorStack(name: string, message: string, stack: string, _value: unknown): string {
    const carrier = Object.create(Error.prototype) as Record<PropertyKey, unknown>
    carrier.name = name
    carrier.message = message
    carrier.stack = stack
    try {
      const pretty = Cause.prettyErrors(Cause.die(carrier))[0]
      return typeof pretty?.stack === "string" ? pretty.stack : name + ": " + message
    } catch {
      return name + ": " + message
    }
  }
}

/**
 * The redactor published by the logging layer in force (`undefined`: none published, the default rules apply).
 *
 * @internal
 */
export const CurrentRedactor: Context.Reference<Redactor | undefined> = Context.Reference<Redactor | undefined>(
  "effect-foundation/effect4/CurrentRedactor",
  { defaultValue: () => undefined }
)

const defaultRedactor: Redactor = makeRedactor()

/** The redactor to use when `published` is what the reference holds. @internal */
export const redactorOf = (published: Redactor | undefined): Redactor => published ?? defaultRedactor

/** Publishes `redactor` for the rest of the scope. @internal */
export const publish = (redactor: Redactor): Effect.Effect<void, never, Scope.Scope> =>
  Effect.updateServiceScoped(CurrentRedactor, () => redactor, { reset: (original) => original })

const renderers = new WeakMap<Redactor, Renderer>()

/** One renderer per redactor (it caches key decisions). @internal */
export const rendererFor = (redactor: Redactor): Renderer => {
  let r = renderers.get(redactor)
  if (r === undefined) {
    r = new Renderer(redactor, core.defaultLimits)
    renderers.set(redactor, r)
  }
  return r
}

/**
 * `base`, hiding also what `more` hides: a key is sensitive when either says so, strings are masked by both. `more`
 * can never reveal what `base` hides.
 *
 * @internal
 */
export const widen = (base: Redactor, more: Redactor | undefined): Redactor => {
  if (more === undefined || !more.enabled || more === base) return base
  if (!base.enabled) return more
  return {
    enabled: true,
    classifyKey: (key) => Math.max(base.classifyKey(key), more.classifyKey(key)) as KeyAction,
    maskString: (s) => more.maskString(base.maskString(s))
  }
}
