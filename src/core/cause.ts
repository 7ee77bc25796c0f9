/**
 * A cause as text: the console's `cause=` and OTLP's `effect.cause`, laid out like Effect's `Cause.pretty` (one block
 * per failure or defect, `[cause]:` blocks down an error's cause chain). The runtime's own stack layout (Effect's
 * clean-up and span locations) is the renderer's `errorStack`.
 */
import type { CauseData } from "./record.js"
import { describeThrown, readField, type Renderer } from "./render.js"

/**
 * A human summary of a cause, every value through the redacting walk: an error shows its name, message and stack;
 * any other failure its walked JSON (keys redacted or removed), never its `toString`. Strings are masked and cut like
 * any value. Multi-line: the console escapes it into one line. Never throws.
 *
 * @internal
 */
export const causeText = (renderer: Renderer, cause: CauseData): string => {
  try {
    const reasons = cause.reasons
    if (reasons.length === 0) return "All fibers interrupted without errors."
    let text = ""
    const n = Math.min(reasons.length, renderer.limits.maxKeys)
    for (let i = 0; i < n; i++) {
      let part: string
      try {
        part = errorChain(renderer, reasons[i]!.value)
      } catch (e) {
        part = "[Unrenderable: " + describeThrown(e) + "]"
      }
      text += (i === 0 ? "" : "\n") + part
    }
    if (reasons.length > n) text += "\n… more errors"
    return renderer.string(text)
  } catch (e) {
    return "[Unrenderable cause: " + describeThrown(e) + "]"
  }
}

/** One failure or defect and its cause chain, in `Cause.pretty`'s layout. */
const errorChain = (renderer: Renderer, u: unknown): string => {
  const first = errorBlock(renderer, u)
  let text = first[0]
  let next = first[1]
  const path: Array<unknown> = [u]
  let prefix = ""
  let closers = ""
  while (next !== undefined && path.length < renderer.limits.maxDepth && !path.includes(next)) {
    path.push(next)
    const [block, after] = errorBlock(renderer, next)
    next = after
    prefix += "  "
    text += " {\n" + prefix + "[cause]: " + block.split("\n").join("\n" + prefix)
    closers = "\n" + prefix.slice(2) + "}" + closers
  }
  return text + closers
}

/** `Name: message` and the stack lines for one value (`Renderer.errorStack`), and the value's `cause` (errors only). */
const errorBlock = (renderer: Renderer, u: unknown): readonly [string, unknown] => {
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
    const safe = renderer.safe(u)
    message = typeof safe === "string" ? safe : JSON.stringify(safe) ?? String(safe)
  }
  return [renderer.errorStack(name, message, stack, u), next]
}
