/**
 * The message object that `Log.*` hands to Effect's logging machinery.
 *
 * `Log.info("msg", fields)` does not call `Effect.annotateLogs` (a FiberRef
 * update per call); it logs one `Entry` that carries the message, the call's
 * fields and the bound logger it came from. The logger recognises it and reads
 * the binding's precomputed fragments. Any other logger sees a value whose
 * `toString` / `toJSON` still show the message and fields.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type { LevelName } from "./level.js"
import { toEffectLevel } from "./level.js"

export type Fields = Readonly<Record<string, unknown>>

/**
 * A binding: optional logger name and fields, fixed when the bound logger is
 * made. `slotOwner` / `slotValue` is a one-entry cache in which a formatter
 * keeps what it prepared for this binding (rendered fields, emoji, level
 * threshold), so the work is done once per binding, not once per record.
 */
export class Binding {
  slotOwner: unknown = undefined
  slotValue: unknown = undefined
  constructor(
    readonly name: string | undefined,
    readonly fields: Fields | undefined
  ) {}
}

export class Entry {
  constructor(
    readonly binding: Binding,
    readonly message: string,
    readonly fields: Fields | undefined,
    readonly error: unknown = undefined
  ) {}
  toJSON(): unknown {
    return {
      message: this.message,
      ...(this.binding.name === undefined ? {} : { logger_name: this.binding.name }),
      ...this.binding.fields,
      ...this.fields
    }
  }
  toString(): string {
    return this.message
  }
}

export const rootBinding = new Binding(undefined, undefined)

export const isEntry = (u: unknown): u is Entry => u instanceof Entry

/** One log call: no annotateLogs, one `Entry`, the level passed as Effect's override. */
export const logEntry = (level: LevelName, entry: Entry): Effect.Effect<void> =>
  Effect.logWithLevel(toEffectLevel[level], entry)

/** A `Cause` is logged as the record's cause; anything else becomes the entry's `error`. */
export const logException = (
  binding: Binding,
  message: string,
  errorOrCause: unknown,
  fields: Fields | undefined
): Effect.Effect<void> =>
  Cause.isCause(errorOrCause)
    ? Effect.logWithLevel(toEffectLevel.error, new Entry(binding, message, fields), errorOrCause)
    : Effect.logWithLevel(toEffectLevel.error, new Entry(binding, message, fields, errorOrCause))
