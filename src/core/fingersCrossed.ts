/**
 * A fingers-crossed scope as plain data: the records the level drops are kept in a ring buffer and written (in their
 * order, as they would have been written at the call) only when a record at or above the trigger is logged in the
 * scope or the scope's effect fails. The binding keeps the scope in its Effect's context and says how a kept record
 * is written (`replay`, which may answer something to wait for: `W`).
 */

import { type LevelInput, levelOrdinal } from "./level.js"
import type { OptionChecks } from "./optionChecks.js"
import { aLevel, integerAtLeast } from "./parse.js"

/**
 * The options, checked and with their defaults (ordinals of `src/core/level.ts`).
 *
 * @internal
 */
export interface FingersCrossedLimits {
  readonly maxRecords: number
  /** the trigger's ordinal */
  readonly trigger: number
  /** the lowest ordinal kept */
  readonly floor: number
}

/** @internal */
export const defaultMaxRecords = 1_000

/**
 * The options of `Log.fingersCrossed`, as given.
 *
 * @internal
 */
export interface FingersCrossedOptions {
  readonly maxRecords?: number | undefined
  readonly trigger?: LevelInput | undefined
  readonly level?: LevelInput | undefined
}

const defaultLimits: FingersCrossedLimits = {
  maxRecords: defaultMaxRecords,
  trigger: levelOrdinal.error,
  floor: levelOrdinal.trace
}

/**
 * Checks the options. Throws the binding's `IllegalArgumentException` / `IllegalArgumentError` in the one wording,
 * naming the option (`<where> option <prefix>maxRecords: invalid value 0; accepted: ...`): `maxRecords` must be a
 * whole number >= 1, the levels in any spelling `PROVIDE_LOG_LEVEL` accepts.
 *
 * @internal
 */
export const fingersCrossedLimits = (
  options: FingersCrossedOptions | undefined,
  c: OptionChecks,
  where: string,
  prefix: string
): FingersCrossedLimits => {
  if (options === undefined) return defaultLimits
  if (typeof options !== "object" || options === null) {
    throw c.invalid(where, prefix === "" ? "options" : prefix.slice(0, -1), options, "an options object")
  }
  const maxRecords = c.option(where, `${prefix}maxRecords`, options.maxRecords ?? defaultMaxRecords, integerAtLeast(1))
  const trigger = options.trigger === undefined ? "error" : c.option(where, `${prefix}trigger`, options.trigger, aLevel)
  const floor = options.level === undefined ? "trace" : c.option(where, `${prefix}level`, options.level, aLevel)
  return { maxRecords, trigger: levelOrdinal[trigger], floor: levelOrdinal[floor] }
}

/**
 * A kept record: its sequence number orders the records of nested scopes.
 *
 * @internal
 */
export interface Kept {
  readonly seq: number
}

/**
 * What a scope asks of its binding.
 *
 * @internal
 */
export interface FingersCrossedHooks<C extends Kept, W> {
  /** Writes a kept record through the outputs installed when it was logged. */
  readonly replay: (kept: C) => W | undefined
  /** The WARN record "N earlier records dropped from the fingers-crossed buffer", dated like `first`. */
  readonly dropped: (first: C, dropped: number) => C
  /** How many scopes are open, and the last sequence number given (shared by every scope of the binding). */
  readonly state: { open: number; seq: number }
}

/**
 * The message of the record saying how many records the buffer dropped.
 *
 * @internal
 */
export const droppedMessage = (dropped: number): string =>
  dropped + (dropped === 1 ? " earlier record" : " earlier records") + " dropped from the fingers-crossed buffer"

/** Merges lists each in `seq` order (a scope and the scopes around it: usually one or two lists). */
const merge = <C extends Kept>(lists: ReadonlyArray<ReadonlyArray<C>>): ReadonlyArray<C> => {
  if (lists.length === 1) return lists[0]!
  const out: Array<C> = []
  const at = lists.map(() => 0)
  for (;;) {
    let best = -1
    for (let k = 0; k < lists.length; k++) {
      const c = lists[k]![at[k]!]
      if (c !== undefined && (best === -1 || c.seq < lists[best]![at[best]!]!.seq)) best = k
    }
    if (best === -1) return out
    out.push(lists[best]![at[best]!++]!)
  }
}

const BUFFERING = 0
const PASSING = 1
const CLOSED = 2

