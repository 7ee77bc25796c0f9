/**
 * The pretty-printer behind `effect-foundation pretty`: one JSON log line in,
 * the live console line out (through the live formatter, so the output is
 * the console format byte for byte for everything the JSON line holds; the
 * binding hands the formatter in, see src/internal/pretty.ts). Not
 * held by a JSON line, so not given back: a field whose value is `undefined`,
 * the earlier value of a key written twice (`JSON.parse` keeps the later one),
 * and the span frames (`at <span> (file:line)`) of a cause. Pure and
 * synchronous; the CLI does the streaming.
 *
 * Accepted shapes:
 * - ours: `{"timestamp":ISO,"level":"info","message":..,"logger_name"?,...fields,"error"?,"cause"?}`
 * - pino: `{"level":30,"time":epoch-ms|ISO,"msg":..,"name"?,"pid","hostname",...fields,"err"?}`
 *
 * Anything else (not JSON, JSON that is not such an object, an unknown level)
 * is passed through unchanged.
 */
import { fieldKeyOf } from "./formatter.js"
import { type LevelName, levelOrdinal, parseLevel } from "./level.js"

/** @internal */
export interface PrettyOptions {
  /** Records below this level are dropped (non-JSON lines are always kept). Default: trace (keep all). */
  readonly level?: LevelName | undefined
  readonly colors?: boolean | undefined
  readonly timestamps?: boolean | undefined
}

const pinoLevels: Record<number, LevelName> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warning",
  50: "error",
  60: "critical"
}

// pino's process-identity fields: noise on every line of one process.
const pinoDropped = new Set(["pid", "hostname", "v"])

const levelOf = (raw: unknown): LevelName | undefined => {
  if (typeof raw === "string") return parseLevel(raw)
  if (typeof raw === "number") return pinoLevels[raw]
  return undefined
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const assign = (out: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })

const hidden = (error: Error, key: string, value: unknown) =>
  Object.defineProperty(error, key, { value, enumerable: false, writable: true, configurable: true })

/**
 * An `Error` back from its JSON form (`{ name, message, stack, ...own fields,
 * errors, cause }`, pino's `{ type, message, stack, ... }`): its own fields
 * and an `AggregateError`'s `errors` too, so the console shows what it would
 * have shown live.
 */
const reviveError = (u: unknown, depth = 0): unknown => {
  if (!isPlainObject(u) || depth > 32) return u
  const pinoType = typeof u.name !== "string" && typeof u.type === "string"
  const name = typeof u.name === "string" ? u.name : pinoType ? u.type as string : undefined
  if (name === undefined || typeof u.message !== "string") return u
  const error = new Error(u.message)
  hidden(error, "name", name)
  if (typeof u.stack === "string") error.stack = u.stack
  else delete (error as { stack?: string }).stack
  for (const key of Object.keys(u)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause" || (pinoType && key === "type")) {
      continue
    }
    if (key === "errors" && Array.isArray(u.errors)) hidden(error, key, u.errors.map((e) => reviveError(e, depth + 1)))
    else assign(error as unknown as Record<string, unknown>, key, u[key])
  }
  if (u.cause !== undefined) hidden(error, "cause", reviveError(u.cause, depth + 1))
  return error
}

const isCauseShape = (
  u: unknown
): u is { failures?: Array<unknown>; defects?: Array<unknown>; interrupted?: boolean } => {
  if (!isPlainObject(u)) return false
  let any = false
  for (const key of Object.keys(u)) {
    if (key === "failures" || key === "defects") {
      if (!Array.isArray(u[key])) return false
    } else if (key === "interrupted") {
      if (u[key] !== true) return false
    } else return false
    any = true
  }
  return any
}

/**
 * A cause as its JSON form holds it: its failures, then its defects (errors revived), and whether it was
 * interrupted. The binding makes its own cause from it.
 *
 * @internal
 */
export interface PlainCause {
  readonly failures: ReadonlyArray<unknown>
  readonly defects: ReadonlyArray<unknown>
  readonly interrupted: boolean
}

/** A cause back from its JSON form (`{ failures, defects, interrupted }`). */
const reviveCause = (
  u: { failures?: Array<unknown>; defects?: Array<unknown>; interrupted?: boolean }
): PlainCause => ({
  failures: (u.failures ?? []).map((f) => reviveError(f)),
  defects: (u.defects ?? []).map((d) => reviveError(d)),
  interrupted: u.interrupted === true
})

