/**
 * A format of the user's own: each record, rendered and redacted as a JSON
 * line by the output's formatter, is handed to the user's function as plain
 * data (`RecordView`); its result is the line written.
 *
 * Effect-free: both bindings use it.
 */
import type { LevelName } from "./level.js"

/** @internal */
export interface RecordView {
  readonly level: LevelName
  readonly timestamp: string
  readonly message: string
  readonly loggerName?: string
  readonly serviceName?: string
  readonly fields: Readonly<Record<string, unknown>>
  readonly error?: unknown
  readonly cause?: unknown
  readonly spans?: Readonly<Record<string, number>>
  readonly traceId?: string
  readonly spanId?: string
}

/** The JSON keys a record starts with, and where they go in the view (the rest are fields). */
const named: Record<string, keyof RecordView> = {
  timestamp: "timestamp",
  level: "level",
  message: "message",
  logger_name: "loggerName",
  service_name: "serviceName",
  error: "error",
  cause: "cause",
  spans: "spans",
  trace_id: "traceId",
  span_id: "spanId"
}

/**
 * The view of a JSON line written by a JSON formatter: the record's keys by
 * name, every other key a field (`fields.level` back to `level`).
 *
 * @internal
 */
export const viewOf = (json: string): RecordView => {
  const parsed = JSON.parse(json) as Record<string, unknown>
  const view: Record<string, unknown> = {}
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(parsed)) {
    const name = Object.prototype.hasOwnProperty.call(named, key) ? named[key] : undefined
    if (name !== undefined) view[name] = parsed[key]
    else {
      const field = key.startsWith("fields.") && Object.prototype.hasOwnProperty.call(named, key.slice(7))
        ? key.slice(7)
        : key
      Object.defineProperty(fields, field, { value: parsed[key], enumerable: true, writable: true, configurable: true })
    }
  }
  view.fields = fields
  return view as unknown as RecordView
}

const reason = (e: unknown): string => {
  try {
    return e instanceof Error ? String(e.message) : String(e)
  } catch {
    return "unknown"
  }
}

/**
 * A writer that turns each JSON line into the user's line (one `"\n"` added
 * when it has none). A function that throws, or returns something other than
 * a string, costs its record nothing: `fallback` (the formatter's last-resort
 * line, in JSON) is written instead, with the reason.
 *
 * @internal
 */
export const customWriter = (
  format: (record: RecordView) => string,
  fallback: (level: LevelName, millis: number, message: unknown, reason: string) => string,
  write: (line: string) => unknown
) =>
(json: string): unknown => {
  let view: RecordView
  try {
    view = viewOf(json)
  } catch {
    return write(json)
  }
  let line: unknown
  try {
    line = format(view)
  } catch (e) {
    return write(fallback(view.level, Date.parse(view.timestamp), view.message, "formatter threw: " + reason(e)))
  }
  if (typeof line !== "string") {
    return write(
      fallback(view.level, Date.parse(view.timestamp), view.message, "formatter returned " + typeof line)
    )
  }
  return write(line.endsWith("\n") ? line : line + "\n")
}
