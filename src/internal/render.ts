/**
 * The binding's side of rendering (src/core/render.ts): Effect's own values. A `Redacted` shows `<redacted>`, a
 * `Cause` its failures, defects and interruption; `causeText` lays a cause out like `Cause.pretty`. The rest of the
 * renderer is in the core, re-exported here for the binding's modules.
 */
import * as Cause from "effect/Cause"
import * as Redacted from "effect/Redacted"
import * as core from "../core/render.js"
import { describeThrown, readField } from "../core/render.js"

export {
  /** @internal */
  consoleKey,
  /** @internal */
  consoleString,
  /** @internal */
  defaultLimits,
  /** @internal */
  escapeText,
  /** @internal */
  jsonString,
  /** @internal */
  ownKeys,
  /** @internal */
  putField,
  /** @internal */
  readField,
  /** @internal */
  type RenderLimits,
  /** @internal */
  safeFields,
  /** @internal */
  truncate
} from "../core/render.js"

/**
 * The core's renderer, with Effect's `Redacted` and `Cause` values.
 *
 * @internal
 */
export class Renderer extends core.Renderer {
  protected override special(obj: object, depth: number, seen: Array<object> | undefined): unknown {
    if (Redacted.isRedacted(obj)) return "<redacted>"
    if (!Cause.isCause(obj)) return undefined
    if (seen !== undefined && seen.includes(obj)) return "[Circular]"
    if (depth >= this.limits.maxDepth) return "[Max depth]"
    return this.cause(obj, depth, seen === undefined ? [obj] : [...seen, obj])
  }

  /** `{ failures: [...], defects: [...], interrupted: true }`, empty parts left out. */
  cause(cause: Cause.Cause<unknown>, depth = 0, path: Array<object> = []): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const failures = Array.from(Cause.failures(cause))
    const defects = Array.from(Cause.defects(cause))
    if (failures.length > 0) this.put(out, "failures", this.array(failures, depth, path))
    if (defects.length > 0) this.put(out, "defects", this.array(defects, depth, path))
    if (Cause.isInterrupted(cause)) this.put(out, "interrupted", true)
    return out
  }

  /**
   * A human summary of a cause (console `cause=`, OTLP `effect.cause`), laid out like `Cause.pretty` with
   * `renderErrorCause` (one block per failure or defect, `[cause]:` blocks down an error's cause chain, Effect's
   * stack clean-up and span locations), but every value goes through the redacting walk: an error shows its name,
   * message and stack; any other failure its walked JSON (keys redacted or removed), never its `toString`. Strings
   * are masked and cut like any value. Multi-line: the console escapes it into one line.
   */
  causeText(cause: Cause.Cause<unknown>): string {
    try {
      if (Cause.isInterruptedOnly(cause)) return "All fibers interrupted without errors."
      const errors = causeReasons(cause, this.limits.maxKeys + 1)
      let text = ""
      const n = Math.min(errors.length, this.limits.maxKeys)
      for (let i = 0; i < n; i++) {
        let part: string
        try {
          part = this.errorChain(errors[i])
        } catch (e) {
          part = "[Unrenderable: " + describeThrown(e) + "]"
        }
        text += (i === 0 ? "" : "\n") + part
      }
      if (errors.length > n) text += "\n… more errors"
      return this.string(text)
    } catch (e) {
      return "[Unrenderable cause: " + describeThrown(e) + "]"
    }
  }

  /** One failure or defect and its cause chain, in `Cause.pretty`'s layout. */
  private errorChain(u: unknown): string {
    const first = this.errorBlock(u)
    let text = first[0]
    let next = first[1]
    const path: Array<unknown> = [u]
    let prefix = ""
    let closers = ""
    while (next !== undefined && path.length < this.limits.maxDepth && !path.includes(next)) {
      path.push(next)
      const [block, after] = this.errorBlock(next)
      next = after
      prefix += "  "
      text += " {\n" + prefix + "[cause]: " + block.split("\n").join("\n" + prefix)
      closers = "\n" + prefix.slice(2) + "}" + closers
    }
    return text + closers
  }

  /** `Name: message` and Effect's cleaned stack lines for one value, and the value's `cause` (errors only). */
  private errorBlock(u: unknown): readonly [string, unknown] {
    let name = "Error"
    let message: string
    let stack = ""
    let next: unknown
    if (u instanceof Error) {
      name = String(readField(u, "name"))
      message = String(readField(u, "message"))
      const st = readField(u, "stack")
      if (typeof st === "string") stack = st
      next = readField(u, "cause")
    } else if (typeof u === "string") {
      message = u
    } else {
      const safe = this.walk(u, 0, undefined)
      message = typeof safe === "string" ? safe : JSON.stringify(safe) ?? String(safe)
    }
    // Effect's layout (internal frames dropped, span locations added) from a carrier holding only what is shown:
    // no user field, no toString, no cause reaches it.
    const carrier = Object.create(Error.prototype) as Record<PropertyKey, unknown>
    carrier.name = name
    carrier.message = message
    carrier.stack = stack
    if (typeof u === "object" && u !== null) {
      try {
        if (spanSymbol in u) carrier[spanSymbol] = (u as Record<PropertyKey, unknown>)[spanSymbol]
      } catch {
        // a hostile Proxy: no span locations
      }
    }
    const pretty = Cause.prettyErrors(Cause.die(carrier))[0]
    return [typeof pretty?.stack === "string" ? pretty.stack : name + ": " + message, next]
  }
}

/** Where Effect keeps the span a failure was raised in (`Symbol.for`, shared by every Effect copy). */
const spanSymbol = Symbol.for("effect/SpanAnnotation")

/**
 * The failures and defects of a cause, left to right (`Cause.pretty`'s order), at most `max`.
 *
 * @internal
 */
export const causeReasons = (cause: Cause.Cause<unknown>, max: number): Array<unknown> => {
  const out: Array<unknown> = []
  const stack: Array<Cause.Cause<unknown>> = [cause]
  while (stack.length > 0 && out.length < max) {
    const c = stack.pop()!
    switch (c._tag) {
      case "Fail":
        out.push(c.error)
        break
      case "Die":
        out.push(c.defect)
        break
      case "Sequential":
      case "Parallel":
        stack.push(c.right, c.left)
        break
    }
  }
  return out
}
