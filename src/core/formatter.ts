/**
 * What the console and the JSON formatter share: the options and the caches. A formatter renders one `LogRecord`
 * (src/core/record.ts); everything that can be known in advance (key renderings, logger-name parts, a binding's
 * fields, a context's fragments, the trace ids' text) is prepared once per formatter and found again by identity, so
 * a record then costs one string build.
 */
import type { EmojiSet } from "./emoji.js"
import { type LevelName, levelOrdinal } from "./level.js"
import type { Binding, Context, Fields, LogRecord } from "./record.js"
import type { KeyAction, Redactor } from "./redact.js"
import { ownKeys, readField, type Renderer, type RenderLimits, truncate } from "./render.js"

/** @internal */
export type Format = "key_value" | "json"

export type {
  /** @internal */
  Fields
} from "./record.js"

/** @internal */
export interface FormatOptions {
  readonly format: Format
  /**
   * The starting level: what `install` sets as Effect's minimum log level.
   * Records are then filtered by Effect's minimum level in force (which
   * `Logger.withMinimumLogLevel` changes), except those of a logger name a
   * module level matches.
   */
  readonly level: LevelName
  /** `[prefix, level]`: a logger named `prefix` or `prefix.*` logs from `level` up. */
  readonly moduleLevels: ReadonlyArray<readonly [string, LevelName]>
  /** Console only; JSON always carries `timestamp`. */
  readonly timestamps: boolean
  readonly colors: boolean
  readonly loggerNameEmoji: boolean
  readonly dasEmoji: boolean
  readonly serviceName: string | undefined
  readonly emoji: EmojiSet
  readonly redactor: Redactor
  readonly limits: RenderLimits
  /**
   * Inside a span, the trace and span ids: `trace_id` / `span_id` in JSON,
   * a short `trace=… span=…` at the end of a console line.
   */
  readonly traceIds: boolean
}

/**
 * The keys every JSON record starts with. A field with one of these names is
 * written as `fields.<name>`, so no value can forge a record's level, message,
 * time, logger or trace ids (`trace_id` / `span_id`, reserved whether or not
 * the ids are written, so a field keeps one name).
 *
 * @internal
 */
export const reservedJsonKeys: ReadonlySet<string> = new Set([
  "timestamp",
  "level",
  "message",
  "logger_name",
  "trace_id",
  "span_id",
  "service_name",
  "spans",
  "error",
  "cause"
])

/**
 * The user's key behind a JSON key: `fields.level` was written for a field named `level`.
 *
 * @internal
 */
export const fieldKeyOf = (jsonKey: string): string =>
  jsonKey.startsWith("fields.") && reservedJsonKeys.has(jsonKey.slice(7)) ? jsonKey.slice(7) : jsonKey

/** @internal */
export interface DasValues {
  domain?: unknown
  action?: unknown
  status?: unknown
}

/**
 * The DAS values among `fields`. Only strings count: `status: 503` is an HTTP
 * status, not a Domain-Action-Status value, and keeps the logger-name emoji.
 *
 * @internal
 */
export const dasOf = (fields: Fields, into: DasValues | undefined): DasValues | undefined => {
  if (typeof fields !== "object" || fields === null) return into
  const domain = dasField(fields, "domain")
  const action = dasField(fields, "action")
  const status = dasField(fields, "status")
  const d = typeof domain === "string", a = typeof action === "string", st = typeof status === "string"
  if (!d && !a && !st) return into
  const out: DasValues = { ...into }
  if (d) out.domain = domain
  if (a) out.action = action
  if (st) out.status = status
  return out
}

