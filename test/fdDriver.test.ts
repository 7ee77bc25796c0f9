/**
 * The descriptor driver (src/node/fdDriver.ts) on its own: a file is written
 * at once; a pipe is written in whole lines as its reader makes room, without
 * ever blocking; at exit a stuck pipe costs at most the deadline and the count
 * of whole lines that left is exact. The pipe is a FIFO in a temp folder, read
 * by this test at the pace it chooses.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { linesWritten } from "../src/internal/platform.js"
import { defaults, Sink } from "../src/internal/sink.js"
import type { WriteFn } from "../src/node/fdDriver.js"
import { FdDriver, fdDriver, makeParents } from "../src/node/fdDriver.js"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-fd-"))

/** `n` numbered lines of 11 bytes: `line-00001\n`. */
const numbered = (n: number, from = 1): string => {
  let out = ""
  for (let i = from; i < from + n; i++) out += `line-${String(i).padStart(5, "0")}\n`
  return out
}

/** A FIFO with its read end open (non-blocking) and a write end for the driver. */
const fifo = () => {
  const file = path.join(tempDir(), "pipe")
  execFileSync("mkfifo", [file])
  const reader = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  const writer = fs.openSync(file, fs.constants.O_WRONLY)
  /** Everything the pipe holds now. */
  const drain = (): string => {
    const chunk = Buffer.alloc(1 << 16)
    let out = ""
    for (;;) {
      let n: number
      try {
        n = fs.readSync(reader, chunk, 0, chunk.length, null)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") return out
        throw e
      }
      if (n === 0) return out
      out += chunk.toString("utf8", 0, n)
    }
  }
  const close = () => {
    fs.closeSync(writer)
    fs.closeSync(reader)
  }
  return { writer, drain, close }
}

/**
 * A disk with `room` bytes left, as Linux answers: a write takes what fits (a short count), the next one fails
 * with ENOSPC. Raise `room` to free space.
 */
