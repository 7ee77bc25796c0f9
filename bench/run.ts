/**
 * Runs every bench/scenarios/*.ts, each in its own child process, and writes
 * bench/RESULTS.md. `npm run bench` (or `npm run bench -- json` to run only
 * the scenarios whose file name contains "json").
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { toMarkdown, writeResults, type Row } from "./harness.js"

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
for (const f of files) {
  const t0 = Date.now()
  const res = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions=source", path.join(here, "child.ts"), path.join(here, "scenarios", f)],
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
  rows.push(...got.rows)
  notes.push(...got.notes)
  process.stderr.write(`${f}: ${got.rows.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
}
const missed = rows.filter((r) => r.pass === false)
notes.push(
  missed.length === 0
    ? `Every target met in this run (${rows.filter((r) => r.pass === true).length} checked).`
    : `Targets missed in this run: ${missed.map((r) => `${r.scenario} / ${r.subject}: ${r.ratio !== undefined ? r.ratio.toFixed(2) + "x" : r.value.toFixed(1) + " " + r.unit} against ${r.target}`).join("; ")}.`
)
notes.push(`Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`)
const out = writeResults(rows, notes)
process.stdout.write(toMarkdown(rows) + "\n\n" + notes.map((n) => `- ${n}`).join("\n") + `\n\nwritten to ${out}\n`)
