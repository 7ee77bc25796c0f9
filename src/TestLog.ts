/**
 * Captures records for assertions in your own tests: the structured records
 * (level, message, fields, logger name, error, cause) and the lines the
 * console formatter renders for them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Log, TestLog } from "effect-foundation"
 * const program = Effect.gen(function* () {
 *   yield* Log.info("hello", { n: 1 })
 *   const [record] = yield* TestLog.records
 *   // record.message === "hello", record.fields.n === 1
 * }).pipe(Effect.provide(TestLog.layer()))
 * ```
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Options } from "./EmojiLogger.js"
import { Formatter, type StructuredRecord } from "./internal/format.js"
import { capturing, formatOptions, install, tryOptions } from "./internal/logger.js"

/**
 * A captured record. `fields` merges context annotations, bound fields and
 * call fields (later sources win).
 *
 * @since 0.1.0
 * @category models
 */
export type Record = StructuredRecord

/**
 * The capture service.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestLog {
  readonly records: Effect.Effect<ReadonlyArray<Record>>
  readonly lines: Effect.Effect<ReadonlyArray<string>>
  readonly clear: Effect.Effect<void>
}

/**
 * The service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export const TestLog: Context.Tag<TestLog, TestLog> = Context.GenericTag<TestLog>("effect-foundation/TestLog")

/**
 * A layer that captures every record from `options.level` up (default:
 * trace; any spelling `PROVIDE_LOG_LEVEL` accepts) instead of writing it: it
 * sets Effect's minimum log level to it, so `Logger.withMinimumLogLevel`
 * still works inside. `lines` are rendered by the formatter built from
 * `options` (default: console format, no colours, no timestamps), without the
 * trailing newline. A level option that is not a level fails the layer with
 * a `ConfigError` naming it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TestLog, ConfigError.ConfigError> =>
  Layer.scoped(
    TestLog,
    Effect.gen(function*() {
      const formatter = yield* tryOptions(() =>
        new Formatter(formatOptions({ ...options, level: options.level ?? "trace" }))
      )
      const records: Array<Record> = []
      const lines: Array<string> = []
      const logger = capturing(formatter, (record, line) => {
        records.push(record)
        lines.push(line.endsWith("\n") ? line.slice(0, -1) : line)
      })
      yield* install(logger, formatter.options.level)
      return {
        records: Effect.sync(() => records.slice()),
        lines: Effect.sync(() => lines.slice()),
        clear: Effect.sync(() => {
          records.length = 0
          lines.length = 0
        })
      }
    })
  )

/**
 * The records captured so far.
 *
 * @since 0.1.0
 * @category accessors
 */
export const records: Effect.Effect<ReadonlyArray<Record>, never, TestLog> = Effect.flatMap(TestLog, (t) => t.records)

/**
 * The rendered lines captured so far (no trailing newline).
 *
 * @since 0.1.0
 * @category accessors
 */
export const lines: Effect.Effect<ReadonlyArray<string>, never, TestLog> = Effect.flatMap(TestLog, (t) => t.lines)

/**
 * Forgets what was captured.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clear: Effect.Effect<void, never, TestLog> = Effect.flatMap(TestLog, (t) => t.clear)