const fullDisk = (room: number) => {
  const disk = {
    room,
    write: ((fd, buf, off, len) => {
      if (disk.room <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
      const n = fs.writeSync(fd, buf, off, Math.min(len, disk.room))
      disk.room -= n
      return n
    }) as WriteFn
  }
  return disk
}

const caught = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

const wholeLines = (text: string): boolean => text === "" || /^(line-\d{5}\n)+$/.test(text)

describe("fdDriver", () => {
  it.effect("a file: the batch is written at once and in full; nothing is in flight", () =>
    Effect.sync(() => {
      const file = path.join(tempDir(), "app.log")
      fs.writeFileSync(file, "before\n")
      const driver = fdDriver(`file ${file}`, fs.openSync(file, "a"), true, file)
      let done = 0
      const batch = numbered(10_000)
      expect(driver.lags).toBe(false)
      expect(driver.write(batch, () => void done++)).toBe(true)
      expect(driver.abandon()).toBe(0)
      driver.close()
      expect(fs.readFileSync(file, "utf8")).toBe("before\n" + batch)
      expect(done).toBe(0)
    }))

  it.live("a pipe: what fits goes at once in whole lines, the rest as the reader makes room, then `done`", () =>
    Effect.gen(function*() {
      const pipe = fifo()
      const driver = fdDriver("stdout", pipe.writer, false)
      const batch = numbered(40_000) // 440,000 bytes: far more than the pipe holds
      const done: Array<unknown> = []
      expect(driver.write(batch, (e) => done.push(e))).toBe(false)
      expect(driver.lags).toBe(true)
      let got = pipe.drain()
      // the pipe took only whole lines, and less than the batch
      expect(got.length).toBeGreaterThan(0)
      expect(got.length).toBeLessThan(batch.length)
      expect(wholeLines(got)).toBe(true)
      for (let i = 0; i < 2_000 && done.length === 0; i++) {
        yield* Effect.sleep("2 millis")
        const chunk = pipe.drain()
        expect(wholeLines(chunk)).toBe(true)
        got += chunk
      }
      got += pipe.drain()
      expect(done).toEqual([undefined])
      expect(got).toBe(batch)
      driver.close()
      pipe.close()
    }))

  it.live("at exit, a stuck reader costs at most the deadline; the count of whole lines that left is exact", () =>
    Effect.sync(() => {
      const pipe = fifo()
      const driver = fdDriver("stdout", pipe.writer, false)
      const inFlight = numbered(20_000)
      expect(driver.write(inFlight, () => {})).toBe(false)
      const next = numbered(20_000, 20_001)
      const lines = driver.writeSync(next, 30)
      const got = pipe.drain()
      expect(wholeLines(got)).toBe(true)
      expect(lines).toBe(got.split("\n").length - 1)
      expect(lines).toBeLessThan(40_000)
      // in order, the batch in flight first
      expect(got).toBe((inFlight + next).slice(0, got.length))
      driver.close()
      pipe.close()
    }))

  it.live("abandon: the batch in flight is given up, its `done` never called, its lines that left counted", () =>
    Effect.gen(function*() {
      const pipe = fifo()
      const driver = fdDriver("stdout", pipe.writer, false)
      let called = 0
      expect(driver.write(numbered(20_000), () => void called++)).toBe(false)
      const lines = driver.abandon()
      const got = pipe.drain()
      expect(lines).toBe(got.split("\n").length - 1)
      yield* Effect.sleep("20 millis")
      expect(pipe.drain()).toBe("")
      expect(called).toBe(0)
      driver.close()
      pipe.close()
    }))

  it.effect("makeParents creates the missing folders once each; a file in the way or /proc fails at once", () =>
    Effect.sync(() => {
      const dir = tempDir()
      makeParents(path.join(dir, "a", "b", "c", "app.log"))
      expect(fs.statSync(path.join(dir, "a", "b", "c")).isDirectory()).toBe(true)
      makeParents(path.join(dir, "a", "b", "c", "app.log")) // already there: nothing to do
      fs.writeFileSync(path.join(dir, "file"), "")
      expect(() => makeParents(path.join(dir, "file", "sub", "app.log"))).toThrow(/ENOTDIR/)
      // Node's recursive mkdirSync loops forever here
      expect(() => makeParents("/proc/nonexistent/deeper/app.log")).toThrow(/ENOENT|EACCES|EPERM/)
    }))

  it.effect("a disk that fills up partway through a batch: the error counts the whole lines; once space is freed the torn line is ended and the next line starts clean", () =>
    Effect.sync(() => {
      const file = path.join(tempDir(), "app.log")
      const disk = fullDisk(25) // two lines of 11 bytes and 3 bytes of the third
      const driver = new FdDriver("file app.log", fs.openSync(file, "a"), true, false, false, file, disk.write)
      const e = caught(() => driver.write(numbered(5), () => {}))
      expect((e as NodeJS.ErrnoException | undefined)?.code).toBe("ENOSPC")
      expect(linesWritten(e)).toBe(2)
      expect(driver.torn).toBe(true)
      // still full: nothing at all goes, the torn line waits to be ended
      expect(linesWritten(caught(() => driver.write(numbered(1, 6), () => {})))).toBe(0)
      disk.room = Infinity
      expect(driver.write(numbered(2, 7), () => {})).toBe(true)
      expect(driver.writeSync(numbered(1, 9), 100)).toBe(1)
      driver.close()
      expect(fs.readFileSync(file, "utf8")).toBe("line-00001\nline-00002\nlin\nline-00007\nline-00008\nline-00009\n")
    }))

  it.effect("a disk that fills up partway through a batch, through the sink: the whole lines count as written, the rest as failed (reported once), and the next batch starts on a clean line", () =>
    Effect.gen(function*() {
      const file = path.join(tempDir(), "app.log")
      const disk = fullDisk(25)
      const driver = new FdDriver("file app.log", fs.openSync(file, "a"), true, false, false, file, disk.write)
      const reports: Array<string> = []
      const sink = new Sink(
        { ...defaults, target: { file }, exitHook: false },
        driver,
        Clock.make(),
        (text) => reports.push(text),
        undefined
      )
      for (const l of numbered(5).split(/(?<=\n)/)) sink.write(l)
      const first = yield* sink.flush(0)
      disk.room = Infinity
      for (const l of numbered(3, 6).split(/(?<=\n)/)) sink.write(l)
      const second = yield* sink.shutdown(0)
      const lines = fs.readFileSync(file, "utf8").split("\n")
      const whole = lines.filter((l) => /^line-\d{5}$/.test(l))
      const stats = sink.stats()
      const counts = `written ${stats.written}, failed ${stats.failed}, whole lines in the file ${whole.length}`
      expect({ first: [first.written, first.failed], second: [second.written, second.failed] }, counts).toEqual({
        first: [2, 3],
        second: [3, 0]
      })
      expect([stats.written, stats.failed], counts).toEqual([whole.length, 3])
      expect(lines).toEqual(["line-00001", "line-00002", "lin", "line-00006", "line-00007", "line-00008", ""])
      expect(reports.length, reports.join("")).toBe(1)
      expect(reports[0]).toMatch(/failed: ENOSPC/)
    }))
})
