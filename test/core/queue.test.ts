/**
 * The bounded queue of the Effect-free core, without Effect: each overflow policy and the wait for room.
 */
import { describe, expect, it } from "vitest"
import { BoundedQueue, Dropped, Over, Queued } from "../../src/core/queue.js"

const lines = (policy: "drop_oldest" | "drop_newest" | "block") => new BoundedQueue<string>(10, policy, (s) => s.length)

describe("core/queue", () => {
  it("drop_oldest makes room by dropping from the head, counted", () => {
    const q = lines("drop_oldest")
    expect([q.offer("aaaa", 4), q.offer("bbbb", 4), q.offer("cccc", 4)]).toEqual([Queued, Queued, 1])
    expect([q.take(Infinity), q.dropped, q.takeUnreported(), q.takeUnreported()]).toEqual([["bbbb", "cccc"], 1, 1, 0])
  })

  it("drop_newest drops the new item; an item heavier than the bound is dropped under every policy", () => {
    const q = lines("drop_newest")
    expect([q.offer("aaaaaa", 6), q.offer("bbbbbb", 6), lines("drop_oldest").offer("x".repeat(11), 11)]).toEqual([
      Queued,
      Dropped,
      Dropped
    ])
    expect([q.take(Infinity), q.dropped]).toEqual([["aaaaaa"], 1])
  })

  it("block queues over the bound up to twice it, and onRoom resumes when a take makes room", () => {
    const q = lines("block")
    const woken: Array<string> = []
    expect([q.offer("aaaaaa", 6), q.offer("bbbbbb", 6), q.offer("cccccccccc", 10)]).toEqual([Queued, Over, Dropped])
    q.onRoom(() => woken.push("first"))
    const cancel = q.onRoom(() => woken.push("cancelled"))
    cancel()
    expect(woken).toEqual([])
    expect(q.take(6)).toEqual(["aaaaaa"])
    expect([woken, q.weight]).toEqual([["first"], 6])
    q.onRoom(() => woken.push("at once"))
    expect(woken).toEqual(["first", "at once"])
  })

  it("putBack returns a failed batch to the head within the bound, and says how many did not fit", () => {
    const q = lines("drop_oldest")
    q.offer("cccc", 4)
    expect(q.putBack(["aaaa", "bbbb"])).toBe(1)
    expect(q.take(Infinity)).toEqual(["aaaa", "cccc"])
  })
})
