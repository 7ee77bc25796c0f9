/**
 * The one set of parsers behind every option and environment variable, and the one wording of a bad value:
 * `<subject>: invalid value <value>; accepted: <accepted>`, the subject being the variable (`PROVIDE_LOG_LEVEL`) or
 * the option and where it was given (`Retry option maxAttempts`). Shared by both bindings: each turns a rejected
 * option into its own Effect's `IllegalArgumentException` / `IllegalArgumentError` and a rejected variable into its
 * `ConfigError`, with the message made here.
 *
 * Durations: a text (`"250 ms"`, `"1 s"`) and a number (milliseconds) are read here; an Effect `Duration` value or a
 * duration tuple by the binding's `Duration` module, handed to {@link durationParsers}.
 */
import { acceptedLevels, type LevelName, levelOf, parseLevel } from "./level.js"

// ---------------------------------------------------------------------------
// The wording
// ---------------------------------------------------------------------------

const isEffectDuration = (value: object): boolean =>
  Symbol.for("effect/Duration") in value || "~effect/Duration" in value

/**
 * A value as the messages show it: strings quoted, objects as JSON, functions by name, anything else as `String`
 * shows it; at most 200 characters (never throws).
 *
 * @internal
 */
export const showValue = (value: unknown): string => {
  let shown: string
  try {
    if (typeof value === "string") shown = JSON.stringify(value)
    else if (typeof value === "function") shown = `[function ${value.name === "" ? "anonymous" : value.name}]`
    else if (typeof value === "object" && value !== null && !isEffectDuration(value)) {
      shown = JSON.stringify(value) ?? String(value)
    } else shown = String(value)
  } catch {
    shown = "[" + typeof value + "]"
  }
  return shown.length > 200 ? shown.slice(0, 200) + "..." : shown
}

/**
 * The one wording of a bad value: `<subject>: invalid value <value>; accepted: <accepted>`.
 *
 * @internal
 */
export const invalidMessage = (subject: string, value: unknown, accepted: string): string =>
  `${subject}: invalid value ${showValue(value)}; accepted: ${accepted}`

/**
 * The message of a bad option, naming where it was given: `Retry option maxAttempts: invalid value 0; accepted: ...`.
 *
 * @internal
 */
export const invalidOptionMessage = (where: string, name: string, value: unknown, accepted: string): string =>
  invalidMessage(where === "" ? name : `${where} option ${name}`, value, accepted)

/**
 * The message for a level that is not one.
 *
 * @internal
 */
export const invalidLevelMessage = (name: string, value: unknown): string => invalidMessage(name, value, acceptedLevels)

/**
 * A variable that applies to a log file, set without `PROVIDE_LOG_FILE`.
 *
 * @internal
 */
export const needsFileMessage = (name: string): string =>
  `${name} is set but PROVIDE_LOG_FILE is not: it applies to a log file`

/**
 * `PROVIDE_LOG_FILE_MAX_FILES` / `PROVIDE_LOG_FILE_COMPRESS` without a rotation trigger.
 *
 * @internal
 */
export const nothingRotatesMessage = (name: string): string =>
  `${name} is set but neither PROVIDE_LOG_FILE_MAX_SIZE nor PROVIDE_LOG_FILE_INTERVAL: nothing rotates the file`

// ---------------------------------------------------------------------------
// Parsers, shared by options and variables
// ---------------------------------------------------------------------------

/**
 * A check of one value, an option's or a variable's: the value it stands for, or `undefined` when it is rejected,
 * and what it accepts (for the message).
 *
 * @internal
 */
export interface Parser<A> {
  readonly accepted: string
  readonly parse: (input: unknown) => A | undefined
}

/**
 * An option checked by `parser`: its value, or, when rejected, what `invalid` makes (the binding's
 * `IllegalArgumentException` / `IllegalArgumentError` in the one wording) thrown.
 *
 * @internal
 */
export const checkedOption = <A>(
  where: string,
  name: string,
  value: unknown,
  parser: Parser<A>,
  invalid: (where: string, name: string, value: unknown, accepted: string) => unknown
): A => {
  const parsed = parser.parse(value)
  if (parsed === undefined) throw invalid(where, name, value, parser.accepted)
  return parsed
}

