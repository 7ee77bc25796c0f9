/**
 * The baseline: the library as of a fixed git revision (today's main, v0.1.0),
 * measured in the same process run as the current code, so every run shows
 * whether anything got slower.
 *
 * The revision's `src/` is extracted once to bench/.tmp/baseline/<sha>/src
 * (`git archive <rev> src | tar -x`) and imported through tsx like the current
 * sources. It resolves "effect" & co. from the same node_modules; each copy has
 * its own module instances (its own FiberRefs, sink registry, formatter
 * caches), and every subject runs in its own ManagedRuntime with only its own
 * copy's logger installed, so the two never see each other's records.
 *
 * Override the revision with `BENCH_BASELINE_REV=<rev>`; `BENCH_BASELINE_REV=off`
 * leaves the baseline rows out.
 */
import type * as current from "effect-foundation"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

/** v0.1.0, the main branch when the baseline rows were added. */
export const BASELINE_REV = "a337fd21877c8b0ab632f901bd061a377f2cd53f"

/** The public API the bench uses (the baseline copy has the same shape). */
export type Lib = typeof current

const root = fileURLToPath(new URL("../", import.meta.url))

export interface Baseline {
  /** full commit id */
  readonly sha: string
  /** "a337fd2" */
  readonly short: string
  /** bench/.tmp/baseline/<sha>/src/index.ts */
  readonly entry: string
}

/** The requested revision, or undefined when the baseline is switched off. */
export const requestedRev = (): string | undefined => {
  const v = (process.env["BENCH_BASELINE_REV"] ?? "").trim()
  if (v === "off" || v === "none" || v === "0") return undefined
  return v === "" ? BASELINE_REV : v
}

/** Extracts the revision's src/ (once) and returns where it is; undefined when switched off. */
export const ensureBaseline = (): Baseline | undefined => {
  const rev = requestedRev()
  if (rev === undefined) return undefined
  let sha: string
  try {
    sha = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: root, encoding: "utf8" })
      .trim()
  } catch {
    throw new Error(
      `bench: baseline revision ${rev} not found in this repository (set BENCH_BASELINE_REV to a commit, or to "off")`
    )
  }
  const dir = path.join(root, "bench", ".tmp", "baseline", sha)
  const entry = path.join(dir, "src", "index.ts")
  if (!fs.existsSync(entry)) {
    const tmp = `${dir}.partial-${process.pid}`
    fs.rmSync(tmp, { recursive: true, force: true })
    fs.mkdirSync(tmp, { recursive: true })
    const tar = execFileSync("git", ["archive", "--format=tar", sha, "src"], { cwd: root, maxBuffer: 256 << 20 })
    execFileSync("tar", ["-x", "-C", tmp], { input: tar })
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(tmp, dir)
  }
  return { sha, short: sha.slice(0, 7), entry }
}

/** The baseline's public API (its src/index.ts), or undefined when switched off. */
export const loadBaseline = async (): Promise<{ readonly lib: Lib; readonly label: string } | undefined> => {
  const b = ensureBaseline()
  if (b === undefined) return undefined
  const lib = (await import(pathToFileURL(b.entry).href)) as Lib
  return { lib, label: `baseline ${b.short}` }
}
