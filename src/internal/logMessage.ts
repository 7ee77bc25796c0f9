/**
 * The message of `Effect.log*` (its arguments, an array) read into a record: the rule is the core's
 * (src/core/logMessage.ts), shared with the Effect 4 binding.
 */
import { messageParts } from "../core/logMessage.js"
import type { Renderer } from "../core/render.js"
import { Entry, rootBinding } from "./entry.js"

/**
 * A record from the message of `Effect.log*` (see `messageParts` in src/core/logMessage.ts).
 *
 * @internal
 */
export const entryOfMessage = (message: unknown, renderer: Renderer): Entry => {
  if (typeof message === "string") return new Entry(rootBinding, message, undefined)
  const parts = messageParts(message, renderer)
  return new Entry(rootBinding, parts.message, parts.fields, parts.error)
}
