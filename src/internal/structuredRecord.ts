/**
 * Records as data: the structured view `TestLog` captures and OTLP exports, and a record given as data (the CLI,
 * tests, summaries) rendered exactly as the live logger would.
 */
import * as Cause from "effect/Cause"
import * as HashMap from "effect/HashMap"
import * as List from "effect/List"
import type * as Logger from "effect/Logger"
import type * as LogSpan from "effect/LogSpan"
import { valueText } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import { Binding, Entry, mergedFields } from "./entry.js"
import type { Formatter } from "./format.js"
import { fromEffectLevel } from "./level.js"
import { entryOfMessage } from "./logMessage.js"
import type { Renderer } from "./render.js"

/**
 * A record as data: what `TestLog` captures, what the CLI parses, what OTLP exports.
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
 * The structured view of one record.
 *
 * @internal
 */
export const recordOf = (
  level: LevelName,
  millis: number,
  entry: Entry,
  annotations: HashMap.HashMap<string, unknown>,
  spans: List.List<LogSpan.LogSpan>,
  cause: Cause.Cause<unknown>,
  renderer: Renderer
): StructuredRecord => ({
  timestamp: new Date(millis),
  level,
  message: typeof entry.message === "string" ? entry.message : valueText(entry.message, renderer),
  loggerName: entry.binding.name,
  fields: mergedFields(annotations, entry),
  error: entry.error,
  cause,
  spans: List.toArray(spans).map((span) => ({ label: span.label, durationMs: millis - span.startTime }))
})

/**
 * The structured view of a record handed to an Effect `Logger` (its message read by {@link entryOfMessage}).
 *
 * @internal
 */
export const toRecord = (options: Logger.Logger.Options<unknown>, renderer: Renderer): StructuredRecord =>
  recordOf(
    fromEffectLevel(options.logLevel),
    options.date.getTime(),
    entryOfMessage(options.message, renderer),
    options.annotations,
    options.spans,
    options.cause,
    renderer
  )

/**
 * A record given as data (the CLI, tests, summaries).
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
 * Renders a record given as data exactly as the live logger would.
 *
 * @internal
 */
export const renderRecord = (formatter: Formatter, record: RecordInput): string => {
  const entry = new Entry(new Binding(record.loggerName, undefined), record.message, record.fields, record.error)
  return formatter.render(
    record.level,
    record.timestamp.getTime(),
    entry,
    HashMap.empty(),
    List.nil(),
    record.cause ?? Cause.empty
  )
}
