/**
 * The formatter: one string build per record, with everything that can be
 * known in advance prepared once (level labels, logger-name emoji, bound
 * fields, context fragments, key renderings).
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashMap from "effect/HashMap"
import * as List from "effect/List"
import type * as Logger from "effect/Logger"
import type * as LogSpan from "effect/LogSpan"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type * as Emoji from "../Emoji.js"
import * as emoji from "./emoji.js"
import { Binding, Entry, type Fields, mergedFields, rootBinding } from "./record.js"
import { fromEffectLevel, type LevelName, toEffectLevel } from "./level.js"
import { traceIdsOf } from "./traceContext.js"
import type { Redactor } from "./redact.js"
import { makeRedactor, redactedMarker } from "./redact.js"
import {
  consoleKey,
  consoleString,
  defaultLimits,
  escapeText,
  jsonString,
  ownKeys,
  readField,
  type RenderLimits,
  Renderer,
  truncate
} from "./render.js"

export type Format = "key_value" | "json"

export interface FormatOptions {
  readonly format: Format
  /** The global minimum level. */
  readonly level: LevelName
  /** `[prefix, level]`: a logger named `prefix` or `prefix.*` logs from `level` up. */
  readonly moduleLevels: ReadonlyArray<readonly [string, LevelName]>
  /** Console only; JSON always carries `timestamp`. */
  readonly timestamps: boolean
  readonly colors: boolean
  readonly loggerNameEmoji: boolean
  readonly dasEmoji: boolean
  readonly serviceName: string | undefined
  readonly emoji: Emoji.EmojiSet
  readonly redactor: Redactor
  readonly limits: RenderLimits
  /**
   * Inside a span, the trace and span ids: `trace_id` / `span_id` in JSON,
   * a short `trace=… span=…` at the end of a console line.
   */
  readonly traceIds: boolean
}

export const defaultFormatOptions: FormatOptions = {
  format: "key_value",
  level: "info",
  moduleLevels: [],
  timestamps: false,
  colors: false,
  loggerNameEmoji: true,
  dasEmoji: true,
  serviceName: undefined,
  emoji: emoji.defaults,
  redactor: makeRedactor(),
  limits: defaultLimits,
  traceIds: false
}

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

interface DasValues {
  domain?: unknown
  action?: unknown
  status?: unknown
}

/** What a formatter prepares once per logger name. */
interface Named {
  readonly threshold: number
  readonly prefix: string
  readonly jsonName: string
}

/** What a formatter prepares once per binding. */
interface Prepared {
  readonly threshold: number
  /** Console: `"[👷] "` (or `""` when name emoji are off). */
  readonly prefix: string
  /** JSON: `,"logger_name":"worker.alpha"` (or `""`). */
  readonly jsonName: string
  /** The bound fields, rendered for this formatter's format. */
  readonly fields: string
  readonly das: DasValues | undefined
}

/** What a formatter prepares once per annotation map (Log.withContext / Effect.annotateLogs). */
interface PreparedContext {
  readonly fields: string
  readonly das: DasValues | undefined
}

interface Key {
  /** ` key=` (console) or `,"key":` (JSON). */
  readonly text: string
  readonly sensitive: boolean
}

/**
 * The keys every JSON record starts with. A field with one of these names is
 * written as `fields.<name>`, so no value can forge a record's level, message,
 * time or logger.
 */
export const reservedJsonKeys: ReadonlySet<string> = new Set(["timestamp", "level", "message", "logger_name", "service_name", "spans", "error", "cause"])

/** The user's key behind a JSON key: `fields.level` was written for a field named `level`. */
export const fieldKeyOf = (jsonKey: string): string =>
  jsonKey.startsWith("fields.") && reservedJsonKeys.has(jsonKey.slice(7)) ? jsonKey.slice(7) : jsonKey

/** Keys longer than this are not cached (a flood of distinct huge keys must not grow memory) and are cut when shown. */
const maxKeyLength = 256

const emptyContext: PreparedContext = { fields: "", das: undefined }

/**
 * The DAS values among `fields`. Only strings count: `status: 503` is an HTTP
 * status, not a Domain-Action-Status value, and keeps the logger-name emoji.
 */
