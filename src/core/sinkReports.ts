/**
 * What the sink says: the warning line written after dropped records, and the
 * reports (failures, drops) for the report stream. Plain text, no Effect.
 */
import type { OverflowPolicy } from "./queue.js"

/**
 * An error as one short text for reports (`ENOSPC: no space left on device`).
 *
 * @internal
 */
export const errorText = (e: unknown): string => {
  try {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code
      const message = e.message === "" ? e.name : e.message
      return typeof code === "string" && !message.startsWith(code) ? `${code}: ${message}` : message
    }
    return typeof e === "object" && e !== null && "_tag" in e && (e._tag === "Failure" || e._tag === "Success")
      ? "writer failed"
      : String(e)
  } catch {
    return "unknown error"
  }
}

/**
 * The "N records dropped" line, written after the lines that made it: `render`
 * (the program's format) when given and it does not throw, else a JSON line.
 *
 * @internal
 */
export const warningLine = (
  render: ((message: string, fields: Readonly<Record<string, unknown>>, millis: number) => string) | undefined,
  n: number,
  queue: { readonly policy: OverflowPolicy; readonly capacity: number; readonly dropped: number },
  millis: number
): string => {
  const message =
    `log buffer full: ${n} records dropped (overflow policy ${queue.policy}, maxBufferBytes ${queue.capacity})`
  const fields = { dropped: n, dropped_total: queue.dropped, overflow: queue.policy }
  try {
    if (render !== undefined) {
      const line = render(message, fields, millis)
      return line.endsWith("\n") ? line : line + "\n"
    }
  } catch {
    // fall through to the JSON line
  }
  return JSON.stringify({
    timestamp: new Date(millis).toISOString(),
    level: "warning",
    message,
    logger_name: "effect-foundation.sink",
    ...fields
  }) + "\n"
}

/**
 * The first failure of a sink's target (later ones are counted only).
 *
 * @internal
 */
export const failedReport = (driver: string, error: string): string =>
  `effect-foundation: log sink (${driver}) failed: ${error}; ` +
  `the program keeps running, failed lines are counted (LogSink stats / flush report) and not reported again\n`

/**
 * A file that could not be opened again.
 *
 * @internal
 */
export const reopenFailedReport = (driver: string, error: string): string =>
  `effect-foundation: log sink cannot reopen (${driver}): ${error}; still writing to the previously opened file\n`

/**
 * The first failed rotation, compression or deletion.
 *
 * @internal
 */
export const rotationFailedReport = (driver: string, error: string): string =>
  `effect-foundation: log rotation failed (${driver}): ${error}; ` +
  `logging goes on in the current file; later rotation failures are counted (LogSink stats) and not reported again\n`

/**
 * Records given up (a close, the process's exit).
 *
 * @internal
 */
export const droppedReport = (driver: string, n: number, reason: string): string =>
  `effect-foundation: log sink (${driver}): ${n} records dropped (${reason})\n`
