/**
 * The binding's side of the level tables: Effect's `LogLevel` for each level name and back. The names, ordinals and
 * spellings are in the core (`src/core/level.ts`).
 */
import * as LogLevel from "effect/LogLevel"
import { type LevelName, levelOfOrdinal } from "../core/level.js"

/**
 * Effect's `LogLevel` for each of our names (critical is Effect's `Fatal`).
 *
 * @internal
 */
export const toEffectLevel: Record<LevelName, LogLevel.LogLevel> = {
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  critical: LogLevel.Fatal
}

/**
 * Our name for an Effect `LogLevel` (All and Trace map to trace, None and Fatal to critical).
 *
 * @internal
 */
export const fromEffectLevel = (level: LogLevel.LogLevel): LevelName => levelOfOrdinal(level.ordinal)