const dasOf = (fields: Fields, into: DasValues | undefined): DasValues | undefined => {
  const domain = readField(fields, "domain")
  const action = readField(fields, "action")
  const status = readField(fields, "status")
  const d = typeof domain === "string", a = typeof action === "string", st = typeof status === "string"
  if (!d && !a && !st) return into
  const out: DasValues = { ...into }
  if (d) out.domain = domain
  if (a) out.action = action
  if (st) out.status = status
  return out
}

export const messageText = (message: unknown, renderer: Renderer): string => {
  if (typeof message === "string") return message
  if (Array.isArray(message)) {
    if (message.length === 1) return messageText(message[0], renderer)
    let out = ""
    for (let i = 0; i < message.length; i++) out += (i === 0 ? "" : " ") + messageText(message[i], renderer)
    return out
  }
  if (message instanceof Entry) return message.message
  const text = renderer.console(message)
  return text.length > 1 && text.charCodeAt(0) === 34 ? (JSON.parse(text) as string) : text
}

/** The `Entry` a record carries, if it came from `Log.*`. */
export const entryOf = (message: unknown): Entry | undefined => {
  if (message instanceof Entry) return message
  if (Array.isArray(message) && message.length === 1 && message[0] instanceof Entry) return message[0]
  return undefined
}

export class Formatter {
  readonly renderer: Renderer
  private readonly json: boolean
  private readonly levelText: Record<LevelName, string>
  private readonly service: string
  private readonly keys = new Map<string, Key>()
  private readonly names = new Map<string | undefined, Named>()
  private readonly contexts = new WeakMap<object, PreparedContext>()
  private readonly bindings = new WeakMap<Binding, Prepared>()
  private lastBinding: Binding | undefined = undefined
  private lastPrepared: Prepared | undefined = undefined
  /** Bindings prepared so far (each once per formatter). */
  preparedCount = 0
  private readonly globalThreshold: number
  private lastMillis = NaN
  private lastIso = ""
  private lastAnnotations: HashMap.HashMap<string, unknown> | undefined = undefined
  private lastContext: PreparedContext | undefined = undefined
  /** Context maps rendered once and not cached yet (the most recent 16). */
  private readonly seenOnce: Array<HashMap.HashMap<string, unknown> | undefined> = new Array(16).fill(undefined)
  private seenNext = 0
  private lastSpan: Tracer.AnySpan | undefined = undefined
  private lastTrace = ""

  constructor(readonly options: FormatOptions) {
    this.renderer = new Renderer(options.redactor, options.limits)
    this.json = options.format === "json"
    this.globalThreshold = toEffectLevel[options.level].ordinal
    const levelText = {} as Record<LevelName, string>
    for (const level of Object.keys(levelLabels) as Array<LevelName>) {
      levelText[level] = this.json
        ? ",\"level\":\"" + level + "\""
        : level === "info"
        ? ""
        : options.colors
        ? levelColors[level] + options.emoji.levels[level] + " " + levelLabels[level] + RESET + " "
        : options.emoji.levels[level] + " " + levelLabels[level] + " "
    }
    this.levelText = levelText
    this.service = options.serviceName === undefined
      ? ""
      : this.json
      ? ",\"service_name\":" + this.renderer.json(options.serviceName)
      : this.field("service_name", options.serviceName)
  }

  /** The lowest level any logger may emit at (global level and module levels). */
  get minimumLevel(): LevelName {
    let min = this.globalThreshold
    let name = this.options.level
    for (const [, level] of this.options.moduleLevels) {
      if (toEffectLevel[level].ordinal < min) {
        min = toEffectLevel[level].ordinal
        name = level
      }
    }
    return name
  }

  /** The level in force for a logger name: the longest matching module prefix, else the global level. */
  levelFor(name: string | undefined): LevelName {
    if (name === undefined) return this.options.level
    let best: LevelName | undefined
    let bestLength = -1
    for (const [prefix, level] of this.options.moduleLevels) {
      if (prefix.length > bestLength && (name === prefix || name.startsWith(prefix + "."))) {
        best = level
        bestLength = prefix.length
      }
    }
    return best ?? this.options.level
  }

