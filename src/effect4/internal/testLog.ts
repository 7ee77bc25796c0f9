/**
 * `TestLog`'s record: a `LogRecord` as data for assertions (its fields merged, its cause an effect 4 `Cause`).
 */
import * as Cause from "effect/Cause"
import { valueText } from "../../core/formatter.js"
import type { LevelName } from "../../core/level.js"
import type { CauseData, LogRecord } from "../../core/record.js"
import type { Renderer } from "../../core/render.js"
import { mergedFields } from "./view.js"

/**
 * A captured record.
 *
 * @internal
 */
export interface StructuredRecord {
  readonly timestamp: Date
  readonly level: LevelName
  readonly message: string
  readonly loggerName: string | undefined
  /** Context annotations, bound fields and call fields merged (later sources win). */
  readonly fields: Readonly<Record<string, unknown>>
  readonly error: unknown
  readonly cause: Cause.Cause<unknown>
  readonly spans: ReadonlyArray<{ readonly label: string; readonly durationMs: number }>
}

/** The record's plain cause as an effect 4 `Cause` (its values as they are). */
const causeOf = (data: CauseData | undefined): Cause.Cause<unknown> => {
  if (data === undefined) return Cause.empty
  const reasons: Array<Cause.Reason<unknown>> = data.reasons.map((r) =>
    r.kind === "fail" ? Cause.makeFailReason(r.value) : Cause.makeDieReason(r.value)
  )
  if (data.interrupted) reasons.push(Cause.makeInterruptReason())
  return Cause.fromReasons(reasons)
}

/**
 * The structured view of one record; `cause` is the original one when a `Logger` received it (`Effect.log*`).
 *
 * @internal
 */
export const structuredOf = (
  record: LogRecord,
  cause: Cause.Cause<unknown> | undefined,
  renderer: Renderer
): StructuredRecord => ({
  timestamp: new Date(record.time),
  level: record.level,
  message: typeof record.message === "string" ? record.message : valueText(record.message, renderer),
  loggerName: record.binding.name,
  fields: mergedFields(record, false),
  error: record.error,
  cause: cause ?? causeOf(record.cause),
  spans: record.spans.map((span) => ({ label: span.label, durationMs: record.time - span.startTime }))
})
