/**
 * The level decision of a log call, Effect-free, shared by both bindings: whether the module levels
 * (`PROVIDE_LOG_MODULE_LEVELS`) or the minimum level drop a record, and whether one output's own level skips it. Each
 * binding reads its own Effect's minimum level and loggers and calls these on its hot path (no allocation).
 */
import type { Binding } from "./record.js"

/**
 * The ordinal of the module level matching a binding's logger name; `undefined` when none does.
 *
 * @internal
 */
export type ModuleThreshold = (binding: Binding) => number | undefined

/**
 * What the decision reads of an output: its module levels and its own level.
 *
 * @internal
 */
export interface OutputLevels {
  readonly moduleThreshold?: ModuleThreshold | undefined
  /** The ordinal of the output's own level; `undefined`: every admitted record. */
  readonly threshold?: number | undefined
}

/**
 * The lowest module level matching the binding's name among the outputs that have module levels.
 *
 * @internal
 */
export const moduleThreshold = (modules: ReadonlyArray<ModuleThreshold>, binding: Binding): number | undefined => {
  let threshold: number | undefined
  for (let i = 0; i < modules.length; i++) {
    const t = modules[i]!(binding)
    if (t !== undefined && (threshold === undefined || t < threshold)) threshold = t
  }
  return threshold
}

/**
 * Whether a record at `ordinal` is dropped: the module level matching the binding's name decides when one does
 * (above or below the minimum level), else the minimum level (`belowMinimum`).
 *
 * @internal
 */
export const dropsRecord = (
  modules: ReadonlyArray<ModuleThreshold>,
  binding: Binding,
  ordinal: number,
  belowMinimum: boolean
): boolean => {
  if (binding.name === undefined || modules.length === 0) return belowMinimum
  const module = moduleThreshold(modules, binding)
  return module === undefined ? belowMinimum : module > ordinal
}

/** Whether the output's module level for the binding's name admits the record. */
const admitsModule = (d: OutputLevels, binding: Binding, ordinal: number): boolean => {
  if (d.moduleThreshold === undefined || binding.name === undefined) return false
  const t = d.moduleThreshold(binding)
  return t !== undefined && t <= ordinal
}

/**
 * Whether a record at `ordinal` is below the output's own level (and no module level of the output admits it): the
 * binding then skips the output when its level is explicit or the logging layer's floor is the minimum level in
 * force.
 *
 * @internal
 */
export const belowOutput = (d: OutputLevels, binding: Binding, ordinal: number): boolean =>
  d.threshold !== undefined && d.threshold > ordinal && !admitsModule(d, binding, ordinal)
