/**
 * The binding's formatter: the core's console or JSON formatter (`makeFormatter` in src/core/format.ts) over the
 * binding's renderer (Effect's `Redacted` and `Cause`, Effect's stack layout), rendering the `LogRecord`s the binding
 * builds (`emit` in record.ts, `recordOfOptions` in logMessage.ts).
 */
import * as core from "../core/format.js"
import type { FormatOptions } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import type { Binding, LogRecord } from "../core/record.js"
import { moduleLevels } from "./record.js"
import { Renderer } from "./render.js"

export {
  /** @internal */
  type RecordInput,
  /** @internal */
  renderRecord,
  /** @internal */
  structuredOf,
  /** @internal */
  type StructuredRecord
} from "./structuredRecord.js"

/** @internal */
export class Formatter {
  readonly renderer: Renderer
  /** The core's formatter for this format. */
  readonly core: core.Formatter
  /** Whether the formatter has module levels. */
  readonly hasModuleLevels: boolean

  constructor(readonly options: FormatOptions) {
    const renderer = new Renderer(options.redactor, options.limits)
    this.renderer = renderer
    this.core = core.makeFormatter(options, renderer)
    this.hasModuleLevels = options.moduleLevels.length > 0
    if (this.hasModuleLevels) moduleLevels.formatters++
  }

  /** Bindings prepared so far (each once per formatter). */
  get preparedCount(): number {
    return this.core.preparedCount
  }

  /** The module level of a logger name: the longest matching module prefix; `undefined` when none matches. */
  moduleLevel(name: string | undefined): LevelName | undefined {
    return this.core.moduleLevel(name)
  }

  /**
   * The ordinal of the module level matching the binding's logger name;
   * `undefined` when none does (the record follows Effect's minimum log level).
   */
  moduleThreshold(binding: Binding): number | undefined {
    return this.core.moduleThreshold(binding)
  }

  /** Renders one record, its line with its `"\n"`. Level filtering is the caller's. */
  format(record: LogRecord): string {
    return this.core.format(record)
  }

  /**
   * The last resort for a record that cannot be rendered: its level, its
   * message when it is text, and the reason, in this formatter's format.
   */
  fallback(level: LevelName, millis: number, message: unknown, reason: string): string {
    return this.core.fallback(level, millis, message, reason)
  }
}
