/**
 * The message of `Effect.log*` (its arguments, an array) read into a record's message, fields and error: the same
 * rule for both Effect lines.
 */
import { errorHead, isError, valueText } from "./formatter.js"
import { putField, type Renderer, safeFields } from "./render.js"

/** What the arguments of `Effect.log*` give a record. @internal */
export interface MessageParts {
  readonly message: string
  readonly fields: Record<string, unknown> | undefined
  readonly error: unknown
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  try {
    const proto = Object.getPrototypeOf(value)
    return proto === Object.prototype || proto === null
  } catch {
    return false
  }
}

const errorMessage = (error: Error): string => {
  try {
    return String(error.message)
  } catch {
    return ""
  }
}

/**
 * A record's parts from the message of `Effect.log*` (its arguments, an array). The rule, as a user expects it
 * (`Effect.logError("Request failed", err, { id })`): strings, and every other value rendered as text, join the
 * message with a space; the first `Error` becomes the record's error (name, message, stack, cause chain; later ones
 * join the message as `Name: message`); a plain object (`{ ... }`) becomes fields. A message left empty by an error
 * takes the error's message.
 *
 * @internal
 */
export const messageParts = (message: unknown, renderer: Renderer): MessageParts => {
  if (typeof message === "string") return { message, fields: undefined, error: undefined }
  const parts: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
  if (parts.length === 1 && typeof parts[0] === "string") {
    return { message: parts[0], fields: undefined, error: undefined }
  }
  let text = ""
  let texts = 0
  let error: unknown = undefined
  let fields: Record<string, unknown> | undefined
  const add = (t: string) => {
    text = texts++ === 0 ? t : text + " " + t
  }
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (typeof part === "string") add(part)
    else if (isError(part)) {
      if (error === undefined) error = part
      else add(errorHead(part))
    } else if (isPlainObject(part)) {
      const safe = safeFields(part)
      if (fields === undefined) fields = safe
      else for (const key of Object.keys(safe)) putField(fields, key, safe[key])
    } else add(valueText(part, renderer))
  }
  if (texts === 0 && error !== undefined) text = errorMessage(error as Error)
  return { message: text, fields, error }
}
