/**
 * OTLP export, conversion: one `LogRecord` (redacted through the exporter's
 * `Renderer`) as an OTLP `logRecord` (severity, body, attributes,
 * `exception.*`, trace and span ids). The request around the records is built
 * by the Effect-free core (`core/otlpJson.ts`, encoded by
 * `core/otlpProtobuf.ts`). Effect-free: both bindings hand it the record's fields merged (context and bound fields
 * first, the call's own last) and whether the current span is sampled.
 */
import { causeText } from "./cause.js"
import { valueText } from "./formatter.js"
import type { LevelName } from "./level.js"
import { type AnyValue, anyValue, type KeyValue, type LogRecordJson, nanos } from "./otlpJson.js"
import type { CauseData, LogRecord } from "./record.js"
import type { Renderer } from "./render.js"

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

/** The first failure of a cause, else its first defect (what `exception.*` describe). */
const firstReason = (cause: CauseData): unknown => {
  let die: { readonly value: unknown } | undefined
  for (const reason of cause.reasons) {
    if (reason.kind === "fail") return reason.value
    die ??= reason
  }
  return die === undefined ? undefined : die.value
}

/**
 * One record as an OTLP `logRecord`: its trace and span ids (valid ones only), the flags from `sampled` (the
 * fiber's current span's sampled flag).
 *
 * @internal
 */
export const toLogRecord = (
  record: LogRecord,
  merged: Record<string, unknown>,
  sampled: boolean,
  renderer: Renderer
): LogRecordJson => {
  const attributes: Array<KeyValue> = []
  const fields = renderer.fields(merged)
  for (const key of Object.keys(fields)) attributes.push({ key, value: anyValue(fields[key]) })
  const name = record.binding.name
  if (name !== undefined) setAttribute(attributes, fields, "logger.name", { stringValue: renderer.string(name) })
  if (record.error !== undefined) errorAttributes(renderer, record.error, attributes, fields)
  const cause = record.cause
  // a cause made only of empty causes is no cause (`Cause.isEmpty`)
  if (cause !== undefined && (cause.reasons.length > 0 || cause.interrupted)) {
    if (record.error === undefined && cause.reasons.length > 0) {
      errorAttributes(renderer, firstReason(cause), attributes, fields)
    }
    setAttribute(attributes, fields, "effect.cause", { stringValue: causeText(renderer, cause) })
  }
  const [severityNumber, severityText] = severity[record.level]
  const time = nanos(record.time)
  const message = typeof record.message === "string" ? record.message : valueText(record.message, renderer)
  const out: LogRecordJson = {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber,
    severityText,
    body: { stringValue: renderer.string(message) },
    attributes
  }
  if (record.traceId === undefined) return out
  const flags = sampled ? 1 : 0
  return record.spanId === undefined
    ? { ...out, traceId: record.traceId, flags }
    : { ...out, traceId: record.traceId, spanId: record.spanId, flags }
}
