/**
 * The binding's formatter: the core's console or JSON formatter (src/core/consoleFormat.ts,
 * src/core/jsonFormat.ts), reading Effect's own structures through hooks: the context annotations (a `HashMap`,
 * in the order given), the log spans (a `List`), the `Cause` and the current span (the fiber's `Tracer.ParentSpan`).
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import type * as HashMap from "effect/HashMap"
import type * as List from "effect/List"
import type * as Logger from "effect/Logger"
import type * as LogSpan from "effect/LogSpan"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as core from "../core/format.js"
import type { FormatOptions } from "../core/formatter.js"
import type { LevelName } from "../core/level.js"
import { type Binding, contextOf, type Entry, spansOf } from "./entry.js"
import { entryOfMessage } from "./logMessage.js"
import { moduleLevels } from "./record.js"
import { causeDataOf, Renderer } from "./render.js"
import { traceIdsOf } from "./traceContext.js"

export {
  /** @internal */
  defaultFormatOptions
} from "../core/format.js"
export {
  /** @internal */
  errorHead,
  /** @internal */
  fieldKeyOf,
  /** @internal */
  type Format,
  /** @internal */
  type FormatOptions,
  /** @internal */
  isError,
  /** @internal */
  reservedJsonKeys,
  /** @internal */
  valueText
} from "../core/formatter.js"
export {
  /** @internal */
  entryOfMessage
} from "./logMessage.js"
export {
  /** @internal */
  type RecordInput,
  /** @internal */
  recordOf,
  /** @internal */
  renderRecord,
  /** @internal */
  type StructuredRecord,
  /** @internal */
  toRecord
} from "./structuredRecord.js"

type Annotations = HashMap.HashMap<string, unknown>

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

  /** The current span of a record handed to an Effect `Logger` (only looked up when trace ids are written). */
  spanOf(options: Logger.Logger.Options<unknown>): Tracer.AnySpan | undefined {
    if (!this.options.traceIds) return undefined
    return Option.getOrUndefined(
      Context.getOption(FiberRefs.getOrDefault(options.context, FiberRef.currentContext), Tracer.ParentSpan)
    )
  }

  /** Renders one record. Level filtering is the caller's. */
  render(
    level: LevelName,
    millis: number,
    entry: Entry,
    annotations: Annotations,
    spans: List.List<LogSpan.LogSpan>,
    cause: Cause.Cause<unknown>,
    span?: Tracer.AnySpan | undefined
  ): string {
    const ids = this.options.traceIds ? traceIdsOf(span) : undefined
    return this.core.format({
      level,
      time: millis,
      message: entry.message,
      binding: entry.binding,
      fields: entry.fields,
      error: entry.error,
      context: contextOf(annotations),
      spans: spansOf(spans),
      cause: cause._tag === "Empty" ? undefined : causeDataOf(cause),
      traceId: ids?.traceId,
      spanId: ids?.spanId
    })
  }

  /** Renders a record of `Effect.log*` (its message read by {@link entryOfMessage}). */
  renderMessage(
    level: LevelName,
    millis: number,
    message: unknown,
    annotations: Annotations,
    spans: List.List<LogSpan.LogSpan>,
    cause: Cause.Cause<unknown>,
    span?: Tracer.AnySpan | undefined
  ): string {
    return this.render(level, millis, entryOfMessage(message, this.renderer), annotations, spans, cause, span)
  }

  /**
   * The last resort for a record that cannot be rendered: its level, its
   * message when it is text, and the reason, in this formatter's format.
   */
  fallback(level: LevelName, millis: number, message: unknown, reason: string): string {
    return this.core.fallback(level, millis, message, reason)
  }
}
