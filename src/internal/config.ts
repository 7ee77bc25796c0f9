/**
 * Environment configuration through Effect `Config`, with provide.foundation's
 * variable names. A bad value fails with a message naming the variable, the
 * value and what is accepted.
 */
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { acceptedLevels, invalidLevelMessage, type LevelName, levelOf, parseLevel } from "./level.js"

/** @internal */
export const invalid = (name: string, value: string, accepted: string): ConfigError.ConfigError =>
  ConfigError.InvalidData([name], `${name}: invalid value ${JSON.stringify(value)}; accepted: ${accepted}`)

/**
 * An optional variable parsed by `parse`; `undefined` when unset or blank. A
 * value `parse` rejects fails with a message naming the variable, the value
 * and `accepted`.
 *
 * @internal
 */
export const optional = <A>(
  name: string,
  accepted: string,
  parse: (raw: string) => A | undefined
): Config.Config<A | undefined> =>
  Config.string(name).pipe(
    Config.option,
    Config.mapOrFail((raw): Either.Either<A | undefined, ConfigError.ConfigError> => {
      if (Option.isNone(raw) || raw.value.trim() === "") return Either.right(undefined)
      const parsed = parse(raw.value)
      return parsed === undefined ? Either.left(invalid(name, raw.value, accepted)) : Either.right(parsed)
    })
  )

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

/**
 * A duration: `250` (ms), `250 ms`, `1 s`, `2 min`, `6 h`, `1 day` (positive, finite); `undefined` when invalid.
 *
 * @internal
 */
