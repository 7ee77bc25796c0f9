/**
 * Safe rendering of arbitrary values: never throws, never loops, never emits a
 * raw newline or control character. Used by both formats.
 *
 * Limits (documented in the README): strings longer than `maxStringLength`
 * (64 KiB by default) are cut with `…[truncated N chars]`; objects nest at most
 * `maxDepth` (10) levels (`"[Max depth]"`), show at most `maxKeys` (100) keys
 * (`"…": "N more keys"`) and arrays at most `maxKeys` items (`"… N more items"`);
 * a record's fields together render in at most `maxLineLength` (1 MiB)
 * characters, else they are left out with a note.
 */
import * as Cause from "effect/Cause"
import * as Redacted from "effect/Redacted"
import type { Redactor } from "./redact.js"
import { redactedMarker } from "./redact.js"

export interface RenderLimits {
  readonly maxStringLength: number
  readonly maxDepth: number
  /** Keys of an object (the record's own fields too) and items of an array. */
  readonly maxKeys: number
  /** A record whose fields render longer than this keeps its message and error, and says its fields were left out. */
  readonly maxLineLength: number
}

export const defaultLimits: RenderLimits = { maxStringLength: 64 * 1024, maxDepth: 10, maxKeys: 100, maxLineLength: 1024 * 1024 }

