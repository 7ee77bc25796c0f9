/**
 * The Effect 4 binding's side of the level tables: effect 4's `LogLevel` (a string) for each of our level names and
 * back. The names, ordinals and spellings are in the core (`src/core/level.ts`).
 */
import type * as LogLevel from "effect/LogLevel"
import { type LevelName, levelOrdinal } from "../../core/level.js"

/**
 * Effect 4's `LogLevel` for each of our names (warning is effect 4's `Warn`, critical its `Fatal`).
 *
 * @internal
 */
export const toEffectLevel: Readonly<Record<LevelName, LogLevel.Severity>> = {
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warning: "Warn",
  error: "Error",
  critical: "Fatal"
}

/**
 * Effect 4's level ordinals, ours (`All` below every level, `None` above).
 *
 * @internal
 */
export const effectOrdinal: Readonly<Record<LogLevel.LogLevel, number>> = {
  All: Number.MIN_SAFE_INTEGER,
  Trace: levelOrdinal.trace,
  Debug: levelOrdinal.debug,
  Info: levelOrdinal.info,
  Warn: levelOrdinal.warning,
  Error: levelOrdinal.error,
  Fatal: levelOrdinal.critical,
  None: Number.MAX_SAFE_INTEGER
}

/**
 * Our name for an effect 4 `LogLevel` (`All` and `Trace` are trace, `None` and `Fatal` critical).
 *
 * @internal
 */
export const fromEffectLevel = (level: LogLevel.LogLevel): LevelName => {
  switch (level) {
    case "All":
    case "Trace":
      return "trace"
    case "Debug":
      return "debug"
    case "Info":
      return "info"
    case "Warn":
      return "warning"
    case "Error":
      return "error"
    default:
      return "critical"
  }
}
