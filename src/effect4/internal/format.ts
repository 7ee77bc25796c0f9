/**
 * The Effect 4 binding's formatter: the core's console or JSON formatter (src/core/format.ts) over this binding's
 * renderer, and the options of `EmojiLogger` read into the core's `FormatOptions` (the same checks, the same one
 * wording of a bad option as the root's).
 */
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as Logger from "effect/Logger"
import type { EmojiSet } from "../../core/emoji.js"
import { defaultFormatOptions, type Formatter as CoreFormatter, makeFormatter } from "../../core/format.js"
import type { FormatOptions } from "../../core/formatter.js"
import type { LevelName } from "../../core/level.js"
import type { Binding, LogRecord } from "../../core/record.js"
import { makeRedactor, type RedactionOptions } from "../../core/redact.js"
import type { RenderLimits } from "../../core/render.js"
import { configError } from "./config.js"
import { fromEffectLevel } from "./level.js"
import { aLevel, formatOption, invalidOption, option } from "./parse.js"
import { Renderer } from "./render.js"

/**
 * The options of `EmojiLogger.layer` / `make` (the root's, with the same defaults).
 *
 * @internal
 */
export interface LoggerOptions {
  readonly format?: "key_value" | "json"
  readonly level?: string
  readonly moduleLevels?: Readonly<Record<string, string>>
  readonly timestamps?: boolean
  readonly colors?: boolean
  readonly loggerNameEmoji?: boolean
  readonly dasEmoji?: boolean
  readonly serviceName?: string | undefined
  readonly emoji?: EmojiSet
  readonly redaction?: RedactionOptions
  readonly limits?: Partial<RenderLimits>
  readonly traceIds?: boolean
}

/**
 * A level option in any spelling `PROVIDE_LOG_LEVEL` accepts; `undefined` when not given.
 *
 * @internal
 */
export const levelOption = (name: string, value: unknown): LevelName | undefined =>
  value === undefined ? undefined : option("", name, value, aLevel)

/** `moduleLevels` as `[prefix, level]` pairs, each level in any accepted spelling. */
const moduleLevelsOption = (name: string, value: unknown): Array<[string, LevelName]> => {
  if (value === undefined) return []
  if (typeof value !== "object" || value === null) throw invalidOption("", name, value, "an object of name: LEVEL")
  return Object.entries(value).map((
    [prefix, level]
  ) => [prefix, levelOption(`${name}[${JSON.stringify(prefix)}]`, level)!])
}

/**
 * The formatter's options. Throws `IllegalArgumentError` for a level or a format that is not one.
 *
 * @internal
 */
export const formatOptions = (options: LoggerOptions): FormatOptions => {
  const format = formatOption("format", options.format) ?? defaultFormatOptions.format
  return {
    format,
    level: levelOption("level", options.level) ?? defaultFormatOptions.level,
    moduleLevels: moduleLevelsOption("moduleLevels", options.moduleLevels),
    timestamps: options.timestamps ?? defaultFormatOptions.timestamps,
    colors: options.colors ?? defaultFormatOptions.colors,
    loggerNameEmoji: options.loggerNameEmoji ?? defaultFormatOptions.loggerNameEmoji,
    dasEmoji: options.dasEmoji ?? defaultFormatOptions.dasEmoji,
    serviceName: options.serviceName,
    emoji: options.emoji ?? defaultFormatOptions.emoji,
    redactor: options.redaction === undefined ? defaultFormatOptions.redactor : makeRedactor(options.redaction),
    limits: { ...defaultFormatOptions.limits, ...options.limits },
    // JSON lines carry them by default (machines correlate them); console lines on request
    traceIds: options.traceIds ?? format === "json"
  }
}

const reason = (e: unknown): string => {
  try {
    return e instanceof Error ? String(e.message) : "unknown"
  } catch {
    return "unknown"
  }
}

/**
 * A formatter with its renderer: `format(record)` renders a record or, when that throws, the last-resort line
 * (level, message, reason): a record is never lost.
 *
 * @internal
 */
export class Formatter {
  readonly renderer: Renderer
  readonly core: CoreFormatter
  /** Whether the formatter has module levels. */
  readonly hasModuleLevels: boolean

  constructor(readonly options: FormatOptions) {
    this.renderer = new Renderer(options.redactor, options.limits)
    this.core = makeFormatter(options, this.renderer)
    this.hasModuleLevels = options.moduleLevels.length > 0
  }

  format(record: LogRecord): string {
    try {
      return this.core.format(record)
    } catch (e) {
      return this.core.fallback(record.level, record.time, record.message, reason(e))
    }
  }

  /**
   * Renders the record of an `Effect.log*` call, built here too (so nothing it reads can lose the line); the
   * last-resort line keeps the level and the first argument when it is text.
   */
  formatOptions(options: Logger.Options<unknown>, build: () => LogRecord): readonly [string, LogRecord | undefined] {
    let record: LogRecord | undefined
    try {
      record = build()
      return [this.core.format(record), record]
    } catch (e) {
      const first = Array.isArray(options.message) ? options.message[0] : options.message
      return [this.core.fallback(fromEffectLevel(options.logLevel), options.date.getTime(), first, reason(e)), record]
    }
  }

  /** The ordinal of the module level matching the binding's logger name; `undefined` when none does. */
  moduleThreshold(binding: Binding): number | undefined {
    return this.core.moduleThreshold(binding)
  }
}

/**
 * An option that throws `IllegalArgumentError` as a typed failure: a `ConfigError` with the same message.
 *
 * @internal
 */
export const tryOptions = <A>(f: () => A): Effect.Effect<A, Config.ConfigError> =>
  Effect.try({
    try: f,
    catch: (e) => configError(e instanceof Error ? e.message : String(e))
  })
