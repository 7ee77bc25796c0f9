/**
 * A tiny benchmark harness.
 *
 * - A scenario is a file in bench/scenarios/*.ts whose default export is
 *   `{ name, run(): Promise<Row[]> }` (see {@link Scenario}).
 * - bench/run.ts runs every scenario in its own child process (so one
 *   scenario's heap and JIT state never leak into another) and writes
 *   bench/RESULTS.md with one Markdown table (machine + Node version on top).
 * - {@link compare} runs several subjects interleaved (A B C, B C A, ...) for a
 *   number of rounds and reports the median ns per operation of each, so slow
 *   drift (GC, CPU frequency, noisy neighbours) hits every subject alike.
 * - Every subject writes to /dev/null or a temp file and every scenario checks
 *   the number of lines written ({@link countLines}, {@link expectLines}).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** One line of the results table. */
export interface Row {
  /** scenario name (first column) */
  readonly scenario: string
  /** what was measured, e.g. "effect-foundation Log.info JSON" */
  readonly subject: string
  /** the measured value, already in `unit` */
  readonly value: number
  /** e.g. "ns/line", "MB", "ms" */
  readonly unit: string
  /** the subject this row is compared with (empty for the baseline row itself) */
  readonly baseline?: string
  /** ratio in the direction of the target (e.g. throughput ratio; > 1 is better when the target says >=) */
  readonly ratio?: number
  /** the target as text, e.g. ">= 1.0x" */
  readonly target?: string
  /** did the row meet its target */
  readonly pass?: boolean
  /** free text: line counts verified, rounds, ... */
  readonly note?: string
}

/** A benchmark scenario: drop a file exporting this as default into bench/scenarios/. */
export interface Scenario {
  readonly name: string
  /** run the scenario, verify its line counts, return its rows */
  readonly run: () => Promise<ReadonlyArray<Row>>
  /** lines for the notes under the table (method, caveats) */
  readonly notes?: ReadonlyArray<string>
}

/** A subject of {@link compare}: runs `ops` operations and returns how many lines it wrote (verified by the caller). */
export interface Subject {
  readonly name: string
  /** runs `ops` operations; may be async */
  readonly run: (ops: number) => void | Promise<void>
  /** untimed, after each run: waits for the async writes the run started (so they do not land in another subject's sample) */
  readonly idle?: () => Promise<void>
}

export interface CompareOptions {
  /** operations per timed run (default 20_000) */
  readonly ops?: number
  /** interleaved rounds (default 7) */
  readonly rounds?: number
  /** untimed warm-up runs per subject before the first round (default 2) */
  readonly warmup?: number
}

export interface Measured {
  readonly name: string
  /** median ns per operation over the rounds */
  readonly nsPerOp: number
  /** all samples, ns per operation */
  readonly samples: ReadonlyArray<number>
  /** the same samples as process CPU time (user + system, all threads), ns per operation */
  readonly cpuSamples: ReadonlyArray<number>
}

export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

/**
 * A minor (young generation) collection before each sample, so the samples
 * start alike. Not a full `gc()`: after a full collection the next few
 * thousand log calls of a subject run several times slower (measured here:
 * 1,000 `Log.info` calls took ~15 ms instead of ~2 ms), a cost a running
 * program pays once per full GC, not once per 20,000 lines; forcing it before
 * every sample added a fixed cost per sample that hit code-heavy subjects
 * (Effect's runtime, ours) far more than small ones. `BENCH_GC=full` restores
 * the full collection, `BENCH_GC=none` skips it.
 */
const gc = (): void => {
  const g = (globalThis as { gc?: (options?: { type: "minor" }) => void }).gc
  if (g === undefined) return
  const mode = process.env["BENCH_GC"] ?? "minor"
  if (mode === "full") g()
  else if (mode !== "none") g({ type: "minor" })
}

/** Runs the subjects interleaved (rotating the order every round) and returns their medians. */
export const compare = async (
  subjects: ReadonlyArray<Subject>,
  options: CompareOptions = {}
): Promise<ReadonlyArray<Measured>> => {
  const ops = options.ops ?? 20_000
  const rounds = options.rounds ?? 7
  const warmup = options.warmup ?? 2
  for (const s of subjects) {
    for (let i = 0; i < warmup; i++) {
      await s.run(ops)
      await s.idle?.()
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }
  const samples = subjects.map(() => [] as Array<number>)
  const cpuSamples = subjects.map(() => [] as Array<number>)
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const i = (k + r) % subjects.length
      // let the event loop turn between samples (untimed): async writes a subject
      // started complete here, as they would between requests in a running program
      await new Promise<void>((resolve) => setImmediate(resolve))
      gc()
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      await subjects[i]!.run(ops)
      const t1 = process.hrtime.bigint()
      const c1 = process.cpuUsage(c0)
      samples[i]!.push(Number(t1 - t0) / ops)
      cpuSamples[i]!.push(((c1.user + c1.system) * 1000) / ops)
      await subjects[i]!.idle?.()
    }
  }
  return subjects.map((s, i) => ({
    name: s.name,
    nsPerOp: median(samples[i]!),
    samples: samples[i]!,
    cpuSamples: cpuSamples[i]!
  }))
}

/**
 * `b`'s time relative to `a`'s, as the median over the rounds of b's sample
 * divided by a's sample in the same round (both from one {@link compare} run):
 * paired, so load that drifts between rounds cancels out. Used for the
 * "current vs baseline" rows, where a few percent matter.
 */
export const pairedRatio = (a: Measured, b: Measured, metric: "wall" | "cpu" = "wall"): number => {
  const [xs, ys] = metric === "wall" ? [a.samples, b.samples] : [a.cpuSamples, b.cpuSamples]
  return median(xs.map((x, r) => ys[r]! / x))
}

