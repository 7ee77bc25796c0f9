/**
 * The record: one plain object per log call, the currency of the whole path from the call to the bytes. A binding
 * (Effect 3's in `src/internal/`, Effect 4's in `src/effect4/`) builds it once, from what its Effect hands it; the
 * level decision, fingers-crossed, the rate limit, redaction, both formats, the sink, OTLP and `TestLog` all take it.
 *
 * Nothing here is Effect's: the context is an ordered list, the spans an array, a cause its failures and defects.
 * What can be shared between records is shared by identity (a bound logger's `Binding`, a scope's `Context`), so a
 * formatter prepares each once and a record allocates only what it carries.
 */
import type { LevelName } from "./level.js"

/** @internal */
export type Fields = Readonly<Record<string, unknown>>

/**
 * A bound logger: its name and bound fields, fixed when `Log.bind` / `Log.named` makes it. Each formatter prepares
 * it once (rendered fields, emoji, module level), cached by identity.
 *
 * @internal
 */
export class Binding {
  constructor(
    readonly name: string | undefined,
    readonly fields: Fields | undefined
  ) {}
}

/** The binding of `Log.info` and of `Effect.log*`: no name, no fields. @internal */
export const rootBinding = new Binding(undefined, undefined)

/**
 * The fiber's context (`Log.withContext`, `Effect.annotateLogs`), in the order the program gave it. One object per
 * context scope, shared by every record logged in it: formatters prepare it once, cached by identity.
 *
 * @internal
 */
export class Context {
  constructor(
    readonly keys: ReadonlyArray<string>,
    readonly values: ReadonlyArray<unknown>
  ) {}
}

/** No context. @internal */
export const emptyContext = new Context([], [])

/** A log span (`Effect.withLogSpan`): its label and start, in epoch milliseconds. @internal */
export interface Span {
  readonly label: string
  readonly startTime: number
}

/**
 * An Effect failure as plain data: its failures and defects left to right (the order `Cause.pretty` shows them),
 * as the values the program failed with, and whether a fiber was interrupted.
 *
 * @internal
 */
export interface CauseData {
  readonly reasons: ReadonlyArray<CauseReason>
  readonly interrupted: boolean
}

/** One failure (`fail`, an expected error) or defect (`die`) of a cause. @internal */
export interface CauseReason {
  readonly kind: "fail" | "die"
  readonly value: unknown
}

/**
 * One log record.
 *
 * @internal
 */
export interface LogRecord {
  readonly level: LevelName
  /** Epoch milliseconds, from the binding's clock. */
  readonly time: number
  /** A string from typed callers; anything from JavaScript (rendered as text). */
  readonly message: unknown
  readonly binding: Binding
  /** The call's own fields. */
  readonly fields: Fields | undefined
  /** The call's error (`Log.exception`, `Log.error(message, error)`); `undefined` without one. */
  readonly error: unknown
  readonly context: Context
  /** Innermost first (the order Effect's own loggers show them); empty without log spans. */
  readonly spans: ReadonlyArray<Span>
  readonly cause: CauseData | undefined
  /** The current span's ids (valid W3C ids only), when the record is logged inside one. */
  readonly traceId: string | undefined
  readonly spanId: string | undefined
}
