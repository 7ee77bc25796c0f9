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
import * as emoji from "../core/emoji.js"
import { fromEffectLevel, type LevelName, toEffectLevel } from "./level.js"
import { Binding, contextEntries, Entry, type Fields, mergedFields, moduleLevels, rootBinding } from "./record.js"
import type { KeyAction, Redactor } from "./redact.js"
import { KEEP, makeRedactor, REDACT, redactedMarker } from "./redact.js"
import {
  causeReasons,
  consoleKey,
  consoleString,
  defaultLimits,
  escapeText,
  jsonString,
  ownKeys,
  putField,
  readField,
  Renderer,
  type RenderLimits,
  safeFields,
  truncate
} from "./render.js"
import { traceIdsOf } from "./traceContext.js"

/** @internal */
export type Format = "key_value" | "json"

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
  readonly emoji: Emoji.EmojiSet
  readonly redactor: Redactor
  readonly limits: RenderLimits
  /**
   * Inside a span, the trace and span ids: `trace_id` / `span_id` in JSON,
   * a short `trace=… span=…` at the end of a console line.
   */
  readonly traceIds: boolean
}

/** @internal */
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
  /** The module level's ordinal; `undefined`: the name follows Effect's minimum log level. */
  readonly threshold: number | undefined
  readonly prefix: string
  readonly jsonName: string
}

/** What a formatter prepares once per binding. */
interface Prepared {
  readonly threshold: number | undefined
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
  /** Keep, redact (`[REDACTED]`) or remove (the field is not written). */
  readonly action: KeyAction
}

/**
 * The keys every JSON record starts with. A field with one of these names is
 * written as `fields.<name>`, so no value can forge a record's level, message,
 * time or logger.
 *
 * @internal
 */
