import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import { describe, expect, expectTypeOf } from "vitest"
import * as Log from "../../src/effect4/Log.js"
import * as Task from "../../src/effect4/Task.js"
import { failures, it, TestLog } from "./resilienceHelpers.js"

class WorkError extends Data.TaggedError("WorkError")<{ readonly message: string }> {}

const summary = Effect.map(
  TestLog.records,
  (rs) => rs.map((r) => `${r.level} ${r.message} ${r.fields.task_id ?? "-"} ${r.fields.duration_ms ?? ""}`.trim())
)

describe("Task.monitored", () => {
  it.effect("completed: started and completed lines with task_id and duration", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.as(Effect.sleep("1500 millis"), 42).pipe(Task.monitored("task-1"))
      )
      yield* TestClock.adjust("1500 millis")
      expect(yield* Fiber.join(fiber)).toBe(42)
      expect(yield* summary).toEqual(["info Task started task-1", "info Task completed task-1 1500"])
      expect(yield* TestLog.lines).toEqual([
        "[▶️] Task started task_id=task-1",
        "[▶️] Task completed task_id=task-1 duration_ms=1500"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("failed: an ERROR line with the cause, error and error_tag; the error passes through", () =>
    Effect.gen(function*() {
      const error = new WorkError({ message: "disk full" })
      const exit = yield* Effect.exit(
        Effect.andThen(TestClock.adjust(0), Effect.fail(error)).pipe(Task.monitored("task-2"))
      )
      expect(exit).toStrictEqual(Exit.fail(error))
      const recs = yield* TestLog.records
      expect(recs.map((r) => r.message)).toEqual(["Task started", "Task failed"])
      expect(recs[1]).toMatchObject({
        level: "error",
        fields: { task_id: "task-2", duration_ms: 0, error: "disk full", error_tag: "WorkError" }
      })
      expect(failures(recs[1]!.cause)).toHaveLength(1)
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("failed: defects too", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Task.monitored(Effect.die(new TypeError("undefined is not a function")), "t-3"))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
      const recs = yield* TestLog.records
      expect(recs[1]).toMatchObject({
        level: "error",
        message: "Task failed",
        fields: { task_id: "t-3", error: "undefined is not a function", error_tag: "TypeError" }
      })
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("cancelled: an enclosing Effect.timeout interrupts it, logged at WARN", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.exit(Effect.sleep("10 seconds").pipe(Task.monitored("slow"), Effect.timeout("1 second")))
      )
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.join(fiber)
      expect(Exit.isFailure(exit) && exit.cause.reasons.some((r) => r._tag === "Fail" && Cause.isTimeoutError(r.error)))
        .toBe(true)
      expect(yield* summary).toEqual(["info Task started slow", "warning Task cancelled slow 1000"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("cancelled: Fiber.interrupt", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Task.monitored(Effect.never, "forever"))
      yield* TestClock.adjust("250 millis")
      yield* Fiber.interrupt(fiber)
      expect(Exit.hasInterrupts(yield* Fiber.await(fiber))).toBe(true)
      expect(yield* summary).toEqual(["info Task started forever", "warning Task cancelled forever 250"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("records logged inside the task carry task_id; siblings do not", () =>
    Effect.gen(function*() {
      yield* Effect.all([
        Log.info("working", { step: 1 }).pipe(Task.monitored("a")),
        Log.info("outside")
      ], { concurrency: "unbounded" })
      const recs = yield* TestLog.records
      expect(recs.find((r) => r.message === "working")!.fields).toEqual({ task_id: "a", step: 1 })
      expect(recs.find((r) => r.message === "outside")!.fields).toEqual({})
    }).pipe(Effect.provide(TestLog.layer())))

  it("keeps A, E and R", () => {
    const eff = Effect.fail(new WorkError({ message: "x" })) as Effect.Effect<number, WorkError, "Db">
    expectTypeOf(eff.pipe(Task.monitored("t"))).toEqualTypeOf<Effect.Effect<number, WorkError, "Db">>()
    expectTypeOf(Task.monitored(eff, "t")).toEqualTypeOf<Effect.Effect<number, WorkError, "Db">>()
  })
})

describe("Task.runAll", () => {
  const work = (i: number) =>
    i === 3
      ? Effect.andThen(Effect.sleep("1 second"), Effect.fail(new WorkError({ message: "task 3 broke" })))
      : Effect.as(Effect.sleep(`${i} seconds`), i * 10)

  it.effect("a task manager: 10 tasks, a timeout, done and pending counts", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Task.runAll(Array.from({ length: 10 }, (_, i) => [`task-${i}`, work(i)] as const), { timeout: "5500 millis" })
      )
      yield* TestClock.adjust("5500 millis")
      const result = yield* Fiber.join(fiber)
      expect(result.done).toBe(6) // task-0..5 finished (task-3 by failing)
      expect(result.pending).toBe(4)
      expect(result.results.map((r) => r.status)).toEqual([
        "completed",
        "completed",
        "completed",
        "failed",
        "completed",
        "completed",
        "pending",
        "pending",
        "pending",
        "pending"
      ])
      expect(result.results[5]!.exit).toStrictEqual(Exit.succeed(50))
      const recs = yield* TestLog.records
      const count = (message: string) => recs.filter((r) => r.message === message).length
      expect([count("Task started"), count("Task completed"), count("Task failed"), count("Task cancelled")]).toEqual([
        10,
        5,
        1,
        4
      ])
      const last = recs[recs.length - 1]!
      expect(last).toMatchObject({
        level: "info",
        message: "Tasks completed",
        fields: { done: 6, pending: 4, failed: 1 }
      })
      expect((yield* TestLog.lines).at(-1)).toBe("[▶️] Tasks completed done=6 pending=4 failed=1")
      expect(
        recs.filter((r) => r.message === "Task cancelled").map((r) => [r.fields.task_id, r.fields.duration_ms]).sort()
      ).toEqual([["task-6", 5500], ["task-7", 5500], ["task-8", 5500], ["task-9", 5500]])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("without a timeout it waits for all; bare effects are named task-<i>", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Task.runAll([work(1), work(2)]))
      yield* TestClock.adjust("2 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ done: 2, pending: 0 })
      expect(result.results.map((r) => r.taskId)).toEqual(["task-0", "task-1"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("concurrency limit: tasks not started by the timeout are pending and never started", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Task.runAll({ a: work(1), b: work(1), c: work(5), d: work(5), e: work(1) }, {
          concurrency: 2,
          timeout: "3 seconds"
        })
      )
      yield* TestClock.adjust("3 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result.results.map((r) => `${r.taskId}:${r.status}`)).toEqual([
        "a:completed",
        "b:completed",
        "c:pending",
        "d:pending",
        "e:pending"
      ])
      expect(result).toMatchObject({ done: 2, pending: 3 })
      const recs = yield* TestLog.records
      expect(recs.filter((r) => r.message === "Task started").map((r) => r.fields.task_id)).toEqual([
        "a",
        "b",
        "c",
        "d"
      ])
      expect(recs.filter((r) => r.message === "Task cancelled").map((r) => r.fields.task_id).sort()).toEqual([
        "c",
        "d"
      ])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("a task that interrupts itself counts as done (cancelled)", () =>
    Effect.gen(function*() {
      const result = yield* Task.runAll([["self", Effect.interrupt] as const, ["fine", Effect.succeed(1)] as const])
      expect(result.results.map((r) => r.status)).toEqual(["cancelled", "completed"])
      expect(result.done).toBe(2)
      expectTypeOf(result.results[0]!.exit).toEqualTypeOf<Exit.Exit<number, never> | undefined>()
    }).pipe(Effect.provide(TestLog.layer())))
})

describe("Task: concurrent failures and uninterruptible tasks", () => {
  it.effect("monitored around concurrent failures: Task failed, not Task cancelled", () =>
    Effect.gen(function*() {
      const both = Effect.all([
        Effect.andThen(Effect.sleep("10 millis"), Effect.fail(new WorkError({ message: "first" }))),
        Effect.andThen(Effect.sleep("20 millis"), Effect.fail(new WorkError({ message: "second" })))
      ], { concurrency: 2 })
      const fiber = yield* Effect.forkChild(Effect.exit(Task.monitored(both, "pair")))
      yield* TestClock.adjust("20 millis")
      yield* Fiber.join(fiber)
      expect(yield* summary).toEqual(["info Task started pair", "error Task failed pair 10"])
      const result = yield* Task.runAll([["pair", both] as const], { timeout: "1 second" }).pipe(
        Effect.forkChild,
        Effect.tap(() => TestClock.adjust("20 millis")),
        Effect.flatMap(Fiber.join)
      )
      expect(result.results.map((r) => r.status)).toEqual(["failed"])
    }).pipe(Effect.provide(TestLog.layer())))

  it.effect("runAll returns at the timeout although a task is uninterruptible; that task is pending", () =>
    Effect.gen(function*() {
      let stuckDone = false
      const stuck = Effect.uninterruptible(Effect.as(Effect.sleep("3 seconds"), "stuck")).pipe(
        Effect.ensuring(Effect.sync(() => {
          stuckDone = true
        }))
      )
      // a daemon, so that a runAll stuck behind the task fails this test instead of hanging its teardown
      const fiber = yield* Effect.forkDetach(
        Task.runAll([
          ["stuck", stuck] as const,
          ["quick", Effect.as(Effect.sleep("100 millis"), "quick")] as const,
          ["slow", Effect.as(Effect.sleep("10 seconds"), "slow")] as const
        ], { timeout: "200 millis" })
      )
      yield* TestClock.adjust("200 millis")
      expect(fiber.pollUnsafe()).toBeDefined() // returned at the timeout, not after 3 s
      const result = yield* Fiber.join(fiber)
      expect(result.results.map((r) => `${r.taskId}:${r.status}`)).toEqual([
        "stuck:pending",
        "quick:completed",
        "slow:pending"
      ])
      expect(result).toMatchObject({ done: 1, pending: 2 })
      expect(stuckDone).toBe(false)
      // the interruptible task was interrupted (and said so) before the summary line
      expect(yield* summary).toEqual([
        "info Task started stuck",
        "info Task started quick",
        "info Task started slow",
        "info Task completed quick 100",
        "warning Task cancelled slow 200",
        "info Tasks completed -"
      ])
      // the uninterruptible task runs on in the background, then ends as interrupted
      yield* TestClock.adjust("3 seconds")
      yield* Effect.yieldNow
      expect(stuckDone).toBe(true)
      expect((yield* summary).at(-1)).toBe("warning Task cancelled stuck 3000")
    }).pipe(Effect.provide(TestLog.layer())))
})
