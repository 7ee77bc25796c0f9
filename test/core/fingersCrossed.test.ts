import { describe, expect, it } from "vitest"
import { droppedMessage, FingersCrossedBuffer } from "../../src/core/fingersCrossed.js"

interface Kept {
  readonly seq: number
  readonly text: string
}

/** A scope over plain records: what it writes, in order. */
const setup = () => {
  const written: Array<string> = []
  const hooks = {
    replay: (k: Kept) => void written.push(k.text),
    dropped: (first: Kept, n: number): Kept => ({ seq: first.seq, text: droppedMessage(n) }),
    state: { open: 0, seq: 0 }
  }
  const keep = (scope: FingersCrossedBuffer<Kept, void>, text: string) =>
    scope.open()!.capture({ seq: scope.nextSeq(), text })
  return { written, hooks, keep }
}

const limits = { maxRecords: 2, trigger: 40000, floor: 0 }

describe("core fingers-crossed scope", () => {
  it("keeps maxRecords, counts the dropped ones, and writes them on the trigger after a WARN record saying so", () => {
    const { hooks, keep, written } = setup()
    const scope = new FingersCrossedBuffer<Kept, void>(limits, undefined, hooks)
    for (const t of ["a", "b", "c"]) keep(scope, t)
    expect(written).toEqual([])
    scope.trigger(30000) // below the trigger: nothing
    expect(written).toEqual([])
    scope.trigger(40000)
    expect(written).toEqual(["1 earlier record dropped from the fingers-crossed buffer", "b", "c"])
    keep(scope, "after") // passing through
    expect(written.at(-1)).toBe("after")
    expect(scope.close(false)).toBeUndefined()
    expect(hooks.state.open).toBe(0)
  })

  it("a nested scope ending quietly hands its records to the outer one, merged in order; failing, writes its own", () => {
    const { hooks, keep, written } = setup()
    const outer = new FingersCrossedBuffer<Kept, void>({ ...limits, maxRecords: 10 }, undefined, hooks)
    keep(outer, "o1")
    const inner = new FingersCrossedBuffer<Kept, void>({ ...limits, maxRecords: 10 }, outer, hooks)
    keep(inner, "i1")
    keep(outer, "o2")
    inner.close(false)
    expect(written).toEqual([])
    outer.close(true)
    expect(written).toEqual(["o1", "i1", "o2"])
    const failing = new FingersCrossedBuffer<Kept, void>(limits, undefined, hooks)
    const nested = new FingersCrossedBuffer<Kept, void>(limits, failing, hooks)
    keep(nested, "n1")
    nested.close(true)
    failing.close(false)
    expect(written.slice(3)).toEqual(["n1"])
    expect(hooks.state.open).toBe(0)
  })
})