/**
 * One fingers-crossed scope: buffering, then (after a trigger) passing records straight through, then closed.
 * `parent` is the scope that was in force when this one opened.
 *
 * @internal
 */
export class FingersCrossedBuffer<C extends Kept, W> {
  private state: typeof BUFFERING | typeof PASSING | typeof CLOSED = BUFFERING
  private items: Array<C> = []
  /** when full: the index of the oldest record (the next one to overwrite) */
  private head = 0
  private dropped = 0

  constructor(
    readonly options: FingersCrossedLimits,
    readonly parent: FingersCrossedBuffer<C, W> | undefined,
    private readonly hooks: FingersCrossedHooks<C, W>
  ) {
    hooks.state.open++
  }

  /** The next sequence number, for a record about to be kept. */
  nextSeq(): number {
    return ++this.hooks.state.seq
  }

  /** The innermost scope still open: this one, or the nearest enclosing one (a fiber can outlive its scope). */
  open(): FingersCrossedBuffer<C, W> | undefined {
    return this.state === CLOSED ? this.parent?.open() : this
  }

  /** Whether this open scope keeps a record at `ordinal` (at or above its `level`). */
  keeps(ordinal: number): boolean {
    return ordinal >= this.options.floor
  }

  /** A record the level drops, logged in this (open) scope: kept while it buffers, written after its trigger. */
  capture(c: C): W | undefined {
    if (this.state === PASSING) return this.hooks.replay(c)
    const max = this.options.maxRecords
    if (this.items.length < max) this.items.push(c)
    else {
      this.items[this.head] = c
      this.head = this.head + 1 === max ? 0 : this.head + 1
      this.dropped++
    }
    return undefined
  }

  /** The kept records in their order; the buffer is left empty. */
  private drain(): ReadonlyArray<C> {
    const items = this.items
    const out = this.head === 0 ? items : items.slice(this.head).concat(items.slice(0, this.head))
    this.items = []
    this.head = 0
    return out
  }

  /**
   * Writes released records: first, when the buffer dropped some, the WARN record saying how many, then the records
   * in their order.
   */
  private release(records: ReadonlyArray<C>, dropped: number): W | undefined {
    let wait: W | undefined
    const first = records[0]
    if (dropped > 0 && first !== undefined) wait = this.hooks.replay(this.hooks.dropped(first, dropped))
    for (let i = 0; i < records.length; i++) wait = this.hooks.replay(records[i]!) ?? wait
    return wait
  }

  /**
   * A record at `ordinal` is being written in this scope: every scope from this one outwards that buffers and whose
   * trigger it reaches writes its records first (merged in their order) and passes records through from now on.
   */
  trigger(ordinal: number): W | undefined {
    let lists: Array<ReadonlyArray<C>> | undefined
    let dropped = 0
    for (let scope = this as FingersCrossedBuffer<C, W> | undefined; scope !== undefined; scope = scope.parent) {
      if (scope.state !== BUFFERING || ordinal < scope.options.trigger) continue
      scope.state = PASSING
      if (scope.items.length > 0) (lists ??= []).push(scope.drain())
      dropped += scope.dropped
      scope.dropped = 0
    }
    return lists === undefined ? undefined : this.release(merge(lists), dropped)
  }

  /**
   * The scope's effect ended. Failed (a failure or a defect): its records are written. Otherwise they go to the
   * enclosing scope, if any: kept if it still buffers, written if it was triggered; with no enclosing scope they are
   * discarded.
   */
  close(failed: boolean): W | undefined {
    if (this.state === CLOSED) return undefined
    const buffering = this.state === BUFFERING
    this.state = CLOSED
    this.hooks.state.open--
    if (!buffering) return undefined
    const records = this.drain()
    const dropped = this.dropped
    this.dropped = 0
    if (failed) return this.release(records, dropped)
    const parent = this.parent?.open()
    if (parent === undefined || records.length === 0) return undefined
    if (parent.state === PASSING) return this.release(records, dropped)
    parent.adopt(records, dropped)
    return undefined
  }

  /** Takes a nested scope's records (merged in their order; the oldest beyond `maxRecords` are dropped and counted). */
  private adopt(records: ReadonlyArray<C>, dropped: number): void {
    const all = merge([this.drain(), records])
    const max = this.options.maxRecords
    const over = Math.max(0, all.length - max)
    this.items = over === 0 ? all.slice() : all.slice(over)
    this.dropped += dropped + over
  }
}
