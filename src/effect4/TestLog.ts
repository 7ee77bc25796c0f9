/**
 * Captures records for assertions in your own tests, for effect 4: the structured records (level, message, fields,
 * logger name, error, cause) and the lines the console formatter renders for them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Log, TestLog } from "effect-foundation/effect4"
 * const program = Effect.gen(function* () {
 *   yield* Log.info("hello", { n: 1 })
 *   const [record] = yield* TestLog.records
 *   // record.message === "hello", record.fields.n === 1
 * }).pipe(Effect.provide(TestLog.layer()))
 * ```
 *
 * @since 0.2.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Options } from "./EmojiLogger.js"
import { formatOptions, Formatter, tryOptions } from "./internal/format.js"
import { loggingContext } from "./internal/install.js"
import { capturing } from "./internal/logger.js"
import { structuredOf, type StructuredRecord } from "./internal/testLog.js"

/**
 * A captured record. `fields` merges context annotations, bound fields and call fields (later sources win).
 *
 * @since 0.2.0
 * @category models
 */
export type Record = StructuredRecord

/**
 * The capture service.
 *
 * @since 0.2.0
 * @category models
 */
export interface TestLog {
  readonly records: Effect.Effect<ReadonlyArray<Record>>
  readonly lines: Effect.Effect<ReadonlyArray<string>>
  readonly clear: Effect.Effect<void>
}

/**
 * The service key.
 *
 * @since 0.2.0
 * @category tags
 */
export const TestLog: Context.Service<TestLog, TestLog> = Context.Service<TestLog>("effect-foundation/TestLog")

/**
 * A layer that captures every record from `options.level` up (default: trace; any spelling `PROVIDE_LOG_LEVEL`
 * accepts) instead of writing it: it sets effect 4's minimum log level (`References.MinimumLogLevel`) to it, so
 * providing that reference inside still works. `lines` are rendered by the formatter built from `options` (default:
 * console format, no colours, no timestamps), without the trailing newline. A level option that is not a level
 * fails the layer with a `ConfigError` naming it.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TestLog, Config.ConfigError> =>
  Layer.effectContext(Effect.gen(function*() {
    const formatter = yield* tryOptions(() =>
      new Formatter(formatOptions({ ...options, level: options.level ?? "trace" }))
    )
    const records: Array<Record> = []
    const lines: Array<string> = []
    const logger = capturing(formatter, (record, line, cause) => {
      records.push(structuredOf(record, cause, formatter.renderer))
      lines.push(line.endsWith("\n") ? line.slice(0, -1) : line)
    })
    const service: TestLog = {
      records: Effect.sync(() => records.slice()),
      lines: Effect.sync(() => lines.slice()),
      clear: Effect.sync(() => {
        records.length = 0
        lines.length = 0
      })
    }
    const context = yield* loggingContext([logger], formatter.options.level, formatter.options.redactor)
    return Context.add(context, TestLog, service)
  }))

/**
 * The records captured so far.
 *
 * @since 0.2.0
 * @category accessors
 */
export const records: Effect.Effect<ReadonlyArray<Record>, never, TestLog> = Effect.flatMap(
  Effect.service(TestLog),
  (t) => t.records
)

/**
 * The rendered lines captured so far (no trailing newline).
 *
 * @since 0.2.0
 * @category accessors
 */
export const lines: Effect.Effect<ReadonlyArray<string>, never, TestLog> = Effect.flatMap(
  Effect.service(TestLog),
  (t) => t.lines
)

/**
 * Forgets what was captured.
 *
 * @since 0.2.0
 * @category accessors
 */
export const clear: Effect.Effect<void, never, TestLog> = Effect.flatMap(Effect.service(TestLog), (t) => t.clear)