  private key(key: string): Key {
    let k = this.keys.get(key)
    if (k === undefined) {
      const sensitive = this.renderer.isSensitive(key)
      const shown = key.length > maxKeyLength ? truncate(key, maxKeyLength) : key
      const text = this.json
        ? "," + jsonString(reservedJsonKeys.has(shown) ? "fields." + shown : shown) + ":"
        : this.options.colors
        ? " " + DIM + consoleKey(shown) + "=" + RESET
        : " " + consoleKey(shown) + "="
      k = { text, sensitive }
      if (key.length <= maxKeyLength && this.keys.size < 10_000) this.keys.set(key, k)
    }
    return k
  }

  /** Whether a record at `ordinal` from this binding passes its level (global or module). */
  enabled(binding: Binding, ordinal: number): boolean {
    return ordinal >= this.prepared(binding).threshold
  }

  /** The binding's prepared parts, from this formatter's own cache (the last binding is checked first). */
  private prepared(binding: Binding): Prepared {
    if (binding === this.lastBinding) return this.lastPrepared!
    let prepared = this.bindings.get(binding)
    if (prepared === undefined) {
      prepared = this.prepare(binding)
      this.bindings.set(binding, prepared)
    }
    this.lastBinding = binding
    this.lastPrepared = prepared
    return prepared
  }

  /** One rendered field: ` key=value` or `,"key":value`. JSON leaves `undefined` out. */
  private field(key: string, value: unknown): string {
    const k = this.key(key)
    if (k.sensitive) return k.text + (this.json ? "\"" + redactedMarker + "\"" : redactedMarker)
    if (this.json) return value === undefined ? "" : k.text + this.renderer.json(value)
    return k.text + this.renderer.console(value)
  }

  private fields(fields: Fields): string {
    const keys = ownKeys(fields)
    if (keys === undefined) return this.field("fields", "[Unrenderable: keys cannot be listed]")
    const max = this.options.limits.maxKeys
    const n = Math.min(keys.length, max)
    let out = ""
    for (let i = 0; i < n; i++) out += this.field(keys[i]!, readField(fields, keys[i]!))
    if (keys.length > max) out += this.field("…", keys.length - max + " more keys")
    return out
  }

  /** The fields of a record too long to write: left out, with a note; the error's name and message stay. */
  private tooLong(length: number, error: unknown): string {
    const note = this.field(
      "truncated",
      `record fields of ${length} characters over the ${this.options.limits.maxLineLength}-character limit were left out`
    )
    if (error === undefined) return this.service + note
    let head: string
    try {
      head = error instanceof Error ? String(error.name) + ": " + String(error.message) : "[" + typeof error + "]"
    } catch {
      head = "[Unrenderable error]"
    }
    const text = jsonString(this.renderer.string(truncate(head, 1024)))
    return this.service + note + (this.json ? ",\"error\":" + text : this.key("error").text + text)
  }

  /** What depends on the logger name only: shared by every binding with that name. */
  private named(name: string | undefined): Named {
    let n = this.names.get(name)
    if (n === undefined) {
      n = {
        threshold: toEffectLevel[this.levelFor(name)].ordinal,
        prefix: this.options.loggerNameEmoji ? "[" + emoji.forName(name, this.options.emoji) + "] " : "",
        jsonName: name === undefined ? "" : ",\"logger_name\":" + jsonString(name)
      }
      if (this.names.size < 10_000) this.names.set(name, n)
    }
    return n
  }

  private prepare(binding: Binding): Prepared {
    const n = this.named(binding.name)
    const prepared: Prepared = {
      threshold: n.threshold,
      prefix: n.prefix,
      jsonName: n.jsonName,
      fields: binding.fields === undefined ? "" : this.fields(binding.fields),
      das: binding.fields === undefined ? undefined : dasOf(binding.fields, undefined)
    }
    this.preparedCount++
    return prepared
  }

