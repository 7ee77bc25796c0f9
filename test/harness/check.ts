/**
 * The checker of the sink's contract: for N numbered lines logged,
 *
 *   received + reportedDropped === N, nothing duplicated, nothing corrupt (unparseable or spliced),
 *   the exit (or close) within its deadline, the event loop never blocked for long.
 *
 * A drop is reported in one of two forms, both counted:
 * (a) in the output itself: a record whose message contains "dropped" and which has a numeric `dropped` field
 *     (e.g. `log buffer full: 12 records dropped (...)`, `dropped: 12`); such records are not numbered lines and
 *     are not corrupt;
 * (b) on the child's stderr: `effect-foundation: ... 12 lines dropped` / `... 12 records dropped`.
 * Records held back by a rate limit are accounted for by its summaries: records with a numeric `suppressed` field
 * ("N records suppressed for <logger>"), counted in `reportedSuppressed`.
 * For /dev/null the lines are gone: the checker takes the sink's own count from the child's self-report (the
 * `Telemetry.flush(0)` report printed after the last line) plus form (b), and infers
 * `received = N - reportedDropped` (`observable: false`); the contract there is `reportedDropped === 0`.
 */
import type { RunResult, Target } from "./run.js"

export interface Check {
  readonly n: number
  readonly target: Target
  /** false for /dev/null: `received` is inferred */
  readonly observable: boolean
  /** distinct numbered lines received */
  readonly received: number
  /** numbered lines neither received nor... simply not received: N - received */
  readonly missing: number
  /** numbered lines received more than once (extra copies) */
  readonly duplicated: number
  /** unparseable lines (spliced, cut), including an unterminated last line, and numbered lines out of range */
  readonly corrupt: number
  readonly corruptSamples: ReadonlyArray<string>
  /** parseable records that are neither numbered lines nor drop reports */
  readonly otherRecords: number
  /** drop reports of form (a) */
  readonly dropWarnings: number
  readonly droppedInStream: number
  /** form (b) */
  readonly droppedStderr: number
  /** /dev/null: the sink's `dropped` after the last line (`Telemetry.flush(0)`) */
  readonly droppedSelfReport: number | undefined
  readonly reportedDropped: number
  /** the sum of the rate limit's "N records suppressed" summaries in the output */
  readonly reportedSuppressed: number
  /** N - received - reportedDropped - reportedSuppressed: lines lost silently (negative: more reported than missing) */
  readonly unaccounted: number
  /** from the child's trigger (the N lines logged, the exit path starts) to the process's end, ms */
  readonly exitMs: number | undefined
  /** from the trigger to the end of the program and its layer (runPromise paths), ms */
  readonly closedMs: number | undefined
  /** the longest the event loop was blocked, as the child's heartbeat saw it, ms */
  readonly loopMaxMs: number | undefined
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** the harness had to SIGKILL the child (a hang) */
  readonly killed: boolean
  /** the start-up failure the child printed, if any */
  readonly layerError: { readonly _tag?: string; readonly message?: string } | undefined
}

const stderrDrop = /effect-foundation: .*?(\d+) (?:lines|records) dropped/g

const sample = (s: string) => (s.length > 160 ? `${s.slice(0, 80)} … ${s.slice(-80)}` : s)

