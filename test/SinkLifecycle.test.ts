/**
 * The sink over its whole life, each case in a child process (test/fixtures/sink-lifecycle.ts) through the
 * public API, with numbered lines counted at the far end: logged, written (arrived at the target), reported
 * (dropped and said so somewhere visible) and lost (neither).
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fdDriver, openAppend } from "../src/node/fdDriver.js"
import { fixtureCommand } from "./utils.js"

const fixture = "test/fixtures/sink-lifecycle.ts"
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")

beforeAll(() => fixtureCommand(fixture).then(() => undefined), 60_000)

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the fixture (`wrap`: through `sh -c`, `$0 $@` being the node command) with stdio as given. */
const runFixture = async (
  args: ReadonlyArray<string>,
  options: { readonly stderr?: number; readonly shell?: string; readonly slowReader?: boolean } = {}
): Promise<Run> => {
  const cmd = [process.execPath, ...(await fixtureCommand(fixture)), ...args]
  const child = options.shell === undefined
    ? spawn(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ["ignore", "pipe", options.stderr ?? "pipe"] })
    : spawn("sh", ["-c", options.shell, ...cmd], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
  const out: Array<Buffer> = []
  let err = ""
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000)
  child.stdout!.on("data", (c: Buffer) => {
    out.push(c)
    if (options.slowReader === true) {
      // a reader that keeps falling behind: the pipe fills, the writers' pieces go out a part at a time
      child.stdout!.pause()
      setTimeout(() => child.stdout!.resume(), 2)
    }
  })
  child.stderr?.setEncoding("utf8").on("data", (d: string) => void (err += d))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (c) => resolve(c))
  })
  clearTimeout(killer)
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: err }
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-issue19-"))

const fact = (run: Run, key: string): unknown => {
  const m = new RegExp(`^fixture: ${key} (.*)$`, "m").exec(run.stdout)
  return m === null ? undefined : JSON.parse(m[1]!)
}

interface Count {
  /** distinct numbered records with this message */
  readonly received: number
  readonly corrupt: number
  /** drops announced in the stream itself (warning records with a numeric `dropped`) */
  readonly droppedInStream: number
}

const count = (text: string, message: string, n: number): Count => {
  const seen = new Set<number>()
  let corrupt = 0
  let droppedInStream = 0
  for (const l of text.split("\n")) {
    if (l.trim() === "" || l.startsWith("fixture: ") || l.startsWith("effect-foundation: ")) continue
    let r: { message?: unknown; i?: unknown; dropped?: unknown }
    try {
      r = JSON.parse(l)
    } catch {
      corrupt++
      continue
    }
    if (r.message === message && typeof r.i === "number" && r.i >= 0 && r.i < n) seen.add(r.i)
    else if (typeof r.message === "string" && r.message.includes("dropped") && typeof r.dropped === "number") {
      droppedInStream += r.dropped
    }
  }
  return { received: seen.size, corrupt, droppedInStream }
}

/** Drops reported in plain text (`effect-foundation: ... 12 records dropped`). */
const reportedIn = (text: string): number => {
  let n = 0
  for (const m of text.matchAll(/effect-foundation: .*?(\d+) (?:lines|records) dropped/g)) n += Number(m[1])
  return n
}

describe("lines after close never reach a reused descriptor", () => {
  for (const mode of ["late-shutdown", "late-daemon"] as const) {
    it(
      `${mode}: the CSV opened on the old descriptor holds only its row; every late line is written elsewhere or reported`,
      async () => {
        const dir = tmp()
        const run = await runFixture([mode, dir])
        const csv = fs.readFileSync(path.join(dir, "data.csv"), "utf8")
        const log = fs.readFileSync(path.join(dir, "app.log"), "utf8")
        fs.rmSync(dir, { recursive: true, force: true })
        const visible = count(run.stdout + "\n" + run.stderr + "\n" + log, "late", 10)
        const reported = reportedIn(run.stdout + run.stderr) + visible.droppedInStream
        const inCsv = count(csv, "late", 10).received
        const lost = 10 - visible.received - reported
        const counts = `logged=10 written=${visible.received} reported=${reported} lost=${lost} in-csv=${inCsv}`
        expect(fact(run, "done"), counts + " | " + run.stderr).toBe(true)
        expect(csv, counts).toBe("id,value\n")
        expect({ lost, inCsv }, counts).toEqual({ lost: 0, inCsv: 0 })
        // the lines before the shutdown are in the file, whole
        expect(count(log, "line", 5).received, counts).toBe(5)
      },
      40_000
    )
  }
})

