/**
 * The console's error and cause rendering: `error="TypeError: x" error.code=E1 cause="Error: y" cause.cause=…`, an
 * error's own fields, its cause chain and an `AggregateError`'s errors, then a cause's errors' fields and its text.
 */
import { errorHead, isError, type Key } from "./formatter.js"
import type { CauseReason } from "./record.js"
import { KEEP, REDACT, redactedMarker } from "./redact.js"
import { consoleString, ownKeys, readField, type Renderer, type RenderLimits } from "./render.js"

/**
 * What the error rendering needs from the console formatter.
 *
 * @internal
 */
export interface ConsoleFields {
  readonly renderer: Renderer
  readonly limits: RenderLimits
  key(key: string): Key
  field(key: string, value: unknown): string
}

/**
 * Console: the record's error, ` error="Name: message"` with its fields and chain, then its stack.
 *
 * @internal
 */
export const errorText = (f: ConsoleFields, error: unknown): string => {
  if (!isError(error)) return f.key("error").text + f.renderer.console(error)
  let out = errorParts(f, error, "error", "", 0, [error])
  let stack: unknown
  try {
    stack = error.stack
  } catch {
    // a throwing getter: no stack
  }
  if (typeof stack === "string") out += f.field("stack", stack)
  return out
}

/**
 * Console, one error of the chain: ` <path>="Name: message"`, its own fields
 * (` <path>.id=42`; a `_tag` equal to the name is left out), then its cause
 * (` <children>cause=…`) and, for an `AggregateError`, its errors
 * (` <children>errors.0=…`), recursively. The record's error has path
 * `error` and no children prefix: `error="TypeError: x" error.code=E1
 * cause="Error: y" cause.cause=…`.
 */
const errorParts = (
  f: ConsoleFields,
  error: Error,
  path: string,
  children: string,
  depth: number,
  seen: Array<object>
): string => {
  let out = f.key(path).text + consoleString(f.renderer.string(errorHead(error))) + ownFields(f, error, path)
  const max = f.limits.maxKeys
  if (depth + 1 >= f.limits.maxDepth) return out
  const cause = readField(error, "cause")
  if (cause !== undefined) out += errorChild(f, cause, children + "cause", depth, seen)
  const errors = readField(error, "errors")
  if (Array.isArray(errors)) {
    const m = Math.min(errors.length, max)
    for (let i = 0; i < m; i++) out += errorChild(f, errors[i], children + "errors." + i, depth, seen)
    if (errors.length > max) out += f.field(children + "errors.…", errors.length - max + " more errors")
  } else if (errors !== undefined) out += errorField(f, path + ".errors", "errors", errors)
  return out
}

/** Console: an error's own fields (` <path>.id=42`; a `_tag` equal to the name is left out), at most `maxKeys`. */
const ownFields = (f: ConsoleFields, error: Error, path: string, shown?: object): string => {
  const name = readField(error, "name")
  const max = f.limits.maxKeys
  let out = ""
  let n = 0
  for (const key of ownKeys(error) ?? []) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue
    const value = readField(error, key)
    if (key === "_tag" && value === name) continue
    // already a field of the record, with the same value (`withErrorHandling` lifts an error's fields)
    if (shown !== undefined && readField(shown, key) === value) continue
    if (n++ === max) {
      out += f.field(path + ".…", "more keys")
      break
    }
    out += errorField(f, path + "." + key, key, value)
  }
  return out
}

const errorChild = (f: ConsoleFields, value: unknown, path: string, depth: number, seen: Array<object>): string => {
  if (!isError(value)) return errorField(f, path, path, value)
  if (seen.includes(value)) return f.key(path).text + "[Circular]"
  return errorParts(f, value, path, path + ".", depth + 1, [...seen, value])
}

/** An error's own field under `key` (`error.code`): hidden or removed as its own name `own` says. */
const errorField = (f: ConsoleFields, key: string, own: string, value: unknown): string => {
  const action = f.renderer.keyAction(own)
  if (action !== KEEP) return action === REDACT ? f.key(key).text + redactedMarker : ""
  return f.field(key, value)
}

/**
 * Console: when the record has no error of its own, the own fields of the cause's errors (failures and defects,
 * left to right) as a record's error shows them (`error.order_id=7`, then `error.1.…`, `error.2.…` for the next
 * ones; one the record's fields already show with the same value is left out), then `cause=` with the cause's text
 * (names, messages, stacks).
 *
 * @internal
 */
export const causeParts = (
  f: ConsoleFields,
  reasons: ReadonlyArray<CauseReason> | undefined,
  text: string,
  shown: object | undefined
): string => {
  let out = ""
  if (reasons !== undefined) {
    const n = Math.min(reasons.length, f.limits.maxKeys)
    for (let i = 0; i < n; i++) {
      const e = reasons[i]!.value
      if (isError(e)) out += ownFields(f, e, i === 0 ? "error" : "error." + i, shown ?? undefined)
    }
  }
  return out + f.key("cause").text + consoleString(text)
}
