/**
 * The sink's contract over the full matrix: every exit path x every target (file, /dev/null, a pipe read fast,
 * at 1 MB/s, or not at all until the child has exited), plus 1,000,000 lines to a file and /dev/null with the
 * fiber yielding now and then (a target that is never behind: nothing may be dropped).
 *
 *   npm run test:sink-matrix                     everything (a few minutes)
 *   npm run test:sink-matrix -- stuck exit       only the cells whose name contains one of the words
 *   SINK_MATRIX_JOBS=1 npm run test:sink-matrix  one child at a time (default 2)
 *
 * Prints one row per cell and, last, `N passed, N failed`; exits 1 when a cell fails.
 * See test/harness/check.ts for what is counted and test/harness/matrix.ts for the workload.
 */
import type { CellResult } from "../test/harness/matrix.js"
import { matrix, neverBehind, pool, runCell } from "../test/harness/matrix.js"
import { childCommand } from "../test/harness/run.js"

const filters = process.argv.slice(2)
const cells = [...matrix, ...neverBehind].filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)))
const jobs = Math.max(1, Number(process.env["SINK_MATRIX_JOBS"] ?? 2))

const columns = [
  "cell",
  "received",
  "dropped",
  "lost",
  "corrupt",
  "dup",
  "exit ms",
  "loop ms",
  "end",
  "wall s",
  "verdict"
] as const
const widths = [44, 16, 9, 7, 7, 5, 8, 8, 12, 6, 0]
const row = (cells: ReadonlyArray<string>) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : widths[i]! > 0 ? c.padStart(widths[i]!) : c)).join("  ")

const format = (r: CellResult): string => {
  const c = r.check
  return row([
    r.cell.name,
    `${c.received}${c.observable ? "" : "*"}/${c.n}`,
    String(c.reportedDropped),
    String(c.unaccounted),
    String(c.corrupt),
    String(c.duplicated),
    c.exitMs === undefined ? "-" : String(c.exitMs),
    c.loopMaxMs === undefined ? "-" : String(c.loopMaxMs),
    c.killed ? "KILLED" : c.signal !== null ? c.signal : `code ${c.code}`,
    (r.wallMs / 1000).toFixed(1),
    r.violations.length === 0 ? "pass" : `FAIL: ${r.violations.join("; ")}`
  ])
}

const t0 = Date.now()
await childCommand()
console.log(`sink contract matrix: ${cells.length} cells, ${jobs} at a time`)
console.log(row([...columns]))
const results = await pool(
  jobs,
  cells.map((c) => async () => {
    const r = await runCell(c)
    console.log(format(r))
    return r
  })
)
const failed = results.filter((r) => r.violations.length > 0).length
console.log(
  `\n(* /dev/null: received is inferred from the sink's own count; lost = N - received - dropped; exit from the trigger)`
)
console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`)
console.log(`${results.length - failed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