export const parseDuration = (raw: string): Duration.Duration | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  if (m === null) return undefined
  const unit = msUnits[m[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  const ms = Number(m[1]) * unit
  return Number.isFinite(ms) && ms > 0 ? Duration.millis(ms) : undefined
}

/**
 * A level given as an option (`name`), in any spelling `PROVIDE_LOG_LEVEL`
 * accepts; `undefined` when not given. Anything else fails with the same
 * wording as the variable's.
 *
 * @internal
 */
export const levelFromOption = (
  name: string,
  value: unknown
): Effect.Effect<LevelName | undefined, ConfigError.ConfigError> => {
  if (value === undefined) return Effect.succeed(undefined)
  const level = levelOf(value)
  return level === undefined
    ? Effect.fail(ConfigError.InvalidData([name], invalidLevelMessage(name, value)))
    : Effect.succeed(level)
}

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

/** @internal */
export const boolean = (name: string): Config.Config<boolean | undefined> =>
  optional(name, "true, false, 1, 0, yes, no, on, off", parseBoolean)

/** @internal */
export const level = (name: string): Config.Config<LevelName | undefined> => optional(name, acceptedLevels, parseLevel)

/** @internal */
export const parseFormat = (raw: string): "key_value" | "json" | undefined => {
  const key = raw.trim().toLowerCase()
  return key === "key_value" || key === "json" ? key : undefined
}

/** @internal */
export const acceptedFormats = "key_value, json"

/**
 * The `format` option, parsed like `PROVIDE_LOG_CONSOLE_FORMATTER` (any case, blanks around): `undefined` when not
 * given. Anything else throws `IllegalArgumentException` with the variable's message: the option, the value and
 * the accepted values.
 *
 * @internal
 */
export const formatOption = (name: string, value: unknown): "key_value" | "json" | undefined => {
  if (value === undefined) return undefined
  const parsed = typeof value === "string" ? parseFormat(value) : undefined
  if (parsed !== undefined) return parsed
  let shown: string
  try {
    shown = typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    shown = "[" + typeof value + "]"
  }
  throw new Cause.IllegalArgumentException(`${name}: invalid value ${shown}; accepted: ${acceptedFormats}`)
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
export const env = {
  level: level("PROVIDE_LOG_LEVEL"),
  format: optional("PROVIDE_LOG_CONSOLE_FORMATTER", acceptedFormats, parseFormat),
  omitTimestamp: boolean("PROVIDE_LOG_OMIT_TIMESTAMP"),
  loggerNameEmoji: boolean("PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED"),
  dasEmoji: boolean("PROVIDE_LOG_DAS_EMOJI_ENABLED"),
  moduleLevels: optional(
    "PROVIDE_LOG_MODULE_LEVELS",
    `comma-separated name:LEVEL pairs (e.g. "auth:DEBUG,db.pool:ERROR") with LEVEL one of ${acceptedLevels}`,
    parseModuleLevels
  ),
  serviceName: optional("PROVIDE_SERVICE_NAME", "a non-empty name", (raw) => raw.trim()),
  traceIds: boolean("PROVIDE_LOG_TRACE_IDS")
}

/**
 * The log file as a second output beside the console: `PROVIDE_LOG_FILE_LEVEL`
 * and `PROVIDE_LOG_FILE_FORMAT` (either one makes `PROVIDE_LOG_FILE` an output
 * of its own; without them the file replaces the console, as before), and the
 * console's stream, `PROVIDE_LOG_STREAM`. Either variable without
 * `PROVIDE_LOG_FILE` fails, naming it.
 *
 * @internal
 */
export const fileOutput: Config.Config<
  {
    readonly level: LevelName | undefined
    readonly format: "key_value" | "json" | undefined
    readonly stream: "stdout" | "stderr"
  } | undefined
> = Config.all({
  file: optional("PROVIDE_LOG_FILE", "a file path", (raw) => raw.trim()),
  level: level("PROVIDE_LOG_FILE_LEVEL"),
  format: optional("PROVIDE_LOG_FILE_FORMAT", acceptedFormats, parseFormat),
  stream: optional("PROVIDE_LOG_STREAM", "stdout, stderr", (raw) => {
    const k = raw.trim().toLowerCase()
    return k === "stdout" || k === "stderr" ? k : undefined
  })
}).pipe(Config.mapOrFail((c) => {
  if (c.level === undefined && c.format === undefined) return Either.right(undefined)
  if (c.file === undefined) {
    const name = c.level !== undefined ? "PROVIDE_LOG_FILE_LEVEL" : "PROVIDE_LOG_FILE_FORMAT"
    return Either.left(
      ConfigError.InvalidData([name], `${name} is set but PROVIDE_LOG_FILE is not: it applies to a log file`)
    )
  }
  return Either.right({ level: c.level, format: c.format, stream: c.stream ?? "stdout" })
}))

/**
 * Colours: `NO_COLOR` (non-empty) turns them off, `FORCE_COLOR` (non-empty,
 * not `0`/`false`) turns them on, otherwise they follow whether the output is
 * a terminal.
 *
 * @internal
 */
export const colors: Config.Config<{ readonly noColor: boolean; readonly force: boolean | undefined }> = Config.all({
  noColor: Config.string("NO_COLOR").pipe(Config.option, Config.map((o) => Option.isSome(o) && o.value !== "")),
  force: Config.string("FORCE_COLOR").pipe(
    Config.option,
    Config.map((o) =>
      Option.isNone(o) ? undefined : o.value === "0" || o.value.toLowerCase() === "false" ? false : true
    )
  )
})

const isPermissionError = (defect: unknown): boolean => {
  const name = (defect as { name?: unknown } | undefined)?.name
  return name === "NotCapable" || name === "PermissionDenied"
}

/**
 * Runs a configuration read; on a runtime that refuses to let the environment
 * be read (Deno without `--allow-env`), runs it again with every variable
 * unset, as if none were given.
 *
 * @internal
 */
export const withReadableEnv = <A, E, R>(read: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.catchSomeDefect(read, (defect) =>
    isPermissionError(defect)
      ? Option.some(Effect.withConfigProvider(read, ConfigProvider.fromMap(new Map())))
      : Option.none())
