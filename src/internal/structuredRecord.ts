/**
 * Records as data: the structured view `TestLog` captures, and a record given as data (the CLI, tests, summaries,
 * `EmojiLogger.format`) rendered exactly as the live logger would.
 */
import type * as Cause from "effect/Cause"
import { valueText } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import { Binding, emptyContext, type LogRecord, rootBinding } from "../core/record.js"
import { mergedFields, noSpans } from "./entry.js"
import type { Formatter } from "./format.js"
import { causeOf } from "./logMessage.js"
import type { Renderer } from "./render.js"

/**
 * A record as data: what `TestLog` captures.
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

/**
 * The structured view of one record, with its Effect `Cause` (kept beside the record for `TestLog`).
 *
 * @internal
 */
export const structuredOf = (record: LogRecord, cause: Cause.Cause<unknown>, renderer: Renderer): StructuredRecord => {
  const time = record.time
  return {
    timestamp: new Date(time),
    level: record.level,
    message: typeof record.message === "string" ? record.message : valueText(record.message, renderer),
    loggerName: record.binding.name,
    fields: mergedFields(record),
    error: record.error,
    cause,
    spans: record.spans.map((span) => ({ label: span.label, durationMs: time - span.startTime }))
  }
}

/**
 * A record given as data (the CLI, tests, summaries, `EmojiLogger.format`).
 *
 * @internal
 */
export interface RecordInput {
  readonly timestamp: Date
  readonly level: LevelName
  readonly message: string
  readonly loggerName?: string | undefined
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  readonly error?: unknown
  readonly cause?: Cause.Cause<unknown> | undefined
}

/**
 * The `LogRecord` of a record given as data: no context, no log spans, no trace ids.
 *
 * @internal
 */
export const recordOfInput = (input: RecordInput): LogRecord => ({
  level: input.level,
  time: input.timestamp.getTime(),
  message: input.message,
  binding: input.loggerName === undefined ? rootBinding : new Binding(input.loggerName, undefined),
  fields: input.fields,
  error: input.error,
  context: emptyContext,
  spans: noSpans,
  cause: input.cause === undefined ? undefined : causeOf(input.cause),
  traceId: undefined,
  spanId: undefined
})

/**
 * Renders a record given as data exactly as the live logger would.
 *
 * @internal
 */
export const renderRecord = (formatter: Formatter, input: RecordInput): string => formatter.format(recordOfInput(input))