/**
 * A whole number >= `min` (a number, or digits in a string).
 *
 * @internal
 */
export const integerAtLeast = (min: number, accepted = `a whole number >= ${min}`): Parser<number> => ({
  accepted,
  parse: (input) => {
    const n = typeof input === "string" && /^\s*\d+\s*$/.test(input) ? Number(input) : input
    return typeof n === "number" && Number.isSafeInteger(n) && n >= min ? n : undefined
  }
})

/**
 * A finite number >= `min`.
 *
 * @internal
 */
export const numberAtLeast = (min: number, accepted = `a finite number >= ${min}`): Parser<number> => ({
  accepted,
  parse: (input) => typeof input === "number" && Number.isFinite(input) && input >= min ? input : undefined
})

/**
 * One of `values` (strings also trimmed and lower-cased).
 *
 * @internal
 */
export const oneOf = <const A extends string>(values: ReadonlyArray<A>): Parser<A> => {
  const lowered = values.map((v) => v.toLowerCase())
  return {
    accepted: values.join(", "),
    parse: (input) => {
      if (typeof input !== "string") return undefined
      const i = lowered.indexOf(input.trim().toLowerCase())
      return i < 0 ? undefined : values[i]
    }
  }
}

/**
 * A function.
 *
 * @internal
 */
export const aFunction = <F extends Function>(accepted = "a function"): Parser<F> => ({
  accepted,
  parse: (input) => typeof input === "function" ? input as F : undefined
})

const byteUnits: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3
}

/**
 * A byte size: `65536`, `64k`, `64KiB`, `8m`, `8 MiB`, `1 GiB` (a positive safe integer); `undefined` when invalid.
 *
 * @internal
 */