  private context(annotations: HashMap.HashMap<string, unknown>): PreparedContext {
    if (HashMap.size(annotations) === 0) return emptyContext
    if (annotations === this.lastAnnotations) return this.lastContext!
    let ctx = this.contexts.get(annotations)
    if (ctx === undefined) {
      let fields = ""
      const plain: Record<string, unknown> = {}
      for (const [key, value] of annotations) {
        fields += this.field(key, value)
        if (key === "domain" || key === "action" || key === "status") plain[key] = value
      }
      ctx = { fields, das: dasOf(plain, undefined) }
      // Cached when seen a second time: a context used for one record (an HTTP request's, when the handler logs
      // nothing) never costs a WeakMap entry, an ephemeron the garbage collector must process (~4 µs a request).
      const i = this.seenOnce.indexOf(annotations)
      if (i >= 0) {
        this.contexts.set(annotations, ctx)
        this.seenOnce[i] = undefined
      } else {
        this.seenOnce[this.seenNext] = annotations
        this.seenNext = (this.seenNext + 1) % this.seenOnce.length
      }
    }
    this.lastAnnotations = annotations
    this.lastContext = ctx
    return ctx
  }

  private iso(millis: number): string {
    if (millis !== this.lastMillis) {
      this.lastMillis = millis
      this.lastIso = Number.isFinite(millis) ? new Date(millis).toISOString() : "Invalid Date"
    }
    return this.lastIso
  }

  private spans(spans: List.List<LogSpan.LogSpan>, now: number): string {
    if (List.isNil(spans)) return ""
    let out = ""
    if (this.json) {
      for (const span of spans) out += (out === "" ? "" : ",") + jsonString(span.label) + ":" + (now - span.startTime)
      return ",\"spans\":{" + out + "}"
    }
    for (const span of spans) out += this.key(span.label).text + (now - span.startTime) + "ms"
    return out
  }

  private error(error: unknown): string {
    if (this.json) return ",\"error\":" + this.renderer.json(error)
    if (error instanceof Error) {
      let head: string
      let stack: unknown
      try {
        const message = String(error.message)
        head = message === "" ? String(error.name) : String(error.name) + ": " + message
        stack = error.stack
      } catch {
        head = "[Unrenderable error]"
      }
      return this.key("error").text + consoleString(this.renderer.string(head)) +
        (typeof stack === "string" ? this.key("stack").text + consoleString(this.renderer.string(stack)) : "")
    }
    return this.key("error").text + this.renderer.console(error)
  }

  private cause(cause: Cause.Cause<unknown>): string {
    if (this.json) return ",\"cause\":" + this.renderer.json(this.renderer.cause(cause))
    return this.key("cause").text + consoleString(this.renderer.causeText(cause))
  }

  /** The span's ids as this format writes them (`""` without valid ids); the last span's text is reused. */
  private trace(span: Tracer.AnySpan): string {
    if (span === this.lastSpan) return this.lastTrace
    const ids = traceIdsOf(span)
    let text = ""
    if (ids !== undefined) {
      if (this.json) {
        text = ",\"trace_id\":\"" + ids.traceId + "\"" + (ids.spanId === undefined ? "" : ",\"span_id\":\"" + ids.spanId + "\"")
      } else {
        // a 64-bit trace id was padded with 16 zeros: its short form is taken after them
        const t = ids.traceId.startsWith("0000000000000000") ? ids.traceId.slice(16, 24) : ids.traceId.slice(0, 8)
        text = this.key("trace").text + t + (ids.spanId === undefined ? "" : this.key("span").text + ids.spanId.slice(0, 8))
      }
    }
    this.lastSpan = span
    this.lastTrace = text
    return text
  }

  /** The current span of a record handed to an Effect `Logger` (only looked up when trace ids are written). */
  spanOf(options: Logger.Logger.Options<unknown>): Tracer.AnySpan | undefined {
    if (!this.options.traceIds) return undefined
    return Option.getOrUndefined(Context.getOption(FiberRefs.getOrDefault(options.context, FiberRef.currentContext), Tracer.ParentSpan))
  }

