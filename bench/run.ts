/**
 * Runs every bench/scenarios/*.ts, each in its own child process, and writes
 * bench/RESULTS.md. `npm run bench` (or `npm run bench -- json` to run only
 * the scenarios whose file name contains "json"; such a partial run writes
 * bench/.tmp/RESULTS.json.md instead, so RESULTS.md always holds one whole run).
 *
 * The baseline (bench/baseline.ts) is extracted first; `BENCH_BASELINE_REV`
 * picks another revision, `BENCH_BASELINE_REV=off` leaves it out.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { BASELINE_REV, ensureBaseline } from "./baseline.js"
import { type Row, toMarkdown, writeResults } from "./harness.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const filter = process.argv.slice(2)
const files = fs
  .readdirSync(path.join(here, "scenarios"))
  .filter((f) => f.endsWith(".ts"))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort()

const rows: Array<Row> = []
const notes: Array<string> = []
const started = Date.now()
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(" / ")
const loadAtStart = load()
const baseline = ensureBaseline()
for (const f of files) {
  const t0 = Date.now()
  const res = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      "--conditions=source",
      path.join(here, "child.ts"),
      path.join(here, "scenarios", f)
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20, timeout: 240_000 }
  )
  const marker = res.stdout.split("\n").find((l) => l.startsWith("@@ROWS "))
  if (res.status !== 0 || marker === undefined) {
    const msg = `${f}: failed (exit ${res.status}${res.signal ? `, ${res.signal}` : ""})`
    process.stderr.write(msg + "\n" + res.stdout.slice(-2000) + "\n")
    notes.push(msg)
    continue
  }
  const got = JSON.parse(marker.slice(7)) as { rows: Array<Row>; notes: Array<string> }
  for (const row of got.rows) rows.push(row)
  for (const note of got.notes) notes.push(note)
  process.stderr.write(`${f}: ${got.rows.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
}
const missed = rows.filter((r) => r.pass === false)
notes.push(
  missed.length === 0
    ? `Every target met in this run (${rows.filter((r) => r.pass === true).length} checked).`
    : `Targets missed in this run: ${
      missed.map((r) =>
        `${r.scenario} / ${r.subject}: ${
          r.ratio !== undefined ? r.ratio.toFixed(2) + "x" : r.value.toFixed(1) + " " + r.unit
        } against ${r.target}`
      ).join("; ")
    }.`
)
notes.push(
  baseline === undefined
    ? "Baseline rows left out (BENCH_BASELINE_REV=off)."
    : `Baseline = the library at ${baseline.sha}${
      baseline.sha === BASELINE_REV ? " (v0.1.0)" : " (BENCH_BASELINE_REV)"
    }: its src/ extracted to bench/.tmp/baseline/ and imported through tsx next to the current sources, in the same processes and interleaved rounds (burst: its own process, like every burst subject). "current vs baseline" ratio = baseline time / current time (> 1: the current code is faster).`
)
notes.push(
  `Total time ${
    ((Date.now() - started) / 1000).toFixed(0)
  } s; load average (1 / 5 / 15 min) ${loadAtStart} at the start, ${load()} at the end (${os.cpus().length} cores).`
)
const out = writeResults(
  rows,
  notes,
  filter.length === 0 ? undefined : path.join(here, ".tmp", `RESULTS.${filter.join("-").replace(/[^\w-]/g, "_")}.md`),
  filter.length === 0 ? undefined : `\`npm run bench -- ${filter.join(" ")}\` (only these scenarios)`
)
process.stdout.write(toMarkdown(rows) + "\n\n" + notes.map((n) => `- ${n}`).join("\n") + `\n\nwritten to ${out}\n`)
