/**
 * OTLP export, conversion: one record (a `StructuredRecord`, redacted through
 * the exporter's `Renderer`) as an OTLP `logRecord` (severity, body,
 * attributes, `exception.*`, trace and span ids). The request around the
 * records is built by the Effect-free core (`core/otlpJson.ts`, encoded by
 * `core/otlpProtobuf.ts`).
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { type AnyValue, anyValue, type KeyValue, type LogRecordJson, nanos } from "../core/otlpJson.js"
import type { StructuredRecord } from "./format.js"
import type { LevelName } from "./level.js"
import type { Renderer } from "./render.js"
import { traceIdsOf } from "./traceContext.js"

/**
 * OTel severity numbers (the first of each range) and texts.
 *
 * @internal
 */
export const severity: Record<LevelName, readonly [number, string]> = {
  trace: [1, "TRACE"],
  debug: [5, "DEBUG"],
  info: [9, "INFO"],
  warning: [13, "WARN"],
  error: [17, "ERROR"],
  critical: [21, "FATAL"]
}

/** @internal */
export const spanOf = (refs: FiberRefs.FiberRefs): Tracer.AnySpan | undefined => {
  const context = FiberRefs.getOrDefault(refs, FiberRef.currentContext)
  return Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
}

/** Attribute keys are unique (OTel log data model): a later `set` of the same key replaces the earlier value. */
const setAttribute = (out: Array<KeyValue>, fields: object, key: string, value: AnyValue): void => {
  if (Object.prototype.hasOwnProperty.call(fields, key)) {
    const i = out.findIndex((a) => a.key === key)
    if (i >= 0) {
      out[i] = { key, value }
      return
    }
  }
  out.push({ key, value })
}

const errorAttributes = (renderer: Renderer, error: unknown, out: Array<KeyValue>, fields: object): void => {
  if (error instanceof Error) {
    let name = "Error"
    let message = ""
    let stack: unknown
    try {
      name = String(error.name)
      message = String(error.message)
      stack = error.stack
    } catch {
      // a hostile getter: what we have is enough
    }
    setAttribute(out, fields, "exception.type", { stringValue: renderer.string(name) })
    setAttribute(out, fields, "exception.message", { stringValue: renderer.string(message) })
    if (typeof stack === "string") {
      setAttribute(out, fields, "exception.stacktrace", { stringValue: renderer.string(stack) })
    }
  } else {
    // a string, as the semantic conventions define it: a non-Error value as its (redacted) text or JSON
    const message = typeof error === "string" ? renderer.string(error) : renderer.json(error)
    setAttribute(out, fields, "exception.message", { stringValue: message })
  }
}

/**
 * One record as an OTLP `logRecord`; `span` gives the trace and span ids (when valid, see `traceContext.ts`).
 *
 * @internal
 */
export const toLogRecord = (
  record: StructuredRecord,
  span: Tracer.AnySpan | undefined,
  renderer: Renderer
): LogRecordJson => {
  const attributes: Array<KeyValue> = []
  const fields = renderer.fields(record.fields)
  for (const key of Object.keys(fields)) attributes.push({ key, value: anyValue(fields[key]) })
  if (record.loggerName !== undefined) {
    setAttribute(attributes, fields, "logger.name", { stringValue: renderer.string(record.loggerName) })
  }
  if (record.error !== undefined) errorAttributes(renderer, record.error, attributes, fields)
  if (!Cause.isEmpty(record.cause)) {
    if (record.error === undefined) {
      const first = Option.orElse(Cause.failureOption(record.cause), () => Cause.dieOption(record.cause))
      if (Option.isSome(first)) errorAttributes(renderer, first.value, attributes, fields)
    }
    setAttribute(attributes, fields, "effect.cause", { stringValue: renderer.effectCauseText(record.cause) })
  }
  const [severityNumber, severityText] = severity[record.level]
  const time = nanos(record.timestamp.getTime())
  const out: LogRecordJson = {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber,
    severityText,
    body: { stringValue: renderer.string(record.message) },
    attributes
  }
  const ids = traceIdsOf(span)
  if (ids === undefined) return out
  return ids.spanId === undefined
    ? { ...out, traceId: ids.traceId, flags: ids.sampled ? 1 : 0 }
    : { ...out, traceId: ids.traceId, spanId: ids.spanId, flags: ids.sampled ? 1 : 0 }
}
