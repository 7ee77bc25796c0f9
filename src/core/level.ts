/**
 * The level tables: names, ordinals, the accepted spellings and their parser.
 */
/**
 * Lower-case level names, as they appear in JSON output and configuration.
 *
 * @internal
 */
export type LevelName = "trace" | "debug" | "info" | "warning" | "error" | "critical"

/**
 * The ordinal of each level, Effect's `LogLevel` ordinals (critical is Effect's `Fatal`): thresholds compare these.
 *
 * @internal
 */
export const levelOrdinal: Readonly<Record<LevelName, number>> = {
  trace: 0,
  debug: 10000,
  info: 20000,
  warning: 30000,
  error: 40000,
  critical: 50000
}

/**
 * Our name for a level ordinal (below debug is trace, from critical up is critical).
 *
 * @internal
 */
export const levelOfOrdinal = (ordinal: number): LevelName => {
  if (ordinal >= 50000) return "critical"
  if (ordinal >= 40000) return "error"
  if (ordinal >= 30000) return "warning"
  if (ordinal >= 20000) return "info"
  if (ordinal >= 10000) return "debug"
  return "trace"
}

const aliases: Record<string, LevelName> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  warning: "warning",
  warn: "warning",
  error: "error",
  critical: "critical",
  fatal: "critical"
}

/**
 * The accepted spellings, for error messages.
 *
 * @internal
 */
export const acceptedLevels = "TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"

/**
 * Parses a level name case-insensitively; `undefined` when it is not one.
 *
 * @internal
 */
export const parseLevel = (input: string): LevelName | undefined => {
  const key = input.trim().toLowerCase()
  return Object.prototype.hasOwnProperty.call(aliases, key) ? aliases[key] : undefined
}

/**
 * A level as an option accepts every spelling the environment variable does:
 * any case, `warn` for warning and `fatal` for critical.
 *
 * @internal
 */
export type LevelInput =
  | LevelName
  | "warn"
  | "fatal"
  | Uppercase<LevelName | "warn" | "fatal">
  | Capitalize<LevelName | "warn" | "fatal">

/**
 * A level given as an option (any accepted spelling); `undefined` when it is not one.
 *
 * @internal
 */
export const levelOf = (
  input: unknown
): LevelName | undefined => (typeof input === "string" ? parseLevel(input) : undefined)
