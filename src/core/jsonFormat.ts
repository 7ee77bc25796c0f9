/**
 * The JSON formatter: one object per line, `{"timestamp":ISO,"level":..,"message":..,"logger_name"?,...}`, the
 * fields after it (a reserved key as `fields.<key>`), then `spans`, `error` and `cause` as walked data.
 */
import {
  type EntryLike,
  type FormatHooks,
  type FormatOptions,
  FormatterBase,
  reservedJsonKeys,
  type SpanLike,
  type TraceIds
} from "./formatter.js"
import type { LevelName } from "./level.js"
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
export class JsonFormatter<Ctx extends object, C, S> extends FormatterBase<Ctx, C, S> {
  constructor(options: FormatOptions, renderer: Renderer, hooks: FormatHooks<Ctx, C, S>) {
    super(options, renderer, hooks, false)
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

  protected traceText(ids: TraceIds): string {
    return ",\"trace_id\":\"" + ids.traceId + "\"" +
      (ids.spanId === undefined ? "" : ",\"span_id\":\"" + ids.spanId + "\"")
  }

  private spans(spans: Iterable<SpanLike>, now: number): string {
    let out = ""
    for (const span of spans) {
      out += (out === "" ? "" : ",") + jsonString(this.renderer.string(span.label)) + ":" + (now - span.startTime)
    }
    return ",\"spans\":{" + out + "}"
  }

  render(
    level: LevelName,
    millis: number,
    entry: EntryLike,
    context: Ctx,
    spans: Iterable<SpanLike> | undefined,
    cause: C | undefined,
    span: S | undefined
  ): string {
    const prepared = this.prepared(entry.binding)
    const r = this.renderer
    const text = this.messageText(entry.message)
    const fields = entry.fields
    let rest = this.service + this.context(context).fields + prepared.fields
    if (fields != null) rest += this.fields(fields)
    if (spans !== undefined) rest += this.spans(spans, millis)
    if (entry.error !== undefined) rest += ",\"error\":" + r.json(entry.error)
    if (cause !== undefined) rest += ",\"cause\":" + r.json(this.hooks.causeData(cause, r))
    if (rest.length > this.options.limits.maxLineLength) rest = this.tooLong(rest.length, entry.error)
    const trace = span === undefined || !this.options.traceIds ? "" : this.trace(span)
    return "{\"timestamp\":\"" + this.iso(millis) + "\"" + levelText[level] + ",\"message\":" +
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
