/**
 * Safe rendering of arbitrary values: never throws, never loops, never emits a
 * raw newline or control character. Used by both formats.
 *
 * Limits (documented in docs/logging.md): strings longer than `maxStringLength`
 * (64 KiB by default) are cut with `…[truncated N chars]`; objects nest at most
 * `maxDepth` (10) levels (`"[Max depth]"`), show at most `maxKeys` (100) keys
 * (`"…": "N more keys"`) and arrays at most `maxKeys` items (`"… N more items"`);
 * a record's fields together render in at most `maxLineLength` (1 MiB)
 * characters, else they are left out with a note.
 */
import type { CauseData } from "./record.js"
import type { KeyAction, Redactor } from "./redact.js"
import { KEEP, REDACT, redactedMarker, REMOVE } from "./redact.js"

/** @internal */
export interface RenderLimits {
  readonly maxStringLength: number
  readonly maxDepth: number
  /** Keys of an object (the record's own fields too) and items of an array. */
  readonly maxKeys: number
  /** A record whose fields render longer than this keeps its message and error, and says its fields were left out. */
  readonly maxLineLength: number
}

/** @internal */
export const defaultLimits: RenderLimits = {
  maxStringLength: 64 * 1024,
  maxDepth: 10,
  maxKeys: 100,
  maxLineLength: 1024 * 1024
}

// Characters that must never reach a terminal or a line-based reader raw: C0 controls, DEL, C1 controls
// (0x9b is a one-byte CSI), the Unicode line/paragraph separators and every bidirectional control (Bidi_Control:
// the ALM U+061C, LRM/RLM U+200E/F, the embeddings and overrides U+202A-E, the isolates U+2066-9).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const UNSAFE_G = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const JSON_UNSAFE =
  /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/
const NEEDS_QUOTES = /[\s="\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const PLAIN_KEY = /^[A-Za-z0-9_.\-@:/[\]]+$/

const shortEscapes: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }
const escapeChar = (c: string): string => shortEscapes[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")

/**
 * A message or value made single-line and terminal-safe (`\n` -> `\\n`, ESC -> `\\u001b`), without quotes.
 *
 * @internal
 */
export const escapeText = (s: string): string => (UNSAFE.test(s) ? s.replace(UNSAFE_G, escapeChar) : s)

/**
 * A JSON string literal that is also terminal-safe (escapes C1, U+2028/9, bidi controls).
 *
 * @internal
 */
export const jsonString = (s: string): string => {
  if (!JSON_UNSAFE.test(s)) return "\"" + s + "\""
  return JSON.stringify(s).replace(UNSAFE_G, escapeChar)
}

/**
 * A console (key=value) value: bare when safe, else quoted and escaped.
 *
 * @internal
 */
export const consoleString = (s: string): string => s.length > 0 && !NEEDS_QUOTES.test(s) ? s : jsonString(s)

/**
 * A console key: bare when it is a plain identifier-like key, else quoted (so `a=b c` cannot forge fields).
 *
 * @internal
 */
export const consoleKey = (key: string): string => (PLAIN_KEY.test(key) ? key : jsonString(key))

/** How far past `maxStringLength` a long string is masked before it is cut. */
const maskMargin = 4096

/** @internal */
export const truncate = (s: string, max: number): string =>
  s.length <= max ? s : s.slice(0, max) + "…[truncated " + (s.length - max) + " chars]"

/**
 * What a thrown value says, never throwing itself.
 *
 * @internal
 */
export const describeThrown = (e: unknown): string => {
  try {
    return e instanceof Error ? e.message : String(e)
  } catch {
    return "unknown"
  }
}

/**
 * `obj[key]`, or a `[Throws: ...]` marker when a getter throws.
 *
 * @internal
 */
export const readField = (obj: object, key: string): unknown => {
  try {
    return (obj as Record<string, unknown>)[key]
  } catch (e) {
    return "[Throws: " + describeThrown(e) + "]"
  }
}

/**
 * `Object.keys(obj)`, or `undefined` when the object (a Proxy) refuses to list its keys.
 *
 * @internal
 */
export const ownKeys = (obj: object): ReadonlyArray<string> | undefined => {
  try {
    return Object.keys(obj)
  } catch {
    return undefined
  }
}

/**
 * Defines `key` on `out` as a plain data property: a key named `__proto__` stays a key.
 *
 * @internal
 */
export const putField = (out: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  } else out[key] = value
}

