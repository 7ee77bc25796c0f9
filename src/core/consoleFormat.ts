/**
 * The console formatter: `[timestamp] [level marker] [name or DAS emoji] message key=value… [trace=… span=…]`,
 * single-line and terminal-safe, with colours when asked.
 */
import { causeText } from "./cause.js"
import { causeParts, type ConsoleFields, errorText } from "./consoleError.js"
import * as emoji from "./emoji.js"
import { dasOf, type DasValues, type FormatOptions, FormatterBase, type Key } from "./formatter.js"
import type { LevelName } from "./level.js"
import type { CauseData, LogRecord, Span } from "./record.js"
import { KEEP, REDACT, redactedMarker } from "./redact.js"
import { consoleKey, escapeText, jsonString, type Renderer, type RenderLimits, truncate } from "./render.js"

const levelLabels: Record<LevelName, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARN",
  error: "ERROR",
  critical: "CRITICAL"
}
const levelColors: Record<LevelName, string> = {
  trace: "\x1b[90m",
  debug: "\x1b[34m",
  info: "\x1b[32m",
  warning: "\x1b[33m",
  error: "\x1b[31m",
  critical: "\x1b[1;35m"
}
const RESET = "\x1b[0m"
const DIM = "\x1b[2m"

/** @internal */
export class ConsoleFormatter extends FormatterBase implements ConsoleFields {
  private readonly levelText: Record<LevelName, string>
  readonly limits: RenderLimits
  // the last message and its shown text (masked, cut, escaped): records come in runs of the same message
  private lastMessage = ""
  private lastShown = ""

  constructor(options: FormatOptions, renderer: Renderer) {
    super(options, renderer, options.dasEmoji)
    this.limits = options.limits
    const levelText = {} as Record<LevelName, string>
    for (const level of Object.keys(levelLabels) as Array<LevelName>) {
      levelText[level] = level === "info"
        ? ""
        : options.colors
        ? levelColors[level] + options.emoji.levels[level] + " " + levelLabels[level] + RESET + " "
        : options.emoji.levels[level] + " " + levelLabels[level] + " "
    }
    this.levelText = levelText
  }

  protected keyText(shown: string): string {
    return this.options.colors ? " " + DIM + consoleKey(shown) + "=" + RESET : " " + consoleKey(shown) + "="
  }

  protected nameText(name: string | undefined): string {
    return this.options.loggerNameEmoji ? "[" + emoji.forName(name, this.options.emoji) + "] " : ""
  }

  protected serviceText(serviceName: string): string {
    return this.field("service_name", serviceName)
  }

  override key(key: string): Key {
    return super.key(key)
  }

  /** ` key=value`. */
  field(key: string, value: unknown): string {
    const k = this.key(key)
    if (k.action !== KEEP) return k.action === REDACT ? k.text + redactedMarker : ""
    return k.text + this.renderer.console(value)
  }

  protected errorNote(text: string): string {
    return this.key("error").text + text
  }

  protected traceText(traceId: string, spanId: string | undefined): string {
    // a 64-bit trace id was padded with 16 zeros: its short form is taken after them
    const t = traceId.startsWith("0000000000000000") ? traceId.slice(16, 24) : traceId.slice(0, 8)
    return this.key("trace").text + t + (spanId === undefined ? "" : this.key("span").text + spanId.slice(0, 8))
  }

  private spans(spans: ReadonlyArray<Span>, now: number): string {
    let out = ""
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!
      out += this.key(this.renderer.string(span.label)).text + (now - span.startTime) + "ms"
    }
    return out
  }

  private cause(cause: CauseData, withFields: boolean, shown: object | undefined): string {
    return causeParts(this, withFields ? cause.reasons : undefined, causeText(this.renderer, cause), shown)
  }

  format(record: LogRecord): string {
    const level = record.level
    const millis = record.time
    const prepared = this.prepared(record.binding)
    const text = this.messageText(record.message)
    const ctx = this.context(record.context)
    const fields = record.fields
    const error = record.error
    let rest = this.service + ctx.fields + prepared.fields
    if (fields != null) rest += this.fields(fields)
    if (record.spans.length > 0) rest += this.spans(record.spans, millis)
    if (error !== undefined) rest += errorText(this, error)
    if (record.cause !== undefined) rest += this.cause(record.cause, error === undefined, fields ?? undefined)
    if (rest.length > this.limits.maxLineLength) rest = this.tooLong(rest.length, error)
    const trace = record.traceId === undefined || !this.options.traceIds
      ? ""
      : this.trace(record.traceId, record.spanId)
    let head = this.options.timestamps
      ? (this.options.colors ? DIM + this.iso(millis) + RESET + " " : this.iso(millis) + " ") + this.levelText[level]
      : this.levelText[level]
    let das: DasValues | undefined
    if (this.options.dasEmoji) {
      das = ctx.das === undefined
        ? prepared.das
        : prepared.das === undefined
        ? ctx.das
        : { ...ctx.das, ...prepared.das }
      if (fields != null) das = dasOf(fields, das)
    }
    head += das === undefined ? prepared.name : emoji.das(das, this.options.emoji) + " "
    // an empty message (`Effect.log({ a: 1 })`, `Effect.log()`): one space between the head and the fields, none at the end
    if (text === "" && (head === "" || head.charCodeAt(head.length - 1) === 32)) {
      if (rest.charCodeAt(0) === 32) rest = rest.slice(1)
      else if (rest === "") head = head.slice(0, -1)
    }
    return head + this.shown(text) + rest + trace + "\n"
  }

  /**
   * A message as the line shows it: secrets masked, cut to the limit, escaped. The last one's text is reused (a
   * message of up to 1,024 characters: no large string is kept).
   */
  private shown(text: string): string {
    if (text === this.lastMessage) return this.lastShown
    const shown = escapeText(this.renderer.string(text))
    if (text.length <= 1024) {
      this.lastMessage = text
      this.lastShown = shown
    }
    return shown
  }

  fallback(level: LevelName, _millis: number, message: unknown, reason: string): string {
    let text = "[Unrenderable message]"
    let note = "\"unformattable record\""
    try {
      if (typeof message === "string") text = this.renderer.string(message)
      note = jsonString(this.renderer.string(truncate("unformattable record: " + reason, 1024)))
    } catch {
      // keep the plain texts
    }
    return this.levelText[level] + escapeText(text) + this.key("error").text + note + "\n"
  }
}
