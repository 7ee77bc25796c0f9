/**
 * The one set of parsers behind every option and environment variable, and
 * the one wording of a bad value: `<subject>: invalid value <value>; accepted:
 * <accepted>`, the subject being the variable (`PROVIDE_LOG_LEVEL`) or the
 * option and where it was given (`Retry option maxAttempts`).
 *
 * A bad variable fails with a `ConfigError` (see `config.ts`). A bad option is
 * an `IllegalArgumentException` with the same wording, thrown by
 * {@link option} inside {@link checkOptions}, which each public function turns
 * into a failure or a defect of the Effect it returns: none throws.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { acceptedLevels, type LevelName, levelOf, parseLevel } from "../core/level.js"

// ---------------------------------------------------------------------------
// The wording
// ---------------------------------------------------------------------------

/**
 * A value as the messages show it: strings quoted, objects as JSON, functions
 * by name, anything else as `String` shows it; at most 200 characters (never
 * throws).
 *
 * @internal
 */
export const showValue = (value: unknown): string => {
  let shown: string
  try {
    if (typeof value === "string") shown = JSON.stringify(value)
    else if (typeof value === "function") shown = `[function ${value.name === "" ? "anonymous" : value.name}]`
    else if (typeof value === "object" && value !== null && !Duration.isDuration(value)) {
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
 * A bad option, as an `IllegalArgumentException` in the one wording, naming
 * where it was given: `Retry option maxAttempts: invalid value 0; accepted: ...`.
 *
 * @internal
 */
export const invalidOption = (
  where: string,
  name: string,
  value: unknown,
  accepted: string
): Cause.IllegalArgumentException =>
  new Cause.IllegalArgumentException(invalidMessage(where === "" ? name : `${where} option ${name}`, value, accepted))

/**
 * The message for a level that is not one.
 *
 * @internal
 */
export const invalidLevelMessage = (name: string, value: unknown): string => invalidMessage(name, value, acceptedLevels)

// ---------------------------------------------------------------------------
// Parsers, shared by options and variables
// ---------------------------------------------------------------------------

/**
 * A check of one value, an option's or a variable's: the value it stands for,
 * or `undefined` when it is rejected, and what it accepts (for the message).
 *
 * @internal
 */
export interface Parser<A> {
  readonly accepted: string
  readonly parse: (input: unknown) => A | undefined
}

/**
 * An option checked by `parser`: its value, or, when rejected, an
 * `IllegalArgumentException` thrown in the one wording. Called only inside
 * {@link checkOptions} (or an `Effect` that turns the throw into a defect), so
 * no public function throws.
 *
 * @internal
 */
export const option = <A>(where: string, name: string, value: unknown, parser: Parser<A>): A => {
  const parsed = parser.parse(value)
  if (parsed === undefined) throw invalidOption(where, name, value, parser.accepted)
  return parsed
}

/**
 * Runs the checks of a set of options once: their result, or the
 * `IllegalArgumentException` a check threw (anything else thrown is one too).
 *
 * @internal
 */
export const checkOptions = <A>(check: () => A): Either.Either<A, Cause.IllegalArgumentException> => {
  try {
    return Either.right(check())
  } catch (e) {
    return Either.left(
      Cause.isIllegalArgumentException(e) ? e : new Cause.IllegalArgumentException(showValue((e as Error)?.message))
    )
  }
}

/**
 * `use` of the checked options, or a defect (`IllegalArgumentException`) when
 * they were rejected: how an Effect-returning function reports a bad option.
 *
 * @internal
 */
export const orDie = <A, B, E, R>(
  checked: Either.Either<A, Cause.IllegalArgumentException>,
  use: (options: A) => Effect.Effect<B, E, R>
): Effect.Effect<B, E, R> => Either.isLeft(checked) ? Effect.die(checked.left) : use(checked.right)

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
export const oneOf = <const A extends string>(values: ReadonlyArray<A>): Parser<A> => ({
  accepted: values.join(", "),
  parse: (input) => {
    if (typeof input !== "string") return undefined
    const key = input.trim().toLowerCase()
    return values.find((v) => v === input || v === key)
  }
})

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

const msUnits: Record<string, number> = {
  "": 1,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000
}

/** Milliseconds of a string such as `250`, `250 ms`, `1 s`, `2 min`; `undefined` when not one. */
const stringMillis = (raw: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  if (m === null) return undefined
  const unit = msUnits[m[2]!.toLowerCase()]
  return unit === undefined ? undefined : Number(m[1]) * unit
}

/**
 * A duration: `250` (ms), `250 ms`, `1 s`, `2 min`, `6 h`, `1 day` (positive, finite); `undefined` when invalid.
 *
 * @internal
 */
export const parseDuration = (raw: string): Duration.Duration | undefined => {
  const ms = stringMillis(raw)
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Duration.millis(ms) : undefined
}

/**
 * Milliseconds of a duration given as an option (a `DurationInput`: `500`,
 * `"1 second"`, `Duration.seconds(1)`, ...) or as a variable's text (`"250 ms"`,
 * `"1 s"`); `undefined` when negative, NaN or not a duration (`Duration` would
 * clamp the first two to 0). May be `Infinity`.
 *
 * @internal
 */
export const durationMillis = (input: unknown): number | undefined => {
  if (typeof input === "number") return Number.isNaN(input) || input < 0 ? undefined : input
  if (typeof input === "bigint" && input < BigInt(0)) return undefined
  if (typeof input === "string") {
    if (/^\s*-/.test(input)) return undefined
    const ms = stringMillis(input)
    if (ms !== undefined) return ms
  }
  if (Array.isArray(input) && input.some((n) => typeof n !== "number" || Number.isNaN(n) || n < 0)) return undefined
  const decoded = Duration.decodeUnknown(input)
  if (Option.isNone(decoded)) return undefined
  const ms = Duration.toMillis(decoded.value)
  return Number.isNaN(ms) ? undefined : ms
}

const durationExamples = "e.g. 500 (ms), \"1 second\", \"250 ms\", Duration.seconds(1)"

/**
 * A duration in milliseconds (see {@link durationMillis}): `"non-negative"`
 * (may be infinite), `"finite"` (non-negative and finite) or `"positive"`
 * (positive and finite).
 *
 * @internal
 */
export const duration = (kind: "non-negative" | "finite" | "positive", accepted?: string): Parser<number> => ({
  accepted: accepted ?? `a ${kind === "finite" ? "finite, non-negative" : kind} duration, ${durationExamples}`,
  parse: (input) => {
    const ms = durationMillis(input)
    if (ms === undefined) return undefined
    if (kind === "non-negative") return ms
    return Number.isFinite(ms) && (kind === "finite" || ms > 0) ? ms : undefined
  }
})

/**
 * `parser`'s milliseconds as a `Duration`.
 *
 * @internal
 */
export const asDuration = (parser: Parser<number>): Parser<Duration.Duration> => ({
  accepted: parser.accepted,
  parse: (input) => {
    const ms = parser.parse(input)
    return ms === undefined ? undefined : Duration.millis(ms)
  }
})

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
 * The `format` option, parsed like `PROVIDE_LOG_CONSOLE_FORMATTER` (any case, blanks around): `undefined` when not
 * given. Anything else throws `IllegalArgumentException` in the one wording, naming the option.
 *
 * @internal
 */
export const formatOption = (name: string, value: unknown): "key_value" | "json" | undefined => {
  if (value === undefined) return undefined
  const parsed = typeof value === "string" ? parseFormat(value) : undefined
  if (parsed !== undefined) return parsed
  throw invalidOption("", name, value, acceptedFormats)
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

/** @internal */
