import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import { fixtureCommand, pool, runFixture } from "./utils.js"

// Rotation in real processes under NodeRuntime.runMain (see test/Telemetry.test.ts for the method).

const fixture = fileURLToPath(new URL("./fixtures/rotation-writer.ts", import.meta.url))
const runWriter = (args: ReadonlyArray<string>, onReady?: (pid: number) => void) =>
  runFixture(fixture, args, onReady === undefined ? {} : { onReady })

beforeAll(() => fixtureCommand(fixture).then(() => undefined), 60_000)

const STAMP = /^app\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log(\.gz)?$/

/**
 * Every file of a rotated log, oldest first (a compression cut short by the exit leaves a
 * `.gz.<random>.tmp` beside the intact original: skipped), decompressed, as JSON records, with the
 * rotated files' sizes (decompressed).
 */
const recordsOf = (dir: string) => {
  const names = fs.readdirSync(dir)
  const rotated = names.filter((n) => STAMP.test(n)).sort()
  // a name is rotated once: never both plain and .gz
  expect(new Set(rotated.map((n) => n.replace(/\.gz$/, ""))).size).toBe(rotated.length)
  const texts = [...rotated, "app.log"].map((n) => {
    const raw = fs.readFileSync(path.join(dir, n))
    return n.endsWith(".gz") ? zlib.gunzipSync(raw).toString("utf8") : raw.toString("utf8")
  })
  const text = texts.join("")
  const recs = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { message: string; i?: number })
  const sizes = texts.slice(0, -1).map((t) => Buffer.byteLength(t))
  return { recs, rotated, sizes, bytes: Buffer.byteLength(text) }
}

describe("rotation under NodeRuntime.runMain (subprocesses)", () => {
  it(
    "SIGTERM in the middle of rotating (every 16 KiB, gzip) under a flood: every line once, in order (10 runs)",
    async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotate-signal-"))
      const jobs = Array.from({ length: 10 }, (_, k) => async () => {
        const dir = path.join(root, `run-${k}`)
        fs.mkdirSync(dir)
        const run = await runWriter(["signal", dir, "1000000"], (pid) => process.kill(pid, "SIGTERM"))
        return { run, dir }
      })
      const results = await pool(3, jobs)
      for (const { dir, run } of results) {
        const logged = Number(/logged=(\d+)/.exec(run.stderr)?.[1] ?? NaN)
        expect(logged, run.stderr).toBeGreaterThan(5_000)
        expect(logged, "the signal landed mid-stream").toBeLessThan(1_000_000)
        const { bytes, recs, rotated, sizes } = recordsOf(dir)
        const lines = recs.filter((r) => r.message === "line")
        const counts = `${dir}: logged ${logged}, written ${lines.length}, lost ${logged - lines.length}, ` +
          `rotated files ${rotated.length}`
        expect(lines.length, counts).toBe(logged)
        expect(lines.every((r, i) => r.i === i), counts).toBe(true) // every line, in order, none twice
        expect(recs[0]!.message).toBe("app started")
        expect(recs[recs.length - 1]!.message).toBe("app stopped")
        // it was rotating all along: no rotated file over 16 KiB, so at least this many of them
        // (how far the background compression got at the signal is the machine's speed: not asserted)
        expect(sizes.filter((n) => n > 16_384), counts).toEqual([])
        expect(rotated.length, counts).toBeGreaterThanOrEqual(Math.floor(bytes / 16_384))
        expect(run.stderr).not.toMatch(/rotation failed|log sink/)
      }
      fs.rmSync(root, { recursive: true, force: true })
    },
    180_000
  )

  it("process.exit(0) right after a burst: the exit hook writes every line, rotating on the way", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotate-exit-"))
    const run = await runWriter(["exit", dir, "20000"])
    expect(run.code).toBe(0)
    const { recs, rotated } = recordsOf(dir)
    const lines = recs.filter((r) => r.message === "line")
    expect(lines.length).toBe(20_000)
    expect(lines.every((r, i) => r.i === i)).toBe(true)
    expect(rotated.length).toBeGreaterThan(50)
    fs.rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it(
    "reopenOnSignal SIGHUP: logrotate renames the file and sends SIGHUP; the process keeps running and writes to the new file",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotate-hup-"))
      const file = path.join(dir, "app.log")
      let renamed = false
      const run = await runWriter(["hup", dir], (pid) => {
        // what logrotate does with `create` off and `postrotate kill -HUP`
        fs.renameSync(file, file + ".1")
        renamed = true
        process.kill(pid, "SIGHUP")
        const poll = setInterval(() => {
          // the new file fills: the process is alive and reopened; then stop it
          if (fs.existsSync(file) && fs.statSync(file).size > 50_000) {
            clearInterval(poll)
            process.kill(pid, "SIGTERM")
          }
        }, 20)
      })
      expect(renamed).toBe(true)
      expect(run.signal).not.toBe("SIGHUP")
      const logged = Number(/logged=(\d+)/.exec(run.stderr)?.[1] ?? NaN)
      const parse = (f: string) =>
        fs.readFileSync(f, "utf8").split("\n").filter((l) => l !== "").map((l) =>
          JSON.parse(l) as { message: string; i?: number }
        )
      const before = parse(file + ".1")
      const after = parse(file)
      expect(before.filter((r) => r.message === "line").length).toBeGreaterThan(1_000) // lines still queued at the signal go to the new file
      expect(after.filter((r) => r.message === "line").length).toBeGreaterThan(100)
      const lines = [...before, ...after].filter((r) => r.message === "line")
      expect(lines.length).toBe(logged)
      expect(lines.every((r, i) => r.i === i)).toBe(true)
      expect(after[after.length - 1]!.message).toBe("app stopped")
      fs.rmSync(dir, { recursive: true, force: true })
    },
    60_000
  )
})
