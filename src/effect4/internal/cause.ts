/**
 * Effect 4's `Cause` as the core's plain `CauseData`.
 */
import type * as Cause from "effect/Cause"
import type { CauseData, CauseReason } from "../../core/record.js"

/**
 * An effect 4 `Cause` as plain data; `undefined` when it holds no failure, defect nor interruption.
 *
 * @internal
 */
export const causeDataOf = (cause: Cause.Cause<unknown>): CauseData | undefined => {
  const all = cause.reasons
  if (all.length === 0) return undefined
  const reasons: Array<CauseReason> = []
  let interrupted = false
  for (let i = 0; i < all.length; i++) {
    const r = all[i]!
    if (r._tag === "Fail") reasons.push({ kind: "fail", value: r.error })
    else if (r._tag === "Die") reasons.push({ kind: "die", value: r.defect })
    else interrupted = true
  }
  return { reasons, interrupted }
}