/** Rounds of the "current vs baseline" runs ({@link versusBaseline}). */
export const BASELINE_ROUNDS = 41

/**
 * A run of just two subjects (same process, after the scenario's main
 * comparison), interleaved over many short rounds (A B, B A, ...), compared
 * with {@link pairedRatio} (`other`'s time / `current`'s): an identical copy
 * came out at 0.95-1.05x this way in most runs on the shared 2-core VM, where a
 * median of 11 rounds among 7 subjects moved by ±6% or more (the other
 * subjects' garbage and the load land in one subject's samples more than in
 * another's).
 */
export const paired = async (
  current: Subject,
  other: Subject,
  options: { readonly ops: number; readonly unit: string; readonly rounds?: number }
): Promise<{ readonly ratio: number; readonly current: Measured; readonly other: Measured; readonly note: string }> => {
  const rounds = options.rounds ?? BASELINE_ROUNDS
  // the current subject is warm from the main comparison: warm the other about as much
  const [c, o] = await compare([current, other], { ops: options.ops, rounds, warmup: 4 })
  return {
    ratio: pairedRatio(c!, o!),
    current: c!,
    other: o!,
    note: `own run of the two, ${rounds} rounds of ${options.ops.toLocaleString("en")} (${fmtValue(c!.nsPerOp)} vs ${
      fmtValue(o!.nsPerOp)
    } ${options.unit} there); median of per-round ratios; in CPU time ${pairedRatio(c!, o!, "cpu").toFixed(2)}x`
  }
}

/** The "current vs baseline" row: a {@link paired} run of the current subject and the baseline's. Target >= 0.95x. */
export const versusBaseline = async (
  scenario: string,
  current: Subject,
  baseline: Subject,
  options: { readonly ops: number; readonly unit: string; readonly rounds?: number }
): Promise<{ readonly row: Row; readonly current: Measured }> => {
  const r = await paired(current, baseline, options)
  const row: Row = {
    scenario,
    subject: baseline.name,
    value: r.other.nsPerOp,
    unit: options.unit,
    baseline: current.name,
    ratio: r.ratio,
    target: ">= 0.95x (current vs baseline)",
    pass: r.ratio >= 0.95,
    note: r.note
  }
  return { row, current: r.current }
}

/** A fresh temp file path (removed by {@link cleanup}). */
const temps: Array<string> = []
export const tempFile = (label: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ef-bench-${label}-`))
  temps.push(dir)
  return path.join(dir, "out.log")
}
/**
 * A path of its own to /dev/null (a symlink in a temp folder): a second sink of ours writing to /dev/null gets its
 * own queue and counters (sinks on the same path are one shared sink).
 */
export const devNullAlias = (label: string): string => {
  const file = tempFile(label)
  fs.symlinkSync("/dev/null", file)
  return file
}
export const cleanup = (): void => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
}

/** Number of "\n" in a file (streams it, fine for 100s of MB). */
export const countLines = (file: string): number => {
  const fd = fs.openSync(file, "r")
  const buf = Buffer.allocUnsafe(1 << 20)
  let n = 0
  try {
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null)
      if (got <= 0) break
      for (let i = 0; i < got; i++) if (buf[i] === 10) n++
    }
  } finally {
    fs.closeSync(fd)
  }
  return n
}

/** Throws when a subject wrote a different number of lines than expected. */
export const expectLines = (subject: string, actual: number, expected: number): void => {
  if (actual !== expected) {
    throw new Error(`bench: ${subject} wrote ${actual} lines, expected ${expected}`)
  }
}

/** "1.23x" */
export const fmtRatio = (
  r: number | undefined
): string => (r === undefined || !Number.isFinite(r) ? "" : `${r.toFixed(2)}x`)

const fmtValue = (v: number): string =>
  !Number.isFinite(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)

export const machine = (): string => {
  const cpus = os.cpus()
  return `${cpus[0]?.model ?? "unknown CPU"} (${cpus.length} cores), ${
    (os.totalmem() / 2 ** 30).toFixed(1)
  } GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`
}

/** The results table as Markdown. */
export const toMarkdown = (rows: ReadonlyArray<Row>): string => {
  const head =
    "| scenario | subject | value | compared with | ratio | target | met | note |\n|---|---|---:|---|---:|---|:-:|---|"
  const body = rows.map((r) =>
    `| ${r.scenario} | ${r.subject} | ${fmtValue(r.value)} ${r.unit} | ${r.baseline ?? ""} | ${fmtRatio(r.ratio)} | ${
      r.target ?? ""
    } | ${r.pass === undefined ? "" : r.pass ? "yes" : "**no**"} | ${(r.note ?? "").replace(/\|/g, "\\|")} |`
  )
  return [head, ...body].join("\n")
}

/** Writes bench/RESULTS.md (or `file`, made by `command`). */
export const writeResults = (
  rows: ReadonlyArray<Row>,
  notes: ReadonlyArray<string> = [],
  file?: string,
  command = "`npm run bench` (each scenario in its own process; subjects interleaved over several rounds; medians)"
): string => {
  const out = file ?? path.join(path.dirname(new URL(import.meta.url).pathname), "RESULTS.md")
  const text = [
    "# Benchmark results",
    "",
    `Machine: ${machine()}  `,
    `Date: ${new Date().toISOString()}  `,
    `Command: ${command}.`,
    "",
    toMarkdown(rows),
    "",
    ...notes.map((n) => `- ${n}`),
    ""
  ].join("\n")
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, text)
  return out
}