describe("a closed descriptor driver never writes again", () => {
  it("write / writeSync after close refuse (ECLOSED); the file that took its descriptor number gets nothing", () => {
    const dir = tmp()
    const log = path.join(dir, "app.log")
    const csvFile = path.join(dir, "data.csv")
    const driver = fdDriver(`file ${log}`, openAppend(log), true, log)
    expect(driver.writeSync("one\n", 0)).toBe(1)
    driver.close()
    const csv = fs.openSync(csvFile, "w")
    expect(() => driver.writeSync("two\n", 0)).toThrow(/closed/)
    expect(() => driver.write("three\n", () => {})).toThrow(/closed/)
    driver.reopen()
    fs.closeSync(csv)
    const got = { log: fs.readFileSync(log, "utf8"), csv: fs.readFileSync(csvFile, "utf8") }
    fs.rmSync(dir, { recursive: true, force: true })
    expect(got).toEqual({ log: "one\n", csv: "" })
  })
})

describe("a stuck stderr target's drops are reported where they can be seen", () => {
  for (const variant of ["shutdown", "exit"] as const) {
    it(`${variant}: written + reported = logged, the report on stdout`, async () => {
      const dir = tmp()
      const fifo = path.join(dir, "stderr")
      execFileSync("mkfifo", [fifo])
      // read and write: the child's stderr has a reader that never reads until the child has exited
      const keep = fs.openSync(fifo, "r+")
      let run: Run
      let text: string
      try {
        run = await runFixture(["stuck-stderr", dir, variant], { stderr: keep })
        const drain = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
        const buf = Buffer.alloc(1 << 16)
        const parts: Array<Buffer> = []
        for (;;) {
          let n = 0
          try {
            n = fs.readSync(drain, buf, 0, buf.length, null)
          } catch {
            break
          }
          if (n <= 0) break
          parts.push(Buffer.from(buf.subarray(0, n)))
        }
        fs.closeSync(drain)
        text = Buffer.concat(parts).toString("utf8")
      } finally {
        fs.closeSync(keep)
        fs.rmSync(dir, { recursive: true, force: true })
      }
      const n = 20_000
      const c = count(text, "line", n)
      const reported = c.droppedInStream + reportedIn(run.stdout) + reportedIn(text)
      const lost = n - c.received - reported
      const counts = `logged=${n} written=${c.received} reported=${reported} lost=${lost} (stdout: ${
        run.stdout.slice(0, 400)
      })`
      expect(fact(run, "logged"), counts).toBe(n)
      expect(c.received, counts).toBeLessThan(n) // the target was stuck
      expect(lost, counts).toBe(0)
      expect(reportedIn(run.stdout), counts).toBeGreaterThan(0)
      if (variant === "shutdown") {
        // the flush report of Telemetry.shutdown: what went out whole is written, the rest given up (pending) and dropped
        const r = fact(run, "report") as { status: string; written: number; pending: number; dropped: number }
        expect(r, counts).toMatchObject({
          status: "timed_out",
          written: c.received,
          pending: n - c.received,
          dropped: n - c.received
        })
      }
    }, 40_000)
  }
})

describe("stdout and stderr on one pipe share one sink", () => {
  it("2>&1 with 6 KB lines through a stdout sink and a stderr sink: one queue, nothing spliced", async () => {
    const dir = tmp()
    const run = await runFixture(["shared-pipe", dir], { shell: "\"$0\" \"$@\" 2>&1 | cat", slowReader: true })
    fs.rmSync(dir, { recursive: true, force: true })
    const c = count(run.stdout, "line", 800)
    const reported = c.droppedInStream + reportedIn(run.stdout)
    const stats = fact(run, "stats") as { stdout: { accepted: number }; stderr: { accepted: number } } | undefined
    const counts = `logged=800 written=${c.received} reported=${reported} lost=${
      800 - c.received - reported
    } spliced=${c.corrupt} accepted=${stats?.stdout.accepted}/${stats?.stderr.accepted}`
    // one sink: each handle's counters are the shared sink's
    expect(stats?.stdout.accepted, counts).toBe(800)
    expect(stats?.stderr.accepted, counts).toBe(800)
    expect({ received: c.received, spliced: c.corrupt }, counts).toEqual({ received: 800, spliced: 0 })
  }, 40_000)
})

describe("one deadline for the whole exit", () => {
  it("process.exit with four stuck sinks (1 s deadline each) takes about 1 s, not 4", async () => {
    const dir = tmp()
    const run = await runFixture(["exit-deadline", dir])
    fs.rmSync(dir, { recursive: true, force: true })
    const ms = fact(run, "exit-ms") as number | undefined
    const reported = reportedIn(run.stderr)
    const info = `exit-ms=${ms} reported=${reported} stderr=${run.stderr.slice(0, 300)}`
    expect(typeof ms, info).toBe("number")
    // the deadline (1 s) with generous slack; four deadlines in a row take 4 s
    expect(ms!, info).toBeLessThan(2_500)
    // what could not be written is reported
    expect(reported, info).toBeGreaterThan(0)
  }, 40_000)
})
