/**
 * The trace and span ids of an Effect span, by the core's validity rules (src/core/traceIds.ts), shared with the
 * Effect 4 binding and the OTLP exporter.
 */
import type * as Tracer from "effect/Tracer"
import { validSpanId, validTraceId } from "../core/traceIds.js"

export {
  /** @internal */
  validSpanId,
  /** @internal */
  validTraceId
} from "../core/traceIds.js"

/** @internal */
export interface TraceIds {
  readonly traceId: string
  /** `undefined` when the span id is invalid (the trace id alone still correlates). */
  readonly spanId: string | undefined
  readonly sampled: boolean
}

// The last span asked about: records come in runs from the same span, so most calls are one comparison.
let lastSpan: Tracer.AnySpan | undefined = undefined
let lastIds: TraceIds | undefined = undefined

/**
 * The ids of `span` to write, or `undefined` (no span, or no valid trace id).
 *
 * @internal
 */
export const traceIdsOf = (span: Tracer.AnySpan | undefined): TraceIds | undefined => {
  if (span === undefined) return undefined
  if (span === lastSpan) return lastIds
  let ids: TraceIds | undefined
  try {
    const traceId = validTraceId(span.traceId)
    ids = traceId === undefined
      ? undefined
      : { traceId, spanId: validSpanId(span.spanId), sampled: span.sampled === true }
  } catch {
    // a hostile span (throwing getters): no ids
    ids = undefined
  }
  lastSpan = span
  lastIds = ids
  return ids
}
