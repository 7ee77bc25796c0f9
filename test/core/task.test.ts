/**
 * The Effect-free part of `Task.runAll`, without Effect: the tasks as `[taskId, task]` entries from a list, any
 * iterable or an object, and the counts of the "Tasks completed" record.
 */
import { describe, expect, it } from "vitest"
import { taskCounts, taskEntries, type TaskStatus } from "../../src/core/task.js"

/** A stand-in task: any object with a `run` (a pair is an array). */
interface Job {
  readonly run: string
}
const job = (run: string): Job => ({ run })
const isTask = (item: unknown) => typeof item === "object" && item !== null && "run" in item

describe("core/task", () => {
  it("names a list's plain tasks task-<index>, counting the pairs in the index, and keeps a pair's id", () => {
    const a = job("a")
    const b = job("b")
    const c = job("c")
    expect(taskEntries<Job>([a, ["fetch", b], c], isTask)).toEqual([["task-0", a], ["fetch", b], ["task-2", c]])
    expect(taskEntries<Job>([], isTask)).toEqual([])
  })

  it("reads any iterable: a Set of tasks, a generator, a Map of id to task", () => {
    const a = job("a")
    const b = job("b")
    function* gen() {
      yield a
      yield ["second", b] as const
    }
    expect(taskEntries<Job>(new Set([a, b]), isTask)).toEqual([["task-0", a], ["task-1", b]])
    expect(taskEntries<Job>(gen(), isTask)).toEqual([["task-0", a], ["second", b]])
    expect(taskEntries<Job>(new Map([["x", a], ["y", b]]), isTask)).toEqual([["x", a], ["y", b]])
  })

  it("takes an object's own keys in their order, not inherited ones", () => {
    const a = job("a")
    const b = job("b")
    const record = Object.create({ inherited: job("no") }) as Record<string, Job>
    record.zeta = a
    record.alpha = b
    expect(taskEntries<Job>(record, isTask)).toEqual([["zeta", a], ["alpha", b]])
    expect(taskEntries<Job>({}, isTask)).toEqual([])
  })

  it("counts ended (any status but pending), still pending, and failed", () => {
    const of = (...statuses: Array<TaskStatus>) => taskCounts(statuses.map((status) => ({ status })))
    expect(of("completed", "failed", "cancelled", "pending", "failed", "pending")).toEqual({
      done: 4,
      pending: 2,
      failed: 2
    })
    expect(of()).toEqual({ done: 0, pending: 0, failed: 0 })
    expect(of("cancelled", "cancelled")).toEqual({ done: 2, pending: 0, failed: 0 })
  })
})
