/**
 * The binding's side of rendering (src/core/render.ts): Effect's own values. A `Redacted` shows `<redacted>`, a
 * `Cause` its failures, defects and interruption (as the core's `CauseData`); a cause's text (src/core/cause.ts)
 * gets Effect's stack layout.
 */
import * as Cause from "effect/Cause"
import * as Redacted from "effect/Redacted"
import { causeText } from "../core/cause.js"
import type { CauseData, CauseReason } from "../core/record.js"
import * as core from "../core/render.js"

/**
 * The core's renderer, with Effect's `Redacted` and `Cause` values and Effect's stack layout in a cause's text.
 *
 * @internal
 */
export class Renderer extends core.Renderer {
  protected override special(obj: object, depth: number, seen: Array<object> | undefined): unknown {
    if (Redacted.isRedacted(obj)) return "<redacted>"
    if (!Cause.isCause(obj)) return undefined
    if (seen !== undefined && seen.includes(obj)) return "[Circular]"
    if (depth >= this.limits.maxDepth) return "[Max depth]"
    return this.causeData(causeDataOf(obj), depth, seen === undefined ? [obj] : [...seen, obj])
  }

  /**
   * Effect's layout (internal frames dropped, the span the failure was raised in added), from a carrier holding
   * only what is shown: no user field, no toString, no cause reaches `Cause.prettyErrors`.
   */
  override errorStack(name: string, message: string, stack: string, value: unknown): string {
    const carrier = Object.create(Error.prototype) as Record<PropertyKey, unknown>
    carrier.name = name
    carrier.message = message
    carrier.stack = stack
    if (typeof value === "object" && value !== null) {
      try {
        if (spanSymbol in value) carrier[spanSymbol] = (value as Record<PropertyKey, unknown>)[spanSymbol]
      } catch {
        // a hostile Proxy: no span locations
      }
    }
    const pretty = Cause.prettyErrors(Cause.die(carrier))[0]
    return typeof pretty?.stack === "string" ? pretty.stack : name + ": " + message
  }

  /** {@link causeText} of an Effect `Cause`. */
  effectCauseText(cause: Cause.Cause<unknown>): string {
    return causeText(this, causeDataOf(cause))
  }
}

/** Where Effect keeps the span a failure was raised in (`Symbol.for`, shared by every Effect copy). */
const spanSymbol = Symbol.for("effect/SpanAnnotation")

/**
 * A cause as the core's plain data: its failures and defects left to right (`Cause.pretty`'s order) and whether a
 * fiber was interrupted.
 *
 * @internal
 */
export const causeDataOf = (cause: Cause.Cause<unknown>): CauseData => {
  const reasons: Array<CauseReason> = []
  let interrupted = false
  const stack: Array<Cause.Cause<unknown>> = [cause]
  while (stack.length > 0) {
    const c = stack.pop()!
    switch (c._tag) {
      case "Fail":
        reasons.push({ kind: "fail", value: c.error })
        break
      case "Die":
        reasons.push({ kind: "die", value: c.defect })
        break
      case "Interrupt":
        interrupted = true
        break
      case "Sequential":
      case "Parallel":
        stack.push(c.right, c.left)
        break
    }
  }
  return { reasons, interrupted }
}
