/**
 * OTLP export, conversion (the Effect 3 binding's side): the record's fields merged and the current span's sampled
 * flag handed to the core's conversion (`core/otlpRecord.ts`).
 */
import type * as Tracer from "effect/Tracer"
import type { LogRecordJson } from "../core/otlpJson.js"
import { toLogRecord as coreToLogRecord } from "../core/otlpRecord.js"
import type { LogRecord } from "../core/record.js"
import { mergedFields } from "./entry.js"
import type { Renderer } from "./render.js"
import { traceIdsOf } from "./traceContext.js"

export {
  /** @internal */
  severity
} from "../core/otlpRecord.js"

/**
 * One record as an OTLP `logRecord`; `span`: the fiber's current span, for its sampled flag.
 *
 * @internal
 */
export const toLogRecord = (
  record: LogRecord,
  span: Tracer.AnySpan | undefined,
  renderer: Renderer
): LogRecordJson => coreToLogRecord(record, mergedFields(record), traceIdsOf(span)?.sampled === true, renderer)