export const reservedJsonKeys: ReadonlySet<string> = new Set([
  "timestamp",
  "level",
  "message",
  "logger_name",
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

/** Keys longer than this are not cached (a flood of distinct huge keys must not grow memory) and are cut when shown. */
const maxKeyLength = 256

const emptyContext: PreparedContext = { fields: "", das: undefined }

/**
 * The DAS values among `fields`. Only strings count: `status: 503` is an HTTP
 * status, not a Domain-Action-Status value, and keeps the logger-name emoji.
 */
const dasOf = (fields: Fields, into: DasValues | undefined): DasValues | undefined => {
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

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  try {
    const proto = Object.getPrototypeOf(value)
    return proto === Object.prototype || proto === null
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

const errorMessage = (error: Error): string => {
  try {
    return String(error.message)
  } catch {
    return ""
  }
}

/**
 * A record from the message of `Effect.log*` (its arguments, an array). The
 * rule, as a user expects it (`Effect.logError("Request failed", err, { id })`):
 * strings, and every other value rendered as text, join the message with a
 * space; the first `Error` becomes the record's error (name, message, stack,
 * cause chain; later ones join the message as `Name: message`); a plain
 * object (`{ ... }`) becomes fields. A message left empty by an error takes
 * the error's message.
 *
 * @internal
 */
export const entryOfMessage = (message: unknown, renderer: Renderer): Entry => {
  if (typeof message === "string") return new Entry(rootBinding, message, undefined)
  const parts: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
  if (parts.length === 1 && typeof parts[0] === "string") return new Entry(rootBinding, parts[0], undefined)
  let text = ""
  let texts = 0
  let error: unknown = undefined
  let fields: Record<string, unknown> | undefined
  const add = (t: string) => {
    text = texts++ === 0 ? t : text + " " + t
  }
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (typeof part === "string") add(part)
    else if (isError(part)) {
      if (error === undefined) error = part
      else add(errorHead(part))
    } else if (isPlainObject(part)) {
      const safe = safeFields(part)
      if (fields === undefined) fields = safe
      else for (const key of Object.keys(safe)) putField(fields, key, safe[key])
    } else add(valueText(part, renderer))
  }
  if (texts === 0 && error !== undefined) text = errorMessage(error as Error)
  return new Entry(rootBinding, text, fields, error)
}

/** @internal */
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
  /** Whether the formatter has module levels. */
  readonly hasModuleLevels: boolean
  private lastMillis = NaN
  private lastAnnotations: HashMap.HashMap<string, unknown> | undefined = undefined
  private lastContext: PreparedContext | undefined = undefined
  /** Context maps rendered once and not cached yet (the most recent 16). */
  private readonly seenOnce: Array<HashMap.HashMap<string, unknown> | undefined> = new Array(16).fill(undefined)
  private seenNext = 0
  private lastSpan: Tracer.AnySpan | undefined = undefined
  private lastTrace = ""
  private lastIso = ""

  constructor(readonly options: FormatOptions) {
    this.renderer = new Renderer(options.redactor, options.limits)
    this.json = options.format === "json"
    this.hasModuleLevels = options.moduleLevels.length > 0
    if (this.hasModuleLevels) moduleLevels.formatters++
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

  private key(key: string): Key {
    let k = this.keys.get(key)
    if (k === undefined) {
      const action = this.renderer.keyAction(key)
      const shown = key.length > maxKeyLength ? truncate(key, maxKeyLength) : key
      const text = this.json
        ? "," + jsonString(reservedJsonKeys.has(shown) ? "fields." + shown : shown) + ":"
        : this.options.colors
        ? " " + DIM + consoleKey(shown) + "=" + RESET
        : " " + consoleKey(shown) + "="
      k = { text, action }
      if (key.length <= maxKeyLength && this.keys.size < 10_000) this.keys.set(key, k)
    }
    return k
  }

  /**
   * The ordinal of the module level matching the binding's logger name;
   * `undefined` when none does (the record follows Effect's minimum log level).
   */
  moduleThreshold(binding: Binding): number | undefined {
    return this.prepared(binding).threshold
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
    if (k.action !== KEEP) {
      return k.action === REDACT
        ? k.text + (this.json ? "\"" + redactedMarker + "\"" : redactedMarker)
        : ""
    }
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
      const level = this.moduleLevel(name)
      n = {
        threshold: level === undefined ? undefined : toEffectLevel[level].ordinal,
        prefix: this.options.loggerNameEmoji ? "[" + emoji.forName(name, this.options.emoji) + "] " : "",
        jsonName: name === undefined ? "" : ",\"logger_name\":" + jsonString(this.renderer.string(name))
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
      fields: binding.fields == null ? "" : this.fields(binding.fields),
      das: binding.fields == null ? undefined : dasOf(binding.fields, undefined)
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
      contextEntries(annotations, (key, value) => {
        fields += this.field(key, value)
        if (key === "domain" || key === "action" || key === "status") plain[key] = value
      })
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
      for (const span of spans) {
        out += (out === "" ? "" : ",") + jsonString(this.renderer.string(span.label)) + ":" + (now - span.startTime)
      }
      return ",\"spans\":{" + out + "}"
    }
    for (const span of spans) out += this.key(this.renderer.string(span.label)).text + (now - span.startTime) + "ms"
    return out
  }

  private error(error: unknown): string {
    if (this.json) return ",\"error\":" + this.renderer.json(error)
    if (!isError(error)) return this.key("error").text + this.renderer.console(error)
    let out = this.errorParts(error, "error", "", 0, [error])
    let stack: unknown
    try {
      stack = error.stack
    } catch {
      // a throwing getter: no stack
    }
    if (typeof stack === "string") out += this.field("stack", stack)
    return out
  }

  /**
   * Console, one error of the chain: ` <path>="Name: message"`, its own fields
   * (` <path>.id=42`; a `_tag` equal to the name is left out), then its cause
   * (` <children>cause=…`) and, for an `AggregateError`, its errors
   * (` <children>errors.0=…`), recursively. The record's error has path
   * `error` and no children prefix: `error="TypeError: x" error.code=E1
   * cause="Error: y" cause.cause=…`.
   */
  private errorParts(error: Error, path: string, children: string, depth: number, seen: Array<object>): string {
    const r = this.renderer
    let out = this.key(path).text + consoleString(r.string(errorHead(error))) + this.ownFields(error, path)
    const max = this.options.limits.maxKeys
    if (depth + 1 >= this.options.limits.maxDepth) return out
    const cause = readField(error, "cause")
    if (cause !== undefined) out += this.errorChild(cause, children + "cause", depth, seen)
    const errors = readField(error, "errors")
    if (Array.isArray(errors)) {
      const m = Math.min(errors.length, max)
      for (let i = 0; i < m; i++) out += this.errorChild(errors[i], children + "errors." + i, depth, seen)
      if (errors.length > max) out += this.field(children + "errors.…", errors.length - max + " more errors")
    } else if (errors !== undefined) out += this.errorField(path + ".errors", "errors", errors)
    return out
  }

  /** Console: an error's own fields (` <path>.id=42`; a `_tag` equal to the name is left out), at most `maxKeys`. */
  private ownFields(error: Error, path: string, shown?: object): string {
    const name = readField(error, "name")
    const max = this.options.limits.maxKeys
    let out = ""
    let n = 0
    for (const key of ownKeys(error) ?? []) {
      if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue
      const value = readField(error, key)
      if (key === "_tag" && value === name) continue
      // already a field of the record, with the same value (`withErrorHandling` lifts an error's fields)
      if (shown !== undefined && readField(shown, key) === value) continue
      if (n++ === max) {
        out += this.field(path + ".…", "more keys")
        break
      }
      out += this.errorField(path + "." + key, key, value)
    }
    return out
  }

  private errorChild(value: unknown, path: string, depth: number, seen: Array<object>): string {
    if (!isError(value)) return this.errorField(path, path, value)
    if (seen.includes(value)) return this.key(path).text + "[Circular]"
    return this.errorParts(value, path, path + ".", depth + 1, [...seen, value])
  }

  /** A field of an error: redacted when its own key (or the full key) is sensitive. */
  /** An error's own field under `key` (`error.code`): hidden or removed as its own name `own` says. */
  private errorField(key: string, own: string, value: unknown): string {
    const action = this.renderer.keyAction(own)
    if (action !== KEEP) return action === REDACT ? this.key(key).text + redactedMarker : ""
    return this.field(key, value)
  }

  /**
   * JSON: the walked cause. Console: when the record has no error of its own, the own fields of the cause's errors
   * (failures and defects, left to right) as a record's error shows them (`error.order_id=7`, then `error.1.…`,
   * `error.2.…` for the next ones; one the record's fields already show with the same value is left out), then
   * `cause=` with the cause's text (names, messages, stacks).
   */
  private cause(cause: Cause.Cause<unknown>, withFields: boolean, shown: object | undefined): string {
    if (this.json) return ",\"cause\":" + this.renderer.json(this.renderer.cause(cause))
    let out = ""
    if (withFields) {
      const errors = causeReasons(cause, this.options.limits.maxKeys)
      for (let i = 0; i < errors.length; i++) {
        const e = errors[i]
        if (isError(e)) out += this.ownFields(e, i === 0 ? "error" : "error." + i, shown ?? undefined)
      }
    }
    return out + this.key("cause").text + consoleString(this.renderer.causeText(cause))
  }

  /** Renders one record. Level filtering is the caller's: see {@link enabled}. */
  /** The span's ids as this format writes them (`""` without valid ids); the last span's text is reused. */
  private trace(span: Tracer.AnySpan): string {
    if (span === this.lastSpan) return this.lastTrace
    const ids = traceIdsOf(span)
    let text = ""
    if (ids !== undefined) {
      if (this.json) {
        text = ",\"trace_id\":\"" + ids.traceId + "\"" +
          (ids.spanId === undefined ? "" : ",\"span_id\":\"" + ids.spanId + "\"")
      } else {
        // a 64-bit trace id was padded with 16 zeros: its short form is taken after them
        const t = ids.traceId.startsWith("0000000000000000") ? ids.traceId.slice(16, 24) : ids.traceId.slice(0, 8)
        text = this.key("trace").text + t +
          (ids.spanId === undefined ? "" : this.key("span").text + ids.spanId.slice(0, 8))
      }
    }
    this.lastSpan = span
    this.lastTrace = text
    return text
  }

  /** The current span of a record handed to an Effect `Logger` (only looked up when trace ids are written). */
  spanOf(options: Logger.Logger.Options<unknown>): Tracer.AnySpan | undefined {
    if (!this.options.traceIds) return undefined
    return Option.getOrUndefined(
      Context.getOption(FiberRefs.getOrDefault(options.context, FiberRef.currentContext), Tracer.ParentSpan)
    )
  }

  render(
    level: LevelName,
    millis: number,
    entry: Entry,
    annotations: HashMap.HashMap<string, unknown>,
    spans: List.List<LogSpan.LogSpan>,
    cause: Cause.Cause<unknown>,
    span?: Tracer.AnySpan | undefined
  ): string {
    const prepared = this.prepared(entry.binding)
    const r = this.renderer
    // a message that is not a string (`Log.info(42)` from JavaScript) is rendered as text
    const text = typeof entry.message === "string" ? entry.message : valueText(entry.message, r)
    const ctx = this.context(annotations)
    const fields = entry.fields
    let rest = this.service + ctx.fields + prepared.fields
    if (fields != null) rest += this.fields(fields)
    if (!List.isNil(spans)) rest += this.spans(spans, millis)
    if (entry.error !== undefined) rest += this.error(entry.error)
    if (cause._tag !== "Empty") rest += this.cause(cause, entry.error === undefined, fields ?? undefined)
    if (rest.length > this.options.limits.maxLineLength) rest = this.tooLong(rest.length, entry.error)
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
      das = ctx.das === undefined
        ? prepared.das
        : prepared.das === undefined
        ? ctx.das
        : { ...ctx.das, ...prepared.das }
      if (fields != null) das = dasOf(fields, das)
    }
    head += das === undefined ? prepared.prefix : emoji.das(das, this.options.emoji) + " "
    // an empty message (`Effect.log({ a: 1 })`, `Effect.log()`): one space between the head and the fields, none at the end
    if (text === "" && (head === "" || head.charCodeAt(head.length - 1) === 32)) {
      if (rest.charCodeAt(0) === 32) rest = rest.slice(1)
      else if (rest === "") head = head.slice(0, -1)
    }
    return head + escapeText(r.string(text)) + rest + trace + "\n"
  }

  /** Renders a record of `Effect.log*` (its message read by {@link entryOfMessage}). */
  renderMessage(
    level: LevelName,
    millis: number,
    message: unknown,
    annotations: HashMap.HashMap<string, unknown>,
    spans: List.List<LogSpan.LogSpan>,
    cause: Cause.Cause<unknown>,
    span?: Tracer.AnySpan | undefined
  ): string {
    return this.render(level, millis, entryOfMessage(message, this.renderer), annotations, spans, cause, span)
  }

  /**
   * The last resort for a record that cannot be rendered: its level, its
   * message when it is text, and the reason, in this formatter's format.
   */
  fallback(level: LevelName, millis: number, message: unknown, reason: string): string {
    let text = "[Unrenderable message]"
    let note = "\"unformattable record\""
    try {
      if (typeof message === "string") text = this.renderer.string(message)
      note = jsonString(this.renderer.string(truncate("unformattable record: " + reason, 1024)))
    } catch {
      // keep the plain texts
    }
    if (this.json) {
      return "{\"timestamp\":\"" + this.iso(millis) + "\"" + this.levelText[level] + ",\"message\":" +
        jsonString(text) +
        ",\"error\":" + note + "}\n"
    }
    return this.levelText[level] + escapeText(text) + this.key("error").text + note + "\n"
  }
}

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
