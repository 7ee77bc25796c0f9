/**
 * CPU instructions per request of the HTTP scenario's servers
 * (bench/http-server.ts), counted by valgrind's callgrind instead of timed:
 * where requests/s move by ±10% between runs on a shared 2-core VM, the
 * counts repeat to a few percent. Optional, as it needs valgrind (Debian:
 * `apt-get install valgrind`) and takes about 5 minutes per subject:
 * `npm run bench:instructions [-- subject ...]`; writes bench/INSTRUCTIONS.md.
 *
 * Each server runs under callgrind with counting off while it starts and
 * answers a warm-up (so the JIT has settled), then counts the instructions of
 * every thread in three windows, while autocannon sends a fixed number of
 * requests over 16 connections, as the HTTP scenario does. V8 runs `--single-threaded` with a
 * predictable GC schedule, so its compiler and collector run on the counted
 * thread at the same points in every run, and a full collection before
 * the windows (then more requests, as it flushes compiled code) starts every
 * subject with a clean heap. A process's counts sit a few percent above or
 * below another's (the spread is between processes more than between one
 * process's windows), so the subjects are measured in three
 * rounds, one process each, one subject after the other; a subject's value is
 * the median of its nine windows. The table gives the instructions
 * spent running the server (JavaScript, builtins, Node, the kernel calls'
 * user side), and apart from that what V8's compilers and garbage collector
 * spent in the median window; the ratio is "no request logging" over the
 * subject: the requests/s a CPU-bound server keeps, as a share of none.
 */
import autocannon from "autocannon"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Row, writeResults } from "./harness.js"

const WARM_UP = 4_000
const SETTLE = 2_000
const COUNTED = 2_000
/** counted windows per server process (a full collection lands in a few of them at most) */
const WINDOWS = 3
/** server processes per subject, one per round */
const ROUNDS = 3
const CONNECTIONS = 16
const scenario = "HTTP server, instructions per request"

const here = path.dirname(fileURLToPath(import.meta.url))
const serverFile = path.join(here, "http-server.ts")
const subjects: Record<string, string> = {
  none: "no request logging",
  line: "floor: one Log.info line in Effect.onExit",
  bound: "floor with the request's context bound (one FiberRef.set)",
  ours: "effect-foundation HttpLogging.middleware",
  effect: "Effect HttpMiddleware.logger"
}

/** Where the instructions went, by the function's symbol (V8's C++ symbols are in the node binary). */
const kindOf = (fn: string): "compile" | "gc" | "run" =>
  /compiler::|maglev::|turboshaft|baseline::|interpreter::Bytecode|Parser|Scanner|Compiler::|OptimizedCompilationJob|Zone|RegisterAllocator|LiveRange|InstructionSelector|CodeGenerator|Assembler/i
      .test(fn)
    ? "compile"
    : /Scaveng|Marking|MarkCompact|Sweep|Evacuat|Heap::|heap::|GC|Remembered|SlotSet|IteratePointers|Concurrent|Pretenuring|LiveObject|RelocIterator|_Rb_tree|MemoryAllocator|IterateObjectCache/
        .test(fn)
    ? "gc"
    : "run"

/** Self cost per kind in a callgrind dump (`--compress-strings=no`): a cost line right after `calls=` is inclusive. */
const costs = (file: string) => {
  const out = { run: 0, compile: 0, gc: 0 }
  let kind: keyof typeof out = "run"
  let inclusive = false
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("fn=")) kind = kindOf(line.slice(3))
    else if (line.startsWith("calls=")) inclusive = true
    else if (/^[0-9+-]/.test(line)) {
      if (inclusive) inclusive = false
      else out[kind] += Number(line.split(" ")[1] ?? 0)
    }
  }
  return out
}

const callgrind = (...args: Array<string>) => execFileSync("callgrind_control", args, { stdio: "ignore" })

