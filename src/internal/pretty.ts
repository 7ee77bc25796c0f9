/**
 * The binding's side of `effect-foundation pretty` (the reader is src/core/pretty.ts): a JSON line's cause made an
 * Effect `Cause` again, and the record rendered by the live console formatter.
 */
import * as Cause from "effect/Cause"
import * as FiberId from "effect/FiberId"
import * as core from "../core/pretty.js"
import { makeFormatter } from "./logger.js"

/** @internal */
export type PrettyOptions = core.PrettyOptions

const toCause = (plain: core.PlainCause): Cause.Cause<unknown> => {
  let cause: Cause.Cause<unknown> = Cause.empty
  for (const f of plain.failures) cause = Cause.sequential(cause, Cause.fail(f))
  for (const d of plain.defects) cause = Cause.sequential(cause, Cause.die(d))
  if (plain.interrupted) cause = Cause.sequential(cause, Cause.interrupt(FiberId.none))
  return cause
}

/**
 * Returns the prettifier: a line (without its `"\n"`) to the text to write
 * (with `"\n"`), or `""` when `--level` drops it.
 *
 * @internal
 */
export const makePrettifier = (options: PrettyOptions = {}): (line: string) => string => {
  const format = makeFormatter({
    format: "key_value",
    level: "trace",
    colors: options.colors ?? false,
    timestamps: options.timestamps ?? false
  })
  return core.makePrettifier(
    (record) => format({ ...record, cause: record.cause === undefined ? undefined : toCause(record.cause) }),
    options
  )
}
