/**
 * The JSON formatter: one object per line, `{"timestamp":ISO,"level":..,"message":..,"logger_name"?,...}`, the
 * fields after it (a reserved key as `fields.<key>`), then `spans`, `error` and `cause` as walked data.
 */
import { type FormatOptions, FormatterBase, reservedJsonKeys } from "./formatter.js"
import type { LevelName } from "./level.js"
import type { LogRecord, Span } from "./record.js"
import { KEEP, REDACT, redactedMarker } from "./redact.js"
import { jsonString, type Renderer, truncate } from "./render.js"

const levelText: Record<LevelName, string> = {
  trace: ",\"level\":\"trace\"",
  debug: ",\"level\":\"debug\"",
  info: ",\"level\":\"info\"",
  warning: ",\"level\":\"warning\"",
  error: ",\"level\":\"error\"",
  critical: ",\"level\":\"critical\""
}

/** @internal */
export class JsonFormatter extends FormatterBase {
  constructor(options: FormatOptions, renderer: Renderer) {
    super(options, renderer, false)
  }

  protected keyText(shown: string): string {
    return "," + jsonString(reservedJsonKeys.has(shown) ? "fields." + shown : shown) + ":"
  }

  protected nameText(name: string | undefined): string {
    return name === undefined ? "" : ",\"logger_name\":" + jsonString(this.renderer.string(name))
  }

  protected serviceText(serviceName: string): string {
    return ",\"service_name\":" + this.renderer.json(serviceName)
  }

  /** `,"key":value`; `undefined` is left out. */
  protected field(key: string, value: unknown): string {
    const k = this.key(key)
    if (k.action !== KEEP) return k.action === REDACT ? k.text + "\"" + redactedMarker + "\"" : ""
    return value === undefined ? "" : k.text + this.renderer.json(value)
  }

  protected errorNote(text: string): string {
    return ",\"error\":" + text
  }

  protected traceText(traceId: string, spanId: string | undefined): string {
    return ",\"trace_id\":\"" + traceId + "\"" + (spanId === undefined ? "" : ",\"span_id\":\"" + spanId + "\"")
  }

  private spans(spans: ReadonlyArray<Span>, now: number): string {
    let out = ""
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!
      out += (i === 0 ? "" : ",") + jsonString(this.renderer.string(span.label)) + ":" + (now - span.startTime)
    }
    return ",\"spans\":{" + out + "}"
  }

  format(record: LogRecord): string {
    const millis = record.time
    const prepared = this.prepared(record.binding)
    const r = this.renderer
    const text = this.messageText(record.message)
    const fields = record.fields
    const error = record.error
    let rest = this.service + this.context(record.context).fields + prepared.fields
    if (fields != null) rest += this.fields(fields)
    if (record.spans.length > 0) rest += this.spans(record.spans, millis)
    if (error !== undefined) rest += ",\"error\":" + r.json(error)
    if (record.cause !== undefined) rest += ",\"cause\":" + r.json(r.causeData(record.cause))
    if (rest.length > this.options.limits.maxLineLength) rest = this.tooLong(rest.length, error)
    const trace = record.traceId === undefined || !this.options.traceIds
      ? ""
      : this.trace(record.traceId, record.spanId)
    return "{\"timestamp\":\"" + this.iso(millis) + "\"" + levelText[record.level] + ",\"message\":" +
      jsonString(r.string(text)) + prepared.name + trace + rest + "}\n"
  }

  fallback(level: LevelName, millis: number, message: unknown, reason: string): string {
    let text = "[Unrenderable message]"
    let note = "\"unformattable record\""
    try {
      if (typeof message === "string") text = this.renderer.string(message)
      note = jsonString(this.renderer.string(truncate("unformattable record: " + reason, 1024)))
    } catch {
      // keep the plain texts
    }
    return "{\"timestamp\":\"" + this.iso(millis) + "\"" + levelText[level] + ",\"message\":" + jsonString(text) +
      ",\"error\":" + note + "}\n"
  }
}
