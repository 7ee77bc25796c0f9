/**
 * The sink-contract matrix: every exit path x every target, with the same workload, plus the full-size
 * "target never behind" runs. Shared by test/SinkContract.test.ts (a sample) and scripts/sink-matrix.ts (all).
 */
import type { Bounds, Check } from "./check.js"
import { check, violations } from "./check.js"
import type { ExitPath, YieldPattern } from "./config.js"
import { exitPaths } from "./config.js"
import type { RunOptions, Target } from "./run.js"
import { runChild, targets } from "./run.js"

export interface Cell {
  readonly name: string
  readonly options: RunOptions
  readonly bounds: Bounds
}

/** The workload of every cell: 20,000 lines, `Effect.sleep(0)` every 1,000 (the loop turns), 2 s deadline, 1 MB/s. */
export const SHUTDOWN_MS = 2_000

export const cell = (exit: ExitPath, target: Target): Cell => ({
  name: `${exit} x ${target}`,
  options: {
    child: { count: 20_000, yield: { every: 1_000, by: "sleep" }, exit },
    target,
    bytesPerSecond: 1_000_000,
    shutdownTimeoutMs: SHUTDOWN_MS,
    hardKillMs: SHUTDOWN_MS + 10_000
  },
  bounds: { deadlineMs: SHUTDOWN_MS, marginMs: 3_000, loopMs: 1_000 }
})

export const matrix: ReadonlyArray<Cell> = exitPaths.flatMap((exit) => targets.map((target) => cell(exit, target)))

/** A regular file or /dev/null is never behind: 1,000,000 lines, yielding now and then, must all be written. */
const neverBehindCell = (target: Target, y: YieldPattern, label: string): Cell => ({
  name: `1M lines, ${label} x ${target}`,
  options: {
    child: { count: 1_000_000, yield: y, exit: "normal" },
    target,
    shutdownTimeoutMs: 30_000,
    hardKillMs: 120_000
  },
  // the fiber's own work blocks the loop here (microtask yields): the loop is not what these runs check
  bounds: { deadlineMs: 30_000, loopMs: Number.POSITIVE_INFINITY }
})

export const neverBehind: ReadonlyArray<Cell> = [
  neverBehindCell("file", { every: 100 }, "yieldNow every 100"),
  neverBehindCell("devnull", { every: 100 }, "yieldNow every 100"),
  neverBehindCell("file", "forEach8", "forEach concurrency 8"),
  neverBehindCell("devnull", "forEach8", "forEach concurrency 8")
]

export interface CellResult {
  readonly cell: Cell
  readonly check: Check
  readonly violations: ReadonlyArray<string>
  readonly wallMs: number
}

export const runCell = async (c: Cell): Promise<CellResult> => {
  const t0 = Date.now()
  const result = check(await runChild(c.options))
  return { cell: c, check: result, violations: violations(result, c.bounds), wallMs: Date.now() - t0 }
}

/** Runs jobs `n` at a time, in order of start. */
export const pool = async <A>(n: number, jobs: ReadonlyArray<() => Promise<A>>): Promise<Array<A>> => {
  const results: Array<A> = new Array(jobs.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }))
  return results
}

/** One line of numbers for a failure message or a table. */
export const summary = (c: Check): string =>
  [
    `received ${c.received}${c.observable ? "" : " (inferred)"}/${c.n}`,
    `dropped ${c.reportedDropped} (in-stream ${c.droppedInStream}, stderr ${c.droppedStderr}${
      c.droppedSelfReport === undefined ? "" : `, self-report ${c.droppedSelfReport}`
    })`,
    ...(c.reportedSuppressed > 0 ? [`suppressed ${c.reportedSuppressed}`] : []),
    `lost ${c.unaccounted}`,
    `corrupt ${c.corrupt}`,
    `dup ${c.duplicated}`,
    `exit ${c.exitMs ?? "-"} ms`,
    `closed ${c.closedMs ?? "-"} ms`,
    `loop ${c.loopMaxMs ?? "-"} ms`,
    `code ${c.code} signal ${c.signal}${c.killed ? " KILLED" : ""}`
  ].join(", ")
