/**
 * Environment configuration through Effect 4's `Config`, with provide.foundation's variable names, checked by the
 * core's parsers (`src/core/parse.ts`): a bad value fails with a `ConfigError` carrying the one wording, naming the
 * variable, the value and what is accepted (the same text as the Effect 3 binding's).
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { acceptedLevels, type LevelName, levelOf, parseLevel } from "../../core/level.js"
import {
  aBoolean,
  acceptedFormats,
  acceptedKeyList,
  acceptedModuleLevels,
  invalidLevelMessage,
  invalidMessage,
  needsFileMessage,
  parseFormat,
  parseModuleLevels,
  type Parser
} from "../../core/parse.js"
import { rateLimitFromEnv, type RateLimitOptions, rateLimitVariables } from "../../core/rateLimit.js"
import { parseKeyList, type RedactionOptions } from "../../core/redact.js"

/**
 * A `ConfigError` with our message (the one wording, naming the variable or option).
 *
 * @internal
 */
export const configError = (message: string): Config.ConfigError =>
  new Config.ConfigError(new ConfigProvider.SourceError({ message }))

/**
 * A bad environment variable, as a `ConfigError` in the one wording.
 *
 * @internal
 */
export const invalid = (name: string, value: string, accepted: string): Config.ConfigError =>
  configError(invalidMessage(name, value, accepted))

/**
 * A variable's text; `undefined` when unset or blank.
 *
 * @internal
 */
export const text = (name: string): Config.Config<string | undefined> =>
  Config.String(name).pipe(
    Config.option,
    Config.map((raw) => Option.isNone(raw) || raw.value.trim() === "" ? undefined : raw.value)
  )

/**
 * An optional variable parsed by `parse`; `undefined` when unset or blank. A value `parse` rejects fails with a
 * message naming the variable, the value and `accepted`.
 *
 * @internal
 */
export const optional = <A>(
  name: string,
  accepted: string,
  parse: (raw: string) => A | undefined
): Config.Config<A | undefined> =>
  text(name).pipe(
    Config.mapEffect((raw) => {
      if (raw === undefined) return Effect.succeed(undefined)
      const parsed = parse(raw)
      return parsed === undefined ? Effect.fail(invalid(name, raw, accepted)) : Effect.succeed(parsed)
    })
  )

/**
 * A level given as an option (`name`), in any spelling `PROVIDE_LOG_LEVEL` accepts; `undefined` when not given.
 * Anything else fails with the same wording as the variable's.
 *
 * @internal
 */
export const levelFromOption = (
  name: string,
  value: unknown
): Effect.Effect<LevelName | undefined, Config.ConfigError> => {
  if (value === undefined) return Effect.succeed(undefined)
  const level = levelOf(value)
  return level === undefined ? Effect.fail(configError(invalidLevelMessage(name, value))) : Effect.succeed(level)
}

/**
 * An optional variable checked by `parser` (see {@link optional}).
 *
 * @internal
 */
export const variable = <A>(name: string, parser: Parser<A>): Config.Config<A | undefined> =>
  optional(name, parser.accepted, (raw) => parser.parse(raw))

/** @internal */
export const boolean = (name: string): Config.Config<boolean | undefined> => variable(name, aBoolean)

/** @internal */
export const level = (name: string): Config.Config<LevelName | undefined> => optional(name, acceptedLevels, parseLevel)

/**
 * The logging variables.
 *
 * @internal
 */
export const env = {
  level: level("PROVIDE_LOG_LEVEL"),
  format: optional("PROVIDE_LOG_CONSOLE_FORMATTER", acceptedFormats, parseFormat),
  omitTimestamp: boolean("PROVIDE_LOG_OMIT_TIMESTAMP"),
  loggerNameEmoji: boolean("PROVIDE_LOG_LOGGER_NAME_EMOJI_ENABLED"),
  dasEmoji: boolean("PROVIDE_LOG_DAS_EMOJI_ENABLED"),
  moduleLevels: optional("PROVIDE_LOG_MODULE_LEVELS", acceptedModuleLevels, parseModuleLevels),
  serviceName: optional("PROVIDE_SERVICE_NAME", "a non-empty name", (raw) => raw.trim()),
  traceIds: boolean("PROVIDE_LOG_TRACE_IDS")
}