/**
 * A record read back from a JSON line (the shape of the public `EmojiLogger.LogRecord`, its cause as data).
 *
 * @internal
 */
export interface PrettyRecord {
  readonly timestamp: Date
  readonly level: LevelName
  readonly message: string
  readonly loggerName: string | undefined
  readonly fields: Readonly<Record<string, unknown>>
  readonly error: unknown
  readonly cause: PlainCause | undefined
}

const isSpans = (u: unknown): u is Record<string, number> => {
  if (!isPlainObject(u)) return false
  for (const key of Object.keys(u)) if (typeof u[key] !== "number") return false
  return true
}

/**
 * The record a parsed JSON object stands for, or `undefined` when it is not a log record.
 *
 * @internal
 */
export const toLogRecord = (o: Record<string, unknown>): PrettyRecord | undefined => {
  const level = levelOf(o.level)
  if (level === undefined) return undefined
  const pino = typeof o.level === "number" || (o.message === undefined && (o.msg !== undefined || o.time !== undefined))
  const rawMessage = pino ? o.msg : o.message
  if (rawMessage !== undefined && typeof rawMessage !== "string") return undefined
  if (!pino && rawMessage === undefined) return undefined
  const rawTime = pino ? o.time : o.timestamp
  const timestamp = typeof rawTime === "number"
    ? new Date(rawTime)
    : typeof rawTime === "string"
    ? new Date(rawTime)
    : new Date(NaN)
  const rawName = pino ? o.name : o.logger_name
  const keys = Object.keys(o)
  const fields: Record<string, unknown> = {}
  let error: unknown = undefined
  let cause: PlainCause | undefined = undefined
  let spans: Record<string, number> | undefined = undefined
  // Ours writes `error` then `cause` after every field: only those trailing keys are the record's error and cause.
  let end = keys.length
  if (!pino) {
    if (end > 0 && keys[end - 1] === "cause" && isCauseShape(o.cause)) {
      cause = reviveCause(o.cause)
      end--
    }
    if (end > 0 && keys[end - 1] === "error") {
      error = reviveError(o.error)
      end--
    }
    if (end > 0 && keys[end - 1] === "spans" && isSpans(o.spans)) {
      spans = o.spans
      end--
    }
  }
  // Ours writes `trace_id` / `span_id` right after the header: not fields (the console shows them only on request).
  let header = !pino
  for (let i = 0; i < end; i++) {
    const key = keys[i]!
    if (header) {
      if (key === "trace_id" && typeof o[key] === "string" && /^[0-9a-f]{32}$/.test(o[key] as string)) continue
      if (key === "span_id" && typeof o[key] === "string" && /^[0-9a-f]{16}$/.test(o[key] as string)) continue
      if (key !== "timestamp" && key !== "level" && key !== "message" && key !== "logger_name") header = false
    }
    if (pino) {
      if (key === "level" || key === "time" || key === "msg" || key === "name" || pinoDropped.has(key)) continue
      if (key === "err") {
        error = reviveError(o.err)
        continue
      }
    } else if (key === "timestamp" || key === "level" || key === "message" || key === "logger_name") continue
    assign(fields, pino ? key : fieldKeyOf(key), o[key])
  }
  if (spans !== undefined) { for (const label of Object.keys(spans)) assign(fields, label, spans[label] + "ms") }
  return {
    timestamp,
    level,
    message: rawMessage ?? "",
    loggerName: typeof rawName === "string" ? rawName : undefined,
    fields,
    error,
    cause
  }
}

/**
 * Returns the prettifier: a line (without its `"\n"`) to the text to write
 * (with `"\n"`), or `""` when `--level` drops it. `format` is the live
 * console formatter (the binding's, with `options.colors` and `options.timestamps`).
 *
 * @internal
 */
export const makePrettifier = (
  format: (record: PrettyRecord) => string,
  options: PrettyOptions = {}
): (line: string) => string => {
  const threshold = levelOrdinal[options.level ?? "trace"]
  return (line) => {
    let i = 0
    while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++
    if (line.charCodeAt(i) !== 123 /* { */) return line + "\n"
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      return line + "\n"
    }
    if (!isPlainObject(parsed)) return line + "\n"
    const record = toLogRecord(parsed)
    if (record === undefined) return line + "\n"
    if (levelOrdinal[record.level] < threshold) return ""
    try {
      return format(record)
    } catch {
      return line + "\n"
    }
  }
}