/**
 * A plain snapshot of user-supplied fields, read once: throwing getters become
 * markers, a Proxy that refuses to list its keys becomes `{ fields: "[Unrenderable: ...]" }`.
 *
 * @internal
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
 * chain), `toJSON` and getters that throw. A binding adds its runtime's own
 * values (Effect's `Redacted` and `Cause`) through {@link Renderer.special}, and its runtime's stack layout
 * through {@link Renderer.errorStack}.
 *
 * @internal
 */
export class Renderer {
  constructor(
    readonly redactor: Redactor,
    readonly limits: RenderLimits = defaultLimits
  ) {}

  private readonly actions = new Map<string, KeyAction>()

  /** What `key` does to its field: keep, redact or remove (cached per distinct key). */
  keyAction(key: string): KeyAction {
    let hit = this.actions.get(key)
    if (hit === undefined) {
      hit = this.redactor.classifyKey(key)
      if (key.length <= 256 && this.actions.size < 10_000) this.actions.set(key, hit)
    }
    return hit
  }

  /**
   * A fields object as a plain, JSON-safe object for any destination (OTLP attributes, span events): removed keys
   * left out, redacted keys as `[REDACTED]`, every other value through {@link safe}; `undefined` values left out.
   * Read once, through guards (a throwing getter becomes a marker, a Proxy that refuses its keys one `fields` marker).
   */
  fields(fields: object): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const keys = ownKeys(fields)
    if (keys === undefined) {
      putField(out, "fields", "[Unrenderable: keys cannot be listed]")
      return out
    }
    const max = this.limits.maxKeys
    const n = Math.min(keys.length, max)
    for (let i = 0; i < n; i++) {
      const key = keys[i]!
      const action = this.keyAction(key)
      if (action === REMOVE) continue
      this.put(out, key, action === REDACT ? redactedMarker : this.walk(readField(fields, key), 0, undefined))
    }
    if (keys.length > max) this.put(out, "…", keys.length - max + " more keys")
    return out
  }

  /**
   * A string value: secret patterns masked, then cut to `maxStringLength` (masking first: a token straddling the
   * limit is masked whole, not cut into a prefix that no pattern recognises). A long string is masked on its first
   * `maxStringLength` + 4 KiB characters only (every built-in secret is shorter than that margin; a value running
   * past it is masked to the window's end), so the cost stays bounded by the limit.
   */
  string(s: string): string {
    const max = this.limits.maxStringLength
    if (s.length <= max) return this.redactor.enabled ? this.redactor.maskString(s) : s
    if (!this.redactor.enabled) return truncate(s, max)
    const masked = this.redactor.maskString(s.length > max + maskMargin ? s.slice(0, max + maskMargin) : s)
    return masked.slice(0, max) + "…[truncated " + (s.length - max) + " chars]"
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

  /** A cause as JSON-safe data: `{ failures: [...], defects: [...], interrupted: true }`, empty parts left out. */
  causeData(cause: CauseData, depth = 0, path: Array<object> = []): Record<string, unknown> {
    const failures: Array<unknown> = []
    const defects: Array<unknown> = []
    for (const reason of cause.reasons) (reason.kind === "fail" ? failures : defects).push(reason.value)
    const out: Record<string, unknown> = {}
    if (failures.length > 0) this.put(out, "failures", this.array(failures, depth, path))
    if (defects.length > 0) this.put(out, "defects", this.array(defects, depth, path))
    if (cause.interrupted) this.put(out, "interrupted", true)
    return out
  }

  /**
   * The stack block of one failure or defect in a cause's text (`causeText` in cause.ts): its first line
   * `Name: message`, then the stack's frames. `value` is the failure itself, for a binding that adds what its
   * runtime knows (Effect cleans its internal frames and adds the span the failure was raised in). By default, the
   * stack as it is, or `Name: message` without one. Only `name`, `message` and `stack` (already read) are shown.
   */
  errorStack(name: string, message: string, stack: string, _value: unknown): string {
    return stack === "" ? name + ": " + message : stack
  }

  /**
   * The rendering of a value the binding knows better (`undefined`: not one of them, walk it as usual). Runs before
   * the cycle and depth checks: `seen` is the path so far.
   */
  protected special(_obj: object, _depth: number, _seen: Array<object> | undefined): unknown {
    return undefined
  }

  /** A JSON-safe copy of `value`, `depth` levels down `seen`. */
  protected walk(value: unknown, depth: number, seen: Array<object> | undefined): unknown {
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
      const special = this.special(obj, depth, seen)
      if (special !== undefined) return special
      if (seen !== undefined && seen.includes(obj)) return "[Circular]"
      if (depth >= this.limits.maxDepth) return "[Max depth]"
      const path = seen === undefined ? [obj] : [...seen, obj]
      if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString()
      if (obj instanceof Error) return this.error(obj, depth, path)
      if (Array.isArray(obj)) return this.array(obj, depth, path)
      if (isTypedArray(obj)) {
        return this.array(
          Array.from(
            obj.length > this.limits.maxKeys
              ? Array.prototype.slice.call(obj, 0, this.limits.maxKeys + 1)
              : obj as ArrayLike<number>
          ),
          depth,
          path,
          obj.length
        )
      }
      if (obj instanceof ArrayBuffer) return "[ArrayBuffer(" + obj.byteLength + ")]"
      if (obj instanceof Map) return this.entries(obj.entries(), obj.size, depth, path)
      if (obj instanceof Set) {
        return this.array(Array.from(obj.values()).slice(0, this.limits.maxKeys + 1), depth, path, obj.size)
      }
      if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof Promise) {
        return "[" + obj.constructor.name + "]"
      }
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

  protected array(
    items: ReadonlyArray<unknown>,
    depth: number,
    path: Array<object>,
    total = items.length
  ): Array<unknown> {
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

  protected put(out: Record<string, unknown>, key: string, value: unknown): void {
    if (value !== undefined) putField(out, key, value)
  }

  /** One field of `obj` into `out`: left out (removed key), `[REDACTED]`, or its value walked. */
  private read(out: Record<string, unknown>, obj: object, key: string, depth: number, path: Array<object>): void {
    const action = this.keyAction(key)
    if (action === KEEP) this.put(out, key, this.walk(readField(obj, key), depth + 1, path))
    else if (action === REDACT) this.put(out, key, redactedMarker)
  }

  private object(obj: object, depth: number, path: Array<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const keys = Object.keys(obj)
    const max = this.limits.maxKeys
    const n = Math.min(keys.length, max)
    for (let i = 0; i < n; i++) this.read(out, obj, keys[i]!, depth, path)
    if (keys.length > max) this.put(out, "…", keys.length - max + " more keys")
    return out
  }

  private entries(
    it: Iterator<[unknown, unknown]>,
    size: number,
    depth: number,
    path: Array<object>
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const max = this.limits.maxKeys
    for (let i = 0; i < max; i++) {
      const next = it.next()
      if (next.done) break
      const key = typeof next.value[0] === "string" ? next.value[0] : String(this.console(next.value[0]))
      const action = this.keyAction(key)
      if (action !== REMOVE) {
        this.put(out, key, action === REDACT ? redactedMarker : this.walk(next.value[1], depth + 1, path))
      }
    }
    if (size > max) this.put(out, "…", size - max + " more keys")
    return out
  }

  /** `{ name, message, stack, ...own fields, cause }`, down the cause chain; every key classified like any other. */
  error(err: Error, depth: number, path: Array<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    this.read(out, err, "name", depth, path)
    this.read(out, err, "message", depth, path)
    this.read(out, err, "stack", depth, path)
    // a Proxy may refuse to list keys; name, message and stack are enough then
    for (const key of ownKeys(err) ?? []) {
      if (key === "name" || key === "message" || key === "stack" || key === "cause" || key === "errors") continue
      this.read(out, err, key, depth, path)
    }
    // AggregateError's errors (an own property, not enumerable), then the cause chain
    this.read(out, err, "errors", depth, path)
    this.read(out, err, "cause", depth, path)
    return out
  }
}