/** A DAS field: a getter that throws counts as absent (its `[Throws: …]` marker is no DAS value). */
const dasField = (fields: object, key: string): unknown => {
  try {
    return (fields as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

/**
 * A value that is not a string, as message text (a string rendering without its quotes).
 *
 * @internal
 */
export const valueText = (value: unknown, renderer: Renderer): string => {
  if (typeof value === "string") return value
  const text = renderer.console(value)
  if (text.length > 1 && text.charCodeAt(0) === 34) {
    try {
      return JSON.parse(text) as string
    } catch {
      return text
    }
  }
  return text
}

/**
 * `value instanceof Error`, `false` for a Proxy whose prototype cannot be read.
 *
 * @internal
 */
export const isError = (value: unknown): value is Error => {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

/**
 * `Name: message` of an error (just the name when the message is empty), never throwing.
 *
 * @internal
 */
export const errorHead = (error: Error): string => {
  try {
    const message = String(error.message)
    return message === "" ? String(error.name) : String(error.name) + ": " + message
  } catch {
    return "[Unrenderable error]"
  }
}

/** Keys longer than this are not cached (a flood of distinct huge keys must not grow memory) and are cut when shown. */
const maxKeyLength = 256

/** @internal */
export interface Key {
  /** ` key=` (console) or `,"key":` (JSON). */
  readonly text: string
  /** Keep, redact (`[REDACTED]`) or remove (the field is not written). */
  readonly action: KeyAction
}

/** What a formatter prepares once per logger name. */
interface Named {
  /** The module level's ordinal; `undefined`: the name follows the binding's minimum log level. */
  readonly threshold: number | undefined
  /** Console: `"[👷] "` (or `""` when name emoji are off); JSON: `,"logger_name":"worker.alpha"` (or `""`). */
  readonly name: string
}

/** What a formatter prepares once per binding. @internal */
export interface Prepared extends Named {
  /** The bound fields, rendered for this formatter's format. */
  readonly fields: string
  readonly das: DasValues | undefined
}

/** What a formatter prepares once per context map (Log.withContext / Effect.annotateLogs). @internal */
export interface PreparedContext {
  readonly fields: string
  readonly das: DasValues | undefined
}

const emptyContext: PreparedContext = { fields: "", das: undefined }

/**
 * The formatter's shared half: options, renderer and the caches. The format's half renders a record from them.
 *
 * @internal
 */
export abstract class FormatterBase {
  private readonly keys = new Map<string, Key>()
  private readonly names = new Map<string | undefined, Named>()
  private readonly contexts = new WeakMap<Context, PreparedContext>()
  private readonly bindings = new WeakMap<Binding, Prepared>()
  private lastBinding: Binding | undefined = undefined
  private lastPrepared: Prepared | undefined = undefined
  /** Bindings prepared so far (each once per formatter). */
  preparedCount = 0
  private lastMillis = NaN
  private lastIso = ""
  private lastContextSeen: Context | undefined = undefined
  private lastContext: PreparedContext | undefined = undefined
  /** Contexts rendered once and not cached yet (the most recent 16). */
  private readonly seenOnce: Array<Context | undefined> = new Array(16).fill(undefined)
  private seenNext = 0
  private lastTraceId: string | undefined = undefined
  private lastSpanId: string | undefined = undefined
  private lastTrace = ""
  /** The service name's field (`""` without one). */
  protected readonly service: string

  constructor(
    readonly options: FormatOptions,
    readonly renderer: Renderer,
    /** Whether prepared parts carry the DAS values (the console's DAS emoji). */
    private readonly withDas: boolean
  ) {
    this.service = options.serviceName === undefined ? "" : this.serviceText(options.serviceName)
  }

  /** ` key=` or `,"key":`, for a key already cut to its shown length. */
  protected abstract keyText(shown: string): string
  /** The logger-name part of a line. */
  protected abstract nameText(name: string | undefined): string
  protected abstract serviceText(serviceName: string): string
  /** One rendered field: ` key=value` or `,"key":value`. */
  protected abstract field(key: string, value: unknown): string
  /** The note on the error of a record whose fields were left out. */
  protected abstract errorNote(text: string): string
  /** The trace ids' part of a line. */
  protected abstract traceText(traceId: string, spanId: string | undefined): string

  /** The module level of a logger name: the longest matching module prefix; `undefined` when none matches. */
  moduleLevel(name: string | undefined): LevelName | undefined {
    if (name === undefined) return undefined
    let best: LevelName | undefined
    let bestLength = -1
    for (const [prefix, level] of this.options.moduleLevels) {
      if (prefix.length > bestLength && (name === prefix || name.startsWith(prefix + "."))) {
        best = level
        bestLength = prefix.length
      }
    }
    return best
  }

  /** The ordinal of the module level matching the binding's logger name; `undefined` when none does. */
  moduleThreshold(binding: Binding): number | undefined {
    return this.prepared(binding).threshold
  }

  protected key(key: string): Key {
    let k = this.keys.get(key)
    if (k === undefined) {
      const action = this.renderer.keyAction(key)
      k = { text: this.keyText(key.length > maxKeyLength ? truncate(key, maxKeyLength) : key), action }
      if (key.length <= maxKeyLength && this.keys.size < 10_000) this.keys.set(key, k)
    }
    return k
  }

  /** The binding's prepared parts, from this formatter's own cache (the last binding is checked first). */
  protected prepared(binding: Binding): Prepared {
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

  protected fields(fields: Fields): string {
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
  protected tooLong(length: number, error: unknown): string {
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
    return this.service + note + this.errorNote(this.renderer.json(truncate(head, 1024)))
  }

  /** What depends on the logger name only: shared by every binding with that name. */
  private named(name: string | undefined): Named {
    let n = this.names.get(name)
    if (n === undefined) {
      const level = this.moduleLevel(name)
      n = { threshold: level === undefined ? undefined : levelOrdinal[level], name: this.nameText(name) }
      if (this.names.size < 10_000) this.names.set(name, n)
    }
    return n
  }

  private prepare(binding: Binding): Prepared {
    const n = this.named(binding.name)
    const fields = binding.fields
    const prepared: Prepared = {
      threshold: n.threshold,
      name: n.name,
      fields: fields == null ? "" : this.fields(fields),
      das: fields == null || !this.withDas ? undefined : dasOf(fields, undefined)
    }
    this.preparedCount++
    return prepared
  }

  /** The context's prepared fields (and DAS values), cached by identity once a context is seen a second time. */
  protected context(context: Context): PreparedContext {
    const keys = context.keys
    if (keys.length === 0) return emptyContext
    if (context === this.lastContextSeen) return this.lastContext!
    let ctx = this.contexts.get(context)
    if (ctx === undefined) {
      const values = context.values
      let fields = ""
      let das: Record<string, unknown> | undefined
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        fields += this.field(key, values[i])
        if (key === "domain" || key === "action" || key === "status") (das ??= {})[key] = values[i]
      }
      ctx = { fields, das: this.withDas && das !== undefined ? dasOf(das, undefined) : undefined }
      // Cached when seen a second time: a context used for one record (an HTTP request's, when the handler logs
      // nothing) never costs a WeakMap entry, an ephemeron the garbage collector must process (~4 µs a request).
      const i = this.seenOnce.indexOf(context)
      if (i >= 0) {
        this.contexts.set(context, ctx)
        this.seenOnce[i] = undefined
      } else {
        this.seenOnce[this.seenNext] = context
        this.seenNext = (this.seenNext + 1) % this.seenOnce.length
      }
    }
    this.lastContextSeen = context
    this.lastContext = ctx
    return ctx
  }

  protected iso(millis: number): string {
    if (millis !== this.lastMillis) {
      this.lastMillis = millis
      this.lastIso = Number.isFinite(millis) ? new Date(millis).toISOString() : "Invalid Date"
    }
    return this.lastIso
  }

  /** The ids as this format writes them; the last ids' text is reused. */
  protected trace(traceId: string, spanId: string | undefined): string {
    if (traceId === this.lastTraceId && spanId === this.lastSpanId) return this.lastTrace
    const text = this.traceText(traceId, spanId)
    this.lastTraceId = traceId
    this.lastSpanId = spanId
    this.lastTrace = text
    return text
  }

  /** The text of a message that may not be a string (`Log.info(42)` from JavaScript). */
  protected messageText(message: unknown): string {
    return typeof message === "string" ? message : valueText(message, this.renderer)
  }

  /** Renders one record, its line with its `"\n"`. Level filtering is the caller's. */
  abstract format(record: LogRecord): string

  /**
   * The last resort for a record that cannot be rendered: its level, its
   * message when it is text, and the reason, in this formatter's format.
   */
  abstract fallback(level: LevelName, millis: number, message: unknown, reason: string): string
}
