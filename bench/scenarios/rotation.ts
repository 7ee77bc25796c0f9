/**
 * Rotating file writer: the same pre-formatted JSON lines written through our
 * `LogSink` with `{ file, rotate: { maxSize: "1 MiB" } }` (the Node descriptor
 * driver, size rotation between synchronous batch writes) and through
 * `rotating-file-stream` (`size: "1M"`, an async Writable), interleaved.
 * Each timed run writes 20,000 lines and ends when they are all in the file
 * (ours: `flush()`; rotating-file-stream: the callback of the last write).
 * Our sink without rotation is the baseline that shows what rotating costs.
 * Then the same with gzip of rotated files (both compress in the background).
 * Every line is counted in the files (decompressed) at the end.
 */
import { Effect, Exit, Scope } from "effect"
import { LogSink } from "effect-foundation"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { createStream } from "rotating-file-stream"
import { compare, expectLines, type Row, type Scenario, type Subject } from "../harness.js"

const OPS = 20_000
const ROUNDS = 15
const scenario = "rotating file, 1 MiB files"

const LINES: ReadonlyArray<string> = Array.from({ length: OPS }, (_, i) =>
  JSON.stringify({
    timestamp: new Date(1_764_460_800_000 + i).toISOString(),
    level: "info",
    message: "request handled",
    logger_name: "app.http",
    user_id: i,
    path: "/api/items",
    status: 200
  }) + "\n")

interface Counted extends Subject {
  readonly dir: string
  readonly expected: () => number
  readonly close: () => Promise<void>
}

const dirs: Array<string> = []
const tempDir = (label: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `ef-bench-rotation-${label}-`))
  dirs.push(d)
  return d
}

const ours = (name: string, rotate: LogSink.RotateOptions | undefined): Counted => {
  const dir = tempDir("ours")
  const scope = Effect.runSync(Scope.make())
  const file = path.join(dir, "app.log")
  const sink = Effect.runSync(
    Scope.extend(LogSink.make({ target: rotate ? { file, rotate } : { file }, exitHook: false }), scope)
  )
  let expected = 0
  return {
    name,
    dir,
    run: async (n) => {
      for (let i = 0; i < n; i++) sink.write(LINES[i]!)
      const r = await Effect.runPromise(sink.flush())
      if (r.status !== "flushed") throw new Error(`${name}: ${JSON.stringify(r)}`)
      expected += n
    },
    expected: () => expected,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const rfs = (name: string, compress: boolean, batch = 1): Counted => {
  const dir = tempDir("rfs")
  const stream = createStream("app.log", { path: dir, size: "1M", ...(compress ? { compress: "gzip" } : {}) })
  let error: unknown
  stream.on("error", (e) => void (error = e))
  let expected = 0
  return {
    name,
    dir,
    run: (n) =>
      new Promise<void>((resolve, reject) => {
        const done = (e: unknown) => (e ?? error ? reject(e ?? error) : resolve())
        if (batch === 1) {
          for (let i = 0; i < n - 1; i++) stream.write(LINES[i]!)
          stream.write(LINES[n - 1]!, done)
        } else {
          // batches of `batch` lines joined, as our sink hands its descriptor
          for (let i = 0; i < n; i += batch) {
            const chunk = LINES.slice(i, Math.min(n, i + batch)).join("")
            if (i + batch >= n) stream.write(chunk, done)
            else stream.write(chunk)
          }
        }
        expected += n
      }),
    expected: () => expected,
    close: () => new Promise<void>((resolve) => stream.end(() => resolve()))
  }
}

/** Lines in every file of `dir`, gzipped ones decompressed. */
const linesIn = (dir: string): number => {
  let n = 0
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".tmp")) continue
    const raw = fs.readFileSync(path.join(dir, f))
    const buf = f.endsWith(".gz") ? zlib.gunzipSync(raw) : raw
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++
  }
  return n
}

const files = (dir: string): number => fs.readdirSync(dir).length

/** Waits for background compression (both libraries gzip after rotating) to leave only finished files. */
const settled = async (dir: string): Promise<void> => {
  for (let k = 0; k < 500; k++) {
    const names = fs.readdirSync(dir)
    const plainRotated = names.filter((n) => n !== "app.log" && !n.endsWith(".gz"))
    if (plainRotated.length === 0) return
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Ours with rotation against `other`, interleaved in pairs (so each follows the other alike). */
const pair = async (s: string, a: Counted, other: Counted, compress: boolean): Promise<Array<Row>> => {
  const [mA, mB] = await compare([a, other], { ops: OPS, rounds: ROUNDS })
  const notes: Array<string> = []
  for (const x of [a, other]) {
    await x.close()
    if (compress) await settled(x.dir)
    expectLines(x.name, linesIn(x.dir), x.expected())
    notes.push(`${x.expected().toLocaleString("en")} lines in ${files(x.dir)} files`)
  }
  const ratio = mB!.nsPerOp / mA!.nsPerOp
  return [
    { scenario: s, subject: a.name, value: mA!.nsPerOp, unit: "ns/line", note: `ours: ${notes[0]}, counted` },
    {
      scenario: s,
      subject: other.name,
      value: mB!.nsPerOp,
      unit: "ns/line",
      baseline: a.name,
      ratio,
      note: `${notes[1]}, counted`
    }
  ]
}

const rotating = (compress: boolean) =>
  ours(`effect-foundation LogSink, rotate maxSize 1 MiB${compress ? " + compress" : ""}`, {
    maxSize: "1 MiB",
    compress
  })

export default {
  name: scenario,
  notes: [
    "Rotation: the same 20,000 pre-formatted JSON lines (~170 bytes) per timed run, 15 interleaved rounds, through `LogSink` with `{ file, rotate: { maxSize: \"1 MiB\" } }` and through `rotating-file-stream` (`size: \"1M\"`); a run ends when its lines are in the file (ours: `flush()`, which finds them already written, 64 KiB per `writeSync`; rotating-file-stream: the callback of the last write). " +
    "Ours is measured in a pair with each other subject (two subjects interleaved, so each follows the other alike). ratio = the other subject's time / ours (> 1: ours is faster); the no-rotation pair shows what rotating costs us; the \"64 KiB writes\" pair gives rotating-file-stream the batching our sink does, to compare the writers alone. Line counts are verified in every file, gzipped ones decompressed. " +
    "rotating-file-stream writes asynchronously, so at a `process.exit()` or in the exit hook the lines it still holds are lost (checked: 20,000 lines written, then `process.exit(0)`: 1 line in the file); ours has nothing in flight."
  ],
  run: async (): Promise<ReadonlyArray<Row>> => {
    try {
      return [
        ...(await pair(
          scenario,
          rotating(false),
          rfs("rotating-file-stream, size 1M, one write per line", false),
          false
        )),
        ...(await pair(
          scenario,
          rotating(false),
          rfs("rotating-file-stream, size 1M, lines joined in 64 KiB writes", false, 385),
          false
        )),
        ...(await pair(
          scenario,
          rotating(false),
          ours("effect-foundation LogSink, file, no rotation", undefined),
          false
        )),
        ...(await pair(
          `${scenario}, gzip`,
          rotating(true),
          rfs("rotating-file-stream, size 1M + gzip, one write per line", true),
          true
        ))
      ]
    } finally {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
    }
  }
} satisfies Scenario