/** Parses what the child produced (see {@link Check}). */
export const check = (run: RunResult): Check => {
  const n = run.options.child.count
  const target = run.options.target
  const seen = new Uint8Array(n)
  let received = 0
  let duplicated = 0
  let corrupt = 0
  let other = 0
  let dropWarnings = 0
  let droppedInStream = 0
  let reportedSuppressed = 0
  const corruptSamples: Array<string> = []
  const bad = (l: string) => {
    corrupt++
    if (corruptSamples.length < 3) corruptSamples.push(sample(l))
  }

  const text = run.output
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf("\n", start)
    const end = nl < 0 ? text.length : nl
    const l = text.slice(start, end)
    start = end + 1
    if (nl < 0) {
      bad(l) // an unterminated last line: cut
      break
    }
    if (l.trim() === "") continue
    let rec: unknown
    try {
      rec = JSON.parse(l)
    } catch {
      bad(l)
      continue
    }
    if (typeof rec !== "object" || rec === null) {
      bad(l)
      continue
    }
    const r = rec as { message?: unknown; i?: unknown; dropped?: unknown; suppressed?: unknown }
    if (r.message === "line" && typeof r.i === "number") {
      if (!Number.isInteger(r.i) || r.i < 0 || r.i >= n) bad(l)
      else if (seen[r.i] === 1) duplicated++
      else {
        seen[r.i] = 1
        received++
      }
    } else if (typeof r.message === "string" && r.message.includes("dropped") && typeof r.dropped === "number") {
      dropWarnings++
      droppedInStream += r.dropped
    } else if (typeof r.message === "string" && r.message.includes("suppressed") && typeof r.suppressed === "number") {
      reportedSuppressed += r.suppressed
    } else other++
  }

  let droppedStderr = 0
  for (const m of run.stderr.matchAll(stderrDrop)) droppedStderr += Number(m[1])

  let droppedSelfReport: number | undefined
  const rep = /sink-child: report (\{.*\})/.exec(run.stderr)
  if (rep !== null) {
    try {
      const d = (JSON.parse(rep[1]!) as { dropped?: unknown }).dropped
      if (typeof d === "number") droppedSelfReport = d
    } catch {
      // not a report
    }
  }

  const observable = target !== "devnull"
  const reportedDropped = observable ? droppedInStream + droppedStderr : (droppedSelfReport ?? 0) + droppedStderr
  if (!observable) received = Math.max(0, n - reportedDropped)

  const num = (re: RegExp): number | undefined => {
    const m = re.exec(run.stderr)
    return m === null ? undefined : Number(m[1])
  }
  const triggerAt = num(/sink-child: trigger t=(\d+)/)
  const closedAt = num(/sink-child: closed t=(\d+)/)
  let loopMaxMs: number | undefined
  for (const m of run.stderr.matchAll(/loop-max-ms=(\d+)/g)) loopMaxMs = Math.max(loopMaxMs ?? 0, Number(m[1]))
  let layerError: Check["layerError"]
  const le = /sink-child: layer-error (\{.*\})/.exec(run.stderr)
  if (le !== null) layerError = JSON.parse(le[1]!) as Check["layerError"]

  return {
    n,
    target,
    observable,
    received,
    missing: n - received,
    duplicated,
    corrupt,
    corruptSamples,
    otherRecords: other,
    dropWarnings,
    droppedInStream,
    droppedStderr,
    droppedSelfReport,
    reportedDropped,
    reportedSuppressed,
    unaccounted: n - received - reportedDropped - reportedSuppressed,
    exitMs: triggerAt === undefined ? undefined : run.exitedAt - triggerAt,
    closedMs: triggerAt === undefined || closedAt === undefined ? undefined : closedAt - triggerAt,
    loopMaxMs,
    code: run.code,
    signal: run.signal,
    killed: run.killed,
    layerError
  }
}

export interface Bounds {
  /** the exit deadline (the shutdown timeout), ms */
  readonly deadlineMs: number
  /** added to the deadline: start-up noise on a shared machine (default 3 s) */
  readonly marginMs?: number
  /** the longest acceptable event-loop block, ms (default 1,000: a heartbeat gap also counts time the process was not scheduled, on a busy machine) */
  readonly loopMs?: number
}

/**
 * The contract as a list of broken clauses (empty: the run holds it). A file or /dev/null is never behind:
 * nothing may be dropped there.
 */
export const violations = (c: Check, bounds: Bounds): Array<string> => {
  const out: Array<string> = []
  const limit = bounds.deadlineMs + (bounds.marginMs ?? 3_000)
  if (c.killed) out.push("hung (killed)")
  if (c.unaccounted !== 0) {
    out.push(c.unaccounted > 0 ? `${c.unaccounted} lost silently` : `${-c.unaccounted} over-reported`)
  }
  if (c.duplicated > 0) out.push(`${c.duplicated} duplicated`)
  if (c.corrupt > 0) out.push(`${c.corrupt} corrupt`)
  if ((c.target === "file" || c.target === "devnull") && c.reportedDropped > 0) {
    out.push(`${c.reportedDropped} dropped (target never behind)`)
  }
  if (c.exitMs === undefined) out.push("no trigger")
  else if (c.exitMs > limit) out.push(`exit ${c.exitMs} ms > ${limit}`)
  if (c.loopMaxMs !== undefined && c.loopMaxMs > (bounds.loopMs ?? 1_000)) out.push(`loop blocked ${c.loopMaxMs} ms`)
  return out
}