  /** Renders one record. Level filtering is the caller's: see {@link enabled}. */
  render(
    level: LevelName,
    millis: number,
    message: unknown,
    annotations: HashMap.HashMap<string, unknown>,
    spans: List.List<LogSpan.LogSpan>,
    cause: Cause.Cause<unknown>,
    span?: Tracer.AnySpan | undefined
  ): string {
    const entry = entryOf(message)
    const prepared = this.prepared(entry === undefined ? rootBinding : entry.binding)
    const r = this.renderer
    const text = entry === undefined ? messageText(message, r) : entry.message
    const ctx = this.context(annotations)
    const fields = entry?.fields
    let rest = this.service + ctx.fields + prepared.fields
    if (fields !== undefined) rest += this.fields(fields)
    if (!List.isNil(spans)) rest += this.spans(spans, millis)
    if (entry !== undefined && entry.error !== undefined) rest += this.error(entry.error)
    if (cause._tag !== "Empty") rest += this.cause(cause)
    if (rest.length > this.options.limits.maxLineLength) rest = this.tooLong(rest.length, entry?.error)
    const trace = span === undefined || !this.options.traceIds ? "" : this.trace(span)
    if (this.json) {
      return "{\"timestamp\":\"" + this.iso(millis) + "\"" + this.levelText[level] + ",\"message\":" +
        jsonString(r.string(text)) + prepared.jsonName + trace + rest + "}\n"
    }
    let head = this.options.timestamps
      ? (this.options.colors ? DIM + this.iso(millis) + RESET + " " : this.iso(millis) + " ") + this.levelText[level]
      : this.levelText[level]
    let das: DasValues | undefined
    if (this.options.dasEmoji) {
      das = ctx.das === undefined ? prepared.das : prepared.das === undefined ? ctx.das : { ...ctx.das, ...prepared.das }
      if (fields !== undefined) das = dasOf(fields, das)
    }
    head += das === undefined ? prepared.prefix : emoji.das(das, this.options.emoji) + " "
    return head + escapeText(r.string(text)) + rest + trace + "\n"
  }

  /** Renders a record handed to an Effect `Logger`; `undefined` when its level (or module level) filters it out. */
  format(options: Logger.Logger.Options<unknown>): string | undefined {
    if (!this.enabled(entryOf(options.message)?.binding ?? rootBinding, options.logLevel.ordinal)) return undefined
    return this.render(
      fromEffectLevel(options.logLevel),
      options.date.getTime(),
      options.message,
      options.annotations,
      options.spans,
      options.cause,
      this.spanOf(options)
    )
  }
}

/** A record as data: what `TestLog` captures, what the CLI parses, what OTLP exports. */
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

/** The structured view of one record. */
export const recordOf = (
  level: LevelName,
  millis: number,
  message: unknown,
  annotations: HashMap.HashMap<string, unknown>,
  spans: List.List<LogSpan.LogSpan>,
  cause: Cause.Cause<unknown>,
  renderer: Renderer
): StructuredRecord => {
  const entry = entryOf(message)
  const fields = mergedFields(annotations, entry)
  return {
    timestamp: new Date(millis),
    level,
    message: entry === undefined ? messageText(message, renderer) : entry.message,
    loggerName: entry?.binding.name,
    fields,
    error: entry?.error,
    cause,
    spans: List.toArray(spans).map((span) => ({ label: span.label, durationMs: millis - span.startTime }))
  }
}

/** The structured view of a record handed to an Effect `Logger`. */
export const toRecord = (options: Logger.Logger.Options<unknown>, renderer: Renderer): StructuredRecord =>
  recordOf(
    fromEffectLevel(options.logLevel),
    options.date.getTime(),
    options.message,
    options.annotations,
    options.spans,
    options.cause,
    renderer
  )

/** A record given as data (the CLI, tests, summaries). */
export interface RecordInput {
  readonly timestamp: Date
  readonly level: LevelName
  readonly message: string
  readonly loggerName?: string | undefined
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  readonly error?: unknown
  readonly cause?: Cause.Cause<unknown> | undefined
}

/** Renders a record given as data exactly as the live logger would. */
export const renderRecord = (formatter: Formatter, record: RecordInput): string => {
  const entry = new Entry(new Binding(record.loggerName, undefined), record.message, record.fields, record.error)
  return formatter.render(record.level, record.timestamp.getTime(), entry, HashMap.empty(), List.nil(), record.cause ?? Cause.empty)
}