// Characters that must never reach a terminal or a line-based reader raw: C0 controls, DEL, C1 controls
// (0x9b is a one-byte CSI), the Unicode line/paragraph separators and the bidirectional overrides.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const UNSAFE_G = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const JSON_UNSAFE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/
const NEEDS_QUOTES = /[\s="\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const PLAIN_KEY = /^[A-Za-z0-9_.\-@:/[\]]+$/

const shortEscapes: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }
const escapeChar = (c: string): string =>
  shortEscapes[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")

/** A message or value made single-line and terminal-safe (`\n` -> `\\n`, ESC -> `\\u001b`), without quotes. */
export const escapeText = (s: string): string => (UNSAFE.test(s) ? s.replace(UNSAFE_G, escapeChar) : s)

/** A JSON string literal that is also terminal-safe (escapes C1, U+2028/9, bidi overrides). */
export const jsonString = (s: string): string => {
  if (!JSON_UNSAFE.test(s)) return "\"" + s + "\""
  return JSON.stringify(s).replace(UNSAFE_G, escapeChar)
}

/** A console (key=value) value: bare when safe, else quoted and escaped. */
export const consoleString = (s: string): string =>
  s.length > 0 && !NEEDS_QUOTES.test(s) ? s : jsonString(s)

/** A console key: bare when it is a plain identifier-like key, else quoted (so `a=b c` cannot forge fields). */
export const consoleKey = (key: string): string => (PLAIN_KEY.test(key) ? key : jsonString(key))

export const truncate = (s: string, max: number): string =>
  s.length <= max ? s : s.slice(0, max) + "…[truncated " + (s.length - max) + " chars]"

const describeThrown = (e: unknown): string => {
  try {
    return e instanceof Error ? e.message : String(e)
  } catch {
    return "unknown"
  }
}

/** `obj[key]`, or a `[Throws: ...]` marker when a getter throws. */
export const readField = (obj: object, key: string): unknown => {
  try {
    return (obj as Record<string, unknown>)[key]
  } catch (e) {
    return "[Throws: " + describeThrown(e) + "]"
  }
}

/** `Object.keys(obj)`, or `undefined` when the object (a Proxy) refuses to list its keys. */
export const ownKeys = (obj: object): ReadonlyArray<string> | undefined => {
  try {
    return Object.keys(obj)
  } catch {
    return undefined
  }
}

/** Defines `key` on `out` as a plain data property: a key named `__proto__` stays a key. */
export const putField = (out: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

/**
 * A plain snapshot of user-supplied fields, read once: throwing getters become
 * markers, a Proxy that refuses to list its keys becomes `{ fields: "[Unrenderable: ...]" }`.
 */
export const safeFields = (fields: object): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  // `null` / `undefined` given as fields (from JavaScript): no fields
  if (fields == null) return out
  let keys: ReadonlyArray<string>
  try {
    keys = Object.keys(fields)
  } catch (e) {
    putField(out, "fields", "[Unrenderable: " + describeThrown(e) + "]")
    return out
  }
  for (const key of keys) putField(out, key, readField(fields, key))
  return out
}

const isTypedArray = (u: object): u is ArrayLike<number> & { readonly constructor: { name: string } } =>
  ArrayBuffer.isView(u) && !(u instanceof DataView)

/**
 * Converts any value to a JSON-safe value (strings, finite numbers, booleans,
 * null, arrays, plain objects). Handles cycles, BigInt, Symbol, functions,
 * Map/Set, Date, typed arrays, errors (name, message, stack, own fields, cause
 * chain), Effect `Redacted`, `toJSON` and getters that throw.
 */
export class Renderer {
  constructor(
    readonly redactor: Redactor,
    readonly limits: RenderLimits = defaultLimits
  ) {}

  private readonly sensitive = new Map<string, boolean>()

  /** Whether `key` is sensitive (cached per distinct key). */
  isSensitive(key: string): boolean {
    let hit = this.sensitive.get(key)
    if (hit === undefined) {
      hit = this.redactor.isSensitiveKey(key)
      if (key.length <= 256 && this.sensitive.size < 10_000) this.sensitive.set(key, hit)
    }
    return hit
  }

  /** A string value: truncated, then secret patterns masked. */
  string(s: string): string {
    const t = s.length > this.limits.maxStringLength ? truncate(s, this.limits.maxStringLength) : s
    return this.redactor.enabled ? this.redactor.maskString(t) : t
  }

  /** A JSON-safe copy of `value`. */
  safe(value: unknown): unknown {
    return this.walk(value, 0, undefined)
  }

  /** `value` as JSON text. */
  json(value: unknown): string {
    switch (typeof value) {
      case "string":
        return jsonString(this.string(value))
      case "number":
        return Number.isFinite(value) ? String(value) : jsonString(String(value))
      case "boolean":
        return value ? "true" : "false"
      default: {
        const safe = this.walk(value, 0, undefined)
        if (safe === undefined) return "null"
        try {
          return JSON.stringify(safe).replace(UNSAFE_G, escapeChar)
        } catch (e) {
          return jsonString("[Unrenderable: " + describeThrown(e) + "]")
        }
      }
    }
  }

  /** `value` as a console value (bare or quoted). */
  console(value: unknown): string {
    switch (typeof value) {
      case "string":
        return consoleString(this.string(value))
      case "number":
      case "boolean":
        return String(value)
      case "undefined":
        return "undefined"
      case "bigint":
        return value.toString()
      default: {
        if (value === null) return "null"
        const safe = this.walk(value, 0, undefined)
        if (typeof safe === "string") return consoleString(safe)
        try {
          return consoleString(JSON.stringify(safe) ?? "undefined")
        } catch (e) {
          return consoleString("[Unrenderable: " + describeThrown(e) + "]")
        }
      }
    }
  }

  private walk(value: unknown, depth: number, seen: Array<object> | undefined): unknown {
    switch (typeof value) {
      case "string":
        return this.string(value)
      case "number":
        return Number.isFinite(value) ? value : String(value)
      case "boolean":
        return value
      case "undefined":
        return undefined
      case "bigint":
        return value.toString()
      case "symbol":
        return value.toString()
      case "function":
        return "[Function: " + (value.name || "anonymous") + "]"
    }
    if (value === null) return null
    const obj = value as object
    try {
      if (Redacted.isRedacted(obj)) return "<redacted>"
      if (seen !== undefined && seen.includes(obj)) return "[Circular]"
      if (depth >= this.limits.maxDepth) return "[Max depth]"
      const path = seen === undefined ? [obj] : [...seen, obj]
      if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString()
      if (obj instanceof Error) return this.error(obj, depth, path)
      if (Cause.isCause(obj)) return this.cause(obj, depth, path)
      if (Array.isArray(obj)) return this.array(obj, depth, path)
      if (isTypedArray(obj)) return this.array(Array.from(obj.length > this.limits.maxKeys ? Array.prototype.slice.call(obj, 0, this.limits.maxKeys + 1) : obj as ArrayLike<number>), depth, path, obj.length)
      if (obj instanceof ArrayBuffer) return "[ArrayBuffer(" + obj.byteLength + ")]"
      if (obj instanceof Map) return this.entries(obj.entries(), obj.size, depth, path)
      if (obj instanceof Set) return this.array(Array.from(obj.values()).slice(0, this.limits.maxKeys + 1), depth, path, obj.size)
      if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof Promise) return "[" + obj.constructor.name + "]"
      if (typeof (obj as { toJSON?: unknown }).toJSON === "function") {
        let converted: unknown
        try {
          converted = (obj as { toJSON: () => unknown }).toJSON()
        } catch (e) {
          return "[toJSON threw: " + describeThrown(e) + "]"
        }
        return converted === obj ? this.object(obj, depth, path) : this.walk(converted, depth + 1, path)
      }
      return this.object(obj, depth, path)
    } catch (e) {
      return "[Unrenderable: " + describeThrown(e) + "]"
    }
  }

  private array(items: ReadonlyArray<unknown>, depth: number, path: Array<object>, total = items.length): Array<unknown> {
    const max = this.limits.maxKeys
    const n = Math.min(items.length, max)
    const out: Array<unknown> = new Array(n)
    for (let i = 0; i < n; i++) {
      const v = this.walk(items[i], depth + 1, path)
      out[i] = v === undefined ? null : v
    }
    if (total > max) out.push("… " + (total - max) + " more items")
    return out
  }

  private put(out: Record<string, unknown>, key: string, value: unknown): void {
    if (value !== undefined) putField(out, key, value)
  }

  private read(obj: object, key: string, depth: number, path: Array<object>): unknown {
    return this.isSensitive(key) ? redactedMarker : this.walk(readField(obj, key), depth + 1, path)
  }

  private object(obj: object, depth: number, path: Array<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const keys = Object.keys(obj)
    const max = this.limits.maxKeys
    const n = Math.min(keys.length, max)
    for (let i = 0; i < n; i++) this.put(out, keys[i]!, this.read(obj, keys[i]!, depth, path))
    if (keys.length > max) this.put(out, "…", keys.length - max + " more keys")
    return out
  }

  private entries(it: Iterator<[unknown, unknown]>, size: number, depth: number, path: Array<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const max = this.limits.maxKeys
    for (let i = 0; i < max; i++) {
      const next = it.next()
      if (next.done) break
      const key = typeof next.value[0] === "string" ? next.value[0] : String(this.console(next.value[0]))
      this.put(out, key, this.isSensitive(key) ? redactedMarker : this.walk(next.value[1], depth + 1, path))
    }
    if (size > max) this.put(out, "…", size - max + " more keys")
    return out
  }

  /** `{ name, message, stack, ...own fields, cause }`, down the cause chain. */
  error(err: Error, depth: number, path: Array<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const get = (key: string): unknown => readField(err, key)
    this.put(out, "name", this.walk(get("name"), depth + 1, path))
    this.put(out, "message", this.walk(get("message"), depth + 1, path))
    this.put(out, "stack", this.walk(get("stack"), depth + 1, path))
    // a Proxy may refuse to list keys; name, message and stack are enough then
    for (const key of ownKeys(err) ?? []) {
      if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue
      this.put(out, key, this.read(err, key, depth, path))
    }
    // AggregateError's errors (an own property, not enumerable)
    const errors = get("errors")
    if (errors !== undefined) this.put(out, "errors", this.walk(errors, depth + 1, path))
    const cause = get("cause")
    if (cause !== undefined) this.put(out, "cause", this.walk(cause, depth + 1, path))
    return out
  }

  /** `{ failures: [...], defects: [...], interrupted: true }`, empty parts left out. */
  cause(cause: Cause.Cause<unknown>, depth = 0, path: Array<object> = []): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const failures = Array.from(Cause.failures(cause))
    const defects = Array.from(Cause.defects(cause))
    if (failures.length > 0) this.put(out, "failures", this.array(failures, depth, path))
    if (defects.length > 0) this.put(out, "defects", this.array(defects, depth, path))
    if (Cause.isInterrupted(cause)) this.put(out, "interrupted", true)
    return out
  }

  /** A one-line human summary of a cause for the console. */
  causeText(cause: Cause.Cause<unknown>): string {
    try {
      return this.string(Cause.pretty(cause, { renderErrorCause: true }))
    } catch (e) {
      return "[Unrenderable cause: " + describeThrown(e) + "]"
    }
  }
}