export const parseBytes = (raw: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  if (m === null) return undefined
  const unit = byteUnits[m[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  const n = Math.floor(Number(m[1]) * unit)
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined
}

const second = 1000
const minute = 60_000
const hour = 3_600_000
const day = 86_400_000
const week = 604_800_000

const msUnits: Record<string, number> = {
  "": 1,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: second,
  sec: second,
  secs: second,
  second,
  seconds: second,
  m: minute,
  min: minute,
  mins: minute,
  minute,
  minutes: minute,
  h: hour,
  hr: hour,
  hrs: hour,
  hour,
  hours: hour,
  d: day,
  day,
  days: day,
  w: week,
  week,
  weeks: week
}

/**
 * Milliseconds of a string such as `250`, `250 ms`, `1 s`, `2 min`; `undefined` when not one.
 *
 * @internal
 */
export const stringMillis = (raw: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  if (m === null) return undefined
  const unit = msUnits[m[2]!.toLowerCase()]
  return unit === undefined ? undefined : Number(m[1]) * unit
}

/**
 * A duration's text: `250` (ms), `250 ms`, `1 s`, `2 min`, `6 h`, `1 day`, as milliseconds (positive, finite);
 * `undefined` when invalid.
 *
 * @internal
 */
export const parseMillis = (raw: string): number | undefined => {
  const ms = stringMillis(raw)
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined
}

/** How strict a duration parser is. @internal */
export type DurationKind = "non-negative" | "finite" | "positive"

const durationExamples = "e.g. 500 (ms), \"1 second\", \"250 ms\", Duration.seconds(1)"

/**
 * The duration parsers over a binding's `Duration`: `decode` reads what is neither a number nor a text (a `Duration`,
 * a tuple, a text `Duration` reads such as `"1 second"`) as milliseconds (`undefined` when it cannot).
 *
 * - `durationMillis`: milliseconds of a duration given as an option or a variable's text; `undefined` when negative,
 *   NaN or not a duration (a `Duration` would clamp the first two to 0). May be `Infinity`.
 * - `duration(kind)`: a parser of milliseconds, `"non-negative"` (may be infinite), `"finite"` (non-negative and
 *   finite) or `"positive"` (positive and finite).
 *
 * @internal
 */
export const durationParsers = (decode: (input: unknown) => number | undefined) => {
  const durationMillis = (input: unknown): number | undefined => {
    if (typeof input === "number") return Number.isNaN(input) || input < 0 ? undefined : input
    if (typeof input === "bigint" && input < BigInt(0)) return undefined
    if (typeof input === "string") {
      if (/^\s*-/.test(input)) return undefined
      const ms = stringMillis(input)
      if (ms !== undefined) return ms
    }
    if (Array.isArray(input) && input.some((n) => typeof n !== "number" || Number.isNaN(n) || n < 0)) return undefined
    const ms = decode(input)
    return ms === undefined || Number.isNaN(ms) ? undefined : ms
  }
  const duration = (kind: DurationKind, accepted?: string): Parser<number> => ({
    accepted: accepted ?? `a ${kind === "finite" ? "finite, non-negative" : kind} duration, ${durationExamples}`,
    parse: (input) => {
      const ms = durationMillis(input)
      if (ms === undefined) return undefined
      if (kind === "non-negative") return ms
      return Number.isFinite(ms) && (kind === "finite" || ms > 0) ? ms : undefined
    }
  })
  return { durationMillis, duration }
}

/**
 * A byte size: a positive whole number, or a string {@link parseBytes} reads.
 *
 * @internal
 */
export const bytes = (accepted = "a positive number of bytes, e.g. 65536, \"64k\", \"8 MiB\""): Parser<number> => ({
  accepted,
  parse: (input) =>
    typeof input === "number"
      ? (Number.isSafeInteger(input) && input >= 1 ? input : undefined)
      : typeof input === "string"
      ? parseBytes(input)
      : undefined
})

const booleans: Record<string, boolean> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  yes: true,
  no: false,
  on: true,
  off: false
}

/**
 * true/false/1/0/yes/no/on/off, case-insensitive; anything else is an error.
 *
 * @internal
 */
export const parseBoolean = (raw: string): boolean | undefined => {
  const key = raw.trim().toLowerCase()
  return Object.prototype.hasOwnProperty.call(booleans, key) ? booleans[key] : undefined
}

/**
 * A boolean: `true` / `false`, or a string {@link parseBoolean} reads.
 *
 * @internal
 */
export const aBoolean: Parser<boolean> = {
  accepted: "true, false, 1, 0, yes, no, on, off",
  parse: (input) => typeof input === "boolean" ? input : typeof input === "string" ? parseBoolean(input) : undefined
}

/**
 * A level in any spelling `PROVIDE_LOG_LEVEL` accepts.
 *
 * @internal
 */
export const aLevel: Parser<LevelName> = { accepted: acceptedLevels, parse: levelOf }

/** @internal */
export const parseFormat = (raw: string): "key_value" | "json" | undefined => {
  const key = raw.trim().toLowerCase()
  return key === "key_value" || key === "json" ? key : undefined
}

/** @internal */
export const acceptedFormats = "key_value, json"

/**
 * The `format` option, parsed like `PROVIDE_LOG_CONSOLE_FORMATTER` (any case, blanks around).
 *
 * @internal
 */
export const aFormat: Parser<"key_value" | "json"> = {
  accepted: acceptedFormats,
  parse: (input) => typeof input === "string" ? parseFormat(input) : undefined
}

/**
 * `name:LEVEL,name2:LEVEL`; names are dotted logger-name prefixes.
 *
 * @internal
 */
export const parseModuleLevels = (raw: string): Record<string, LevelName> | undefined => {
  const out: Record<string, LevelName> = {}
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue
    const colon = part.lastIndexOf(":")
    if (colon <= 0) return undefined
    const name = part.slice(0, colon).trim()
    const lvl = parseLevel(part.slice(colon + 1))
    if (name === "" || lvl === undefined) return undefined
    Object.defineProperty(out, name, { value: lvl, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * The accepted values of `PROVIDE_LOG_MODULE_LEVELS`.
 *
 * @internal
 */
export const acceptedModuleLevels =
  `comma-separated name:LEVEL pairs (e.g. "auth:DEBUG,db.pool:ERROR") with LEVEL one of ${acceptedLevels}`

/**
 * The accepted values of the redaction key lists (`PROVIDE_LOG_SANITIZATION_KEYS`, `..._REMOVE_KEYS`).
 *
 * @internal
 */
export const acceptedKeyList =
  "comma-separated key names made of letters, digits, \"_\", \"-\", \".\" (e.g. \"pin,otp_code,X-Session-Key\")"