/**
 * The log file as a second output beside the console: `PROVIDE_LOG_FILE_LEVEL` and `PROVIDE_LOG_FILE_FORMAT`, and
 * the console's stream, `PROVIDE_LOG_STREAM` (see the Effect 3 binding's `config.ts`).
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
}).pipe(Config.mapEffect((c) => {
  if (c.level === undefined && c.format === undefined) return Effect.succeed(undefined)
  if (c.file === undefined) {
    const name = c.level !== undefined ? "PROVIDE_LOG_FILE_LEVEL" : "PROVIDE_LOG_FILE_FORMAT"
    return Effect.fail(configError(needsFileMessage(name)))
  }
  return Effect.succeed({ level: c.level, format: c.format, stream: c.stream ?? "stdout" as const })
}))

/**
 * Colours: `NO_COLOR` (non-empty) turns them off, `FORCE_COLOR` (non-empty, not `0`/`false`) turns them on,
 * otherwise they follow whether the output is a terminal.
 *
 * @internal
 */
export const colors: Config.Config<{ readonly noColor: boolean; readonly force: boolean | undefined }> = Config.all({
  noColor: Config.String("NO_COLOR").pipe(Config.option, Config.map((o) => Option.isSome(o) && o.value !== "")),
  force: Config.String("FORCE_COLOR").pipe(
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
 * Runs a configuration read; on a runtime that refuses to let the environment be read (Deno without
 * `--allow-env`), runs it again with every variable unset, as if none were given.
 *
 * @internal
 */
export const withReadableEnv = <A, E, R>(read: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.catchDefect(read, (defect) =>
    isPermissionError(defect)
      ? Effect.provideService(read, ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({}))
      : Effect.die(defect))

const keyList = (name: string): Config.Config<ReadonlyArray<string> | undefined> =>
  optional(name, acceptedKeyList, parseKeyList)

/**
 * `PROVIDE_LOG_SANITIZATION_ENABLED` (default true: the master switch), `PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED`
 * (the built-in string scan), `PROVIDE_LOG_SANITIZATION_KEYS` (extra keys), `PROVIDE_LOG_SANITIZATION_REMOVE_KEYS`
 * (keys removed from every record).
 *
 * @internal
 */
export const redactionConfig: Config.Config<RedactionOptions> = Config.map(
  Config.all({
    enabled: boolean("PROVIDE_LOG_SANITIZATION_ENABLED"),
    builtinPatterns: boolean("PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED"),
    keys: keyList("PROVIDE_LOG_SANITIZATION_KEYS"),
    removeKeys: keyList("PROVIDE_LOG_SANITIZATION_REMOVE_KEYS")
  }),
  ({ builtinPatterns, enabled, keys, removeKeys }): RedactionOptions => ({
    enabled: enabled ?? true,
    ...(builtinPatterns === undefined ? {} : { builtinPatterns }),
    ...(keys === undefined ? {} : { keys }),
    ...(removeKeys === undefined ? {} : { removeKeys })
  })
)

/**
 * `PROVIDE_LOG_RATE_LIMIT_GLOBAL`, `PROVIDE_LOG_RATE_LIMIT_GLOBAL_CAPACITY`, `PROVIDE_LOG_RATE_LIMIT_PER_LOGGER`,
 * read by the core (`src/core/rateLimit.ts`).
 *
 * @internal
 */
export const rateLimitConfig: Config.Config<RateLimitOptions> = Config.all(
  Object.fromEntries(
    Object.keys(rateLimitVariables).map((name) => [name, Config.option(Config.String(name))])
  ) as Record<keyof typeof rateLimitVariables, Config.Config<Option.Option<string>>>
).pipe(
  Config.mapEffect((raw) => {
    const r = rateLimitFromEnv((name) => Option.getOrUndefined(raw[name]))
    return "message" in r ? Effect.fail(configError(r.message)) : Effect.succeed(r)
  })
)