const load = async (port: number, amount: number) => {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/api/items/1`,
    connections: CONNECTIONS,
    amount,
    timeout: 120
  })
  if (r.errors > 0 || r.non2xx > 0) throw new Error(`${r.errors} errors, ${r.non2xx} non-2xx responses`)
}

interface Window {
  readonly run: number
  readonly compile: number
  readonly gc: number
}

/** The window of median instructions, and the range. */
const medianOf = (windows: ReadonlyArray<Window>) => {
  const sorted = [...windows].sort((a, b) => a.run - b.run)
  return { ...sorted[sorted.length >> 1]!, range: [sorted[0]!.run, sorted[sorted.length - 1]!.run] as const }
}

/** One server process of `subject`: its counted windows. */
const measure = async (subject: string, dir: string, round: number): Promise<ReadonlyArray<Window>> => {
  const out = path.join(dir, `${subject}-${round}`)
  const child: ChildProcess = spawn("valgrind", [
    "--tool=callgrind",
    "--instr-atstart=no",
    "--smc-check=all-non-file",
    "--dump-instr=no",
    "--compress-strings=no",
    `--callgrind-out-file=${out}`,
    process.execPath,
    "--single-threaded",
    "--predictable-gc-schedule",
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=source",
    serverFile,
    subject
  ], { stdio: ["ignore", "ignore", "ignore", "ipc"] })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("error", reject)
      child.once("exit", (code) => reject(new Error(`${subject} server exited (${code})`)))
      child.once("message", (m: { port: number }) => resolve(m.port))
    })
    await load(port, WARM_UP)
    // a full collection, so the next one is as far from the window for every subject; it flushes compiled code,
    // so the JIT settles again before the window
    await new Promise<void>((resolve) => {
      child.once("message", () => resolve())
      child.send("gc")
    })
    await load(port, SETTLE)
    const pid = String(child.pid)
    callgrind("--instr=on", pid)
    callgrind("--zero", pid)
    const windows: Array<Window> = []
    for (let w = 1; w <= WINDOWS; w++) {
      await load(port, COUNTED)
      callgrind("--dump", pid) // writes <out>.<w> and zeroes the counters
      const dump = `${out}.${w}`
      if (!fs.existsSync(dump)) throw new Error(`${subject}: callgrind wrote no ${dump}`)
      const c = costs(dump)
      windows.push({ run: c.run / COUNTED, compile: c.compile / COUNTED, gc: c.gc / COUNTED })
    }
    return windows
  } finally {
    child.removeAllListeners("exit")
    if (child.exitCode === null && child.signalCode === null) {
      // callgrind writes its last dump on the way out: wait for it before the directory is removed
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill()
      await exited
    }
  }
}

const main = async () => {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" })
  } catch {
    console.error("bench:instructions needs valgrind (Debian: apt-get install valgrind)")
    process.exit(2)
  }
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(subjects)
  const unknown = chosen.filter((s) => !(s in subjects))
  if (unknown.length > 0) throw new Error(`unknown subject(s): ${unknown.join(", ")}; known: ${Object.keys(subjects)}`)
  const names = chosen.includes("none") ? chosen : ["none", ...chosen]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "instructions-"))
  const windows: Record<string, ReadonlyArray<Window>> = Object.fromEntries(names.map((s) => [s, []]))
  // per round, each subject's median window: the target's spread over the rounds
  const rounds: Array<Record<string, number>> = []
  for (let round = 1; round <= ROUNDS; round++) {
    const medians: Record<string, number> = {}
    for (const s of names) {
      const counted = await measure(s, dir, round)
      windows[s] = windows[s]!.concat(counted)
      medians[s] = medianOf(counted).run
      process.stderr.write(
        `round ${round}, ${s}: ${Math.round(medians[s]).toLocaleString("en")} instructions/request\n`
      )
    }
    rounds.push(medians)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  const counted = Object.fromEntries(names.map((s) => [s, medianOf(windows[s]!)]))
  const none = counted.none!.run
  // issue 20: the middleware's cost over no logging at most 1.25x the bound floor's
  const costOf = (m: Record<string, number>) => (m.ours! - m.none!) / (m.bound! - m.none!)
  const ours = () => {
    const cost = costOf({ none, bound: counted.bound!.run, ours: counted.ours!.run })
    const each = rounds.map(costOf).map((c) => c.toFixed(2)).join(", ")
    return {
      target: `cost over none <= 1.25x the bound floor's (now ${cost.toFixed(2)}x; by round ${each})`,
      pass: cost <= 1.25
    }
  }
  const k = (n: number) => `${Math.round(n / 1000).toLocaleString("en")}k`
  const rows = names.map((s): Row => ({
    scenario,
    subject: subjects[s]!,
    value: Math.round(counted[s]!.run),
    unit: "instructions/request",
    ...(s === "none" ? {} : { baseline: subjects.none, ratio: none / counted[s]!.run }),
    ...(s === "ours" && counted.bound !== undefined ? ours() : {}),
    note: `+${k(counted[s]!.run - none)} over none; windows ${k(counted[s]!.range[0])}-${
      k(counted[s]!.range[1])
    }; in the median window V8's compilers ran ${k(counted[s]!.compile)}, its GC ${k(counted[s]!.gc)}`
  }))
  const file = writeResults(
    rows,
    [
      `Instructions counted by valgrind's callgrind in ${ROUNDS} rounds, each subject's server in one process per round counting ${WINDOWS} windows of ${
        COUNTED.toLocaleString("en")
      } requests (autocannon, ${CONNECTIONS} connections), after ${
        WARM_UP.toLocaleString("en")
      } uncounted requests, a full collection and ${
        SETTLE.toLocaleString("en")
      } more; one server at a time, V8 --single-threaded --predictable-gc-schedule. "value" is the median of a subject's windows (over its rounds): the instructions spent running the server; what V8's compilers and collector spent in that window is in the note. A window in which a full collection lands counts about 5% more (the collector's work outside the symbols counted as GC, and the code it flushes), and one process's counts sit a few percent off another's, hence the median over processes. The ratio is none / subject: the requests/s of a CPU-bound server as a share of no request logging.`
    ],
    path.join(here, "INSTRUCTIONS.md"),
    "`npm run bench:instructions` (needs valgrind)"
  )
  console.log(fs.readFileSync(file, "utf8"))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
