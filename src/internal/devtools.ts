/**
 * Output on a runtime without file descriptors (the `#platform` default:
 * browsers, Cloudflare workerd) to its console, the way devtools show logs:
 * each record with the console method of its level (`debug`, `info`, `warn`,
 * `error`), so devtools can filter and highlight them, one call per record,
 * at once (no batching), and an error passed as an `Error` object after the
 * line, so devtools show its stack with links to the sources. The error is a
 * redacted copy (name, message and stack masked like any string, own fields
 * redacted or removed by key, down the cause chain): redaction only hides more.
 */
import { platform } from "#platform"
import type * as Console from "effect/Console"
import { isError } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import type { LogRecord } from "../core/record.js"
import { KEEP, REDACT, redactedMarker, REMOVE } from "../core/redact.js"
import { ownKeys, readField } from "../core/render.js"
import { Formatter } from "./format.js"
import type { Renderer } from "./render.js"

/**
 * Whether records for `target` go to the console as devtools show them: on a
 * runtime without a platform, for the standard streams and the console.
 *
 * @internal
 */
export const isDevtoolsTarget = (target: unknown): boolean =>
  platform === undefined && (target === undefined || target === "stdout" || target === "stderr" || target === "console")

/** The console method of each level (`console.trace` would print a stack trace of the logger itself). */
const methods: Record<LevelName, "debug" | "info" | "warn" | "error"> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warning: "warn",
  error: "error",
  critical: "error"
}

const text = (renderer: Renderer, read: () => unknown): string => {
  try {
    return renderer.string(String(read()))
  } catch {
    return "[Unrenderable]"
  }
}

/** A redacted copy of `error` that is an `Error` (devtools show its stack), down its cause chain. */
const copyError = (renderer: Renderer, error: Error, depth: number): Error => {
  const copy = new Error(text(renderer, () => error.message))
  const name = text(renderer, () => error.name)
  Object.defineProperty(copy, "name", { value: name, writable: true, configurable: true })
  let stack: unknown
  try {
    stack = error.stack
  } catch {
    // a throwing getter: no stack
  }
  copy.stack = typeof stack === "string" ? renderer.string(stack) : name + ": " + copy.message
  const out = copy as unknown as Record<string, unknown>
  for (const key of ownKeys(error) ?? []) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue
    const action = renderer.keyAction(key)
    if (action === REMOVE) continue
    out[key] = action === REDACT ? redactedMarker : renderer.safe(readField(error, key))
  }
  const cause = readField(error, "cause")
  if (cause !== undefined && renderer.keyAction("cause") === KEEP) {
    out["cause"] = isError(cause) && depth + 1 < renderer.limits.maxDepth
      ? copyError(renderer, cause, depth + 1)
      : renderer.safe(cause)
  }
  return copy
}

/**
 * The formatter for the console: it keeps the level of the record it renders
 * for the write that follows the render; in the console format, a record's
 * `Error` (and a cause made of `Error`s only) leaves the line and is kept too.
 *
 * @internal
 */
export class DevtoolsFormatter extends Formatter {
  /** The level of the record rendered last. */
  level: LevelName = "info"
  /** Its errors, as redacted copies, for the console call after its line. */
  errors: Array<Error> = []

  override format(record: LogRecord): string {
    this.level = record.level
    this.errors = []
    // JSON lines stay whole records (whoever reads the console gets everything); errors as objects on the console format
    if (this.options.format === "json") return super.format(record)
    if (record.error !== undefined && isError(record.error)) {
      this.errors.push(copyError(this.renderer, record.error, 0))
      record = { ...record, error: undefined }
    }
    const cause = record.cause
    if (cause !== undefined) {
      // failures first, then defects (as they are listed)
      const reasons = [
        ...cause.reasons.filter((r) => r.kind === "fail"),
        ...cause.reasons.filter((r) => r.kind === "die")
      ]
        .map((r) => r.value)
      if (reasons.length > 0 && reasons.length <= this.options.limits.maxKeys && reasons.every(isError)) {
        for (const reason of reasons) this.errors.push(copyError(this.renderer, reason, 0))
        record = { ...record, cause: undefined }
      }
    }
    return super.format(record)
  }

  override fallback(level: LevelName, millis: number, message: unknown, reason: string): string {
    this.level = level
    this.errors = []
    return super.fallback(level, millis, message, reason)
  }
}

/**
 * Writes each rendered line (its "\n" left out) with the console method of
 * the level `formatter` rendered it at, its errors after it. Never throws.
 *
 * @internal
 */
export const devtoolsWrite = (formatter: DevtoolsFormatter, console: Console.Console) => (line: string): void => {
  const text = line.endsWith("\n") ? line.slice(0, -1) : line
  const errors = formatter.errors
  try {
    const unsafe = console.unsafe
    const method = methods[formatter.level]
    if (errors.length === 0) unsafe[method](text)
    else unsafe[method](text, ...errors)
  } catch {
    // a console that throws: nowhere left to write
  }
}
