/**
 * Effect's minimum log level as the logging layers set it: a floor under
 * every output they installed.
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import type * as LogLevel from "effect/LogLevel"
import { pipeArguments } from "effect/Pipeable"
import type { LevelName } from "../core/level.js"
import { toEffectLevel } from "./level.js"

/** @internal */
export const FloorTypeId: unique symbol = Symbol.for("effect-foundation/Floor") as never

/**
 * Effect's minimum log level as our logging layers set it: the lowest level
 * of the outputs installed, so a record below every output's level returns
 * at once. While it is in force (the program has not set the minimum level
 * itself with `Logger.withMinimumLogLevel` / `Logger.minimumLogLevel`), each
 * output also skips the records below its own level. Layers built side by
 * side (`Layer.merge`) meet in `currentFloor`'s join, which lowers both to
 * the lower of the two: whichever becomes Effect's minimum, it admits every
 * output's records.
 *
 * @internal
 */
export class Floor {
  readonly [FloorTypeId] = FloorTypeId
  constructor(public level: LevelName) {}
  get _tag() {
    return toEffectLevel[this.level]._tag
  }
  get label() {
    return toEffectLevel[this.level].label
  }
  get syslog() {
    return toEffectLevel[this.level].syslog
  }
  get ordinal() {
    return toEffectLevel[this.level].ordinal
  }
  pipe() {
    return pipeArguments(this, arguments)
  }
  /** Both floors take the lower level of the two. */
  meet(that: Floor): Floor {
    if (that.ordinal < this.ordinal) this.level = that.level
    else that.level = this.level
    return this
  }
}

/** @internal */
export const isFloor = (level: LogLevel.LogLevel): boolean => FloorTypeId in level

/**
 * The floor of the logging layers in force (see {@link Floor}).
 *
 * @internal
 */
export const currentFloor: FiberRef.FiberRef<Floor | undefined> = globalValue(
  Symbol.for("effect-foundation/currentFloor"),
  () =>
    FiberRef.unsafeMake<Floor | undefined>(undefined, {
      join: (parent, child) =>
        parent === undefined || child === undefined || parent === child ? child : parent.meet(child)
    })
)
