/**
 * The rotating file driver (src/node/rotatingFile.ts) on its own, with the
 * hooks a sink gives it: names from the hooks' clock, size rotation in whole
 * lines, time rotation when asked, reopen, writes after close. Retention and
 * compression (in the background) are tested through the sink in
 * Rotation.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { FileHooks, Rotation } from "../src/internal/platform.js"
import { linesWritten } from "../src/internal/platform.js"
import type { WriteFn } from "../src/node/fdDriver.js"
import { RotatingFile, stampOf } from "../src/node/rotatingFile.js"

const setup = (rotation: Partial<Rotation>, now = 0, write?: WriteFn) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotating-"))
  const file = path.join(dir, "app.log")
  const clock = { now }
  const rotated: Array<string> = []
  const failed: Array<unknown> = []
  const hooks: FileHooks = {
    now: () => clock.now,
    rotated: (name) => rotated.push(path.basename(name)),
    failed: (e) => failed.push(e)
  }
  const spec: Rotation = { maxSize: undefined, interval: undefined, maxFiles: undefined, compress: false, ...rotation }
  const driver = new RotatingFile(`file ${file}`, file, spec, hooks, write)
  const files = () => fs.readdirSync(dir).sort()
  const read = (name: string) => fs.readFileSync(path.join(dir, name), "utf8")
  return { dir, file, clock, rotated, failed, driver, files, read }
}

describe("RotatingFile", () => {
  it.effect("stampOf: UTC to the millisecond, safe for file names, clamped to Date's range", () =>
    Effect.sync(() => {
      expect(stampOf(0)).toBe("1970-01-01T00-00-00.000")
      expect(stampOf(Date.UTC(2026, 10, 30, 12, 34, 56, 789))).toBe("2026-11-30T12-34-56.789")
      expect(stampOf(-5)).toBe("1970-01-01T00-00-00.000")
      expect(stampOf(Number.NaN)).toBe("1970-01-01T00-00-00.000")
      expect(stampOf(Number.MAX_SAFE_INTEGER)).toBe("9999-12-31T23-59-59.999")
    }))

  it.effect("by size: whole lines only, each in exactly one file; names a millisecond apart at the same time", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 12 })
      expect(t.driver.write("aaaa\nbbbb\ncccc\ndddd\neeee\n")).toBe(true)
      t.driver.close()
      expect(t.rotated).toEqual(["app.1970-01-01T00-00-00.000.log", "app.1970-01-01T00-00-00.001.log"])
      expect(t.read(t.rotated[0]!)).toBe("aaaa\nbbbb\n")
      expect(t.read(t.rotated[1]!)).toBe("cccc\ndddd\n")
      expect(t.read("app.log")).toBe("eeee\n")
      expect(t.failed).toEqual([])
    }))

  it.effect("a line longer than maxSize gets a file of its own", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 8 })
      t.driver.write("ab\n" + "x".repeat(20) + "\ncd\n")
      t.driver.close()
      expect(t.rotated.map(t.read)).toEqual(["ab\n", "x".repeat(20) + "\n"])
      expect(t.read("app.log")).toBe("cd\n")
    }))

  it.effect("by time: due at the next boundary; a non-empty file is rotated then, an empty one left alone", () =>
    Effect.sync(() => {
      const t = setup({ interval: 1_000 }, 500)
      const rotation = t.driver.rotation!
      expect(rotation.dueAt()).toBe(1_000)
      t.driver.write("first\n")
      rotation.rotateIfDue(999)
      expect(t.rotated).toEqual([])
      t.clock.now = 1_000
      rotation.rotateIfDue(1_000)
      expect(t.rotated).toEqual(["app.1970-01-01T00-00-01.000.log"])
      expect(rotation.dueAt()).toBe(2_000)
      t.clock.now = 2_500
      rotation.rotateIfDue(2_500) // nothing written since: no empty rotated file
      expect(t.rotated.length).toBe(1)
      expect(rotation.dueAt()).toBe(3_000)
      t.driver.close()
      expect(t.read(t.rotated[0]!)).toBe("first\n")
      expect(t.read("app.log")).toBe("")
    }))

  it.effect("reopen after an external rename: later lines go to a new file under the path", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 1_000 })
      t.driver.write("old\n")
      fs.renameSync(t.file, path.join(t.dir, "moved.log"))
      t.driver.reopen!()
      t.driver.write("new\n")
      t.driver.close()
      expect(t.read("moved.log")).toBe("old\n")
      expect(t.read("app.log")).toBe("new\n")
    }))

  it.effect("writeSync after close appends on a descriptor of its own and counts the lines", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 1_000 })
      t.driver.write("one\n")
      t.driver.close()
      expect(t.driver.writeSync("two\nthree\n")).toBe(2)
      expect(t.read("app.log")).toBe("one\ntwo\nthree\n")
    }))

  it.effect("a rotated name never comes at or before an existing one, even with the clock behind", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 4 }, 5_000)
      t.driver.write("aaa\nbbb\n")
      t.driver.close()
      const later = new RotatingFile(
        `file ${t.file}`,
        t.file,
        { maxSize: 4, interval: undefined, maxFiles: undefined, compress: false },
        { now: () => 0, rotated: (name) => t.rotated.push(path.basename(name)), failed: () => {} }
      )
      later.write("ccc\n")
      later.close()
      expect(t.rotated).toEqual(["app.1970-01-01T00-00-05.000.log", "app.1970-01-01T00-00-05.001.log"])
      expect(t.files()).toEqual(["app.1970-01-01T00-00-05.000.log", "app.1970-01-01T00-00-05.001.log", "app.log"])
    }))

  it.effect("a disk that fills up partway through a batch: the error counts the whole lines; once space is freed the torn line is ended and the next line starts clean", () =>
    Effect.sync(() => {
      let room = 13 // "aaaa\nbbbb\n" and 3 bytes of "cccc\n"
      const write: WriteFn = (fd, buf, off, len) => {
        if (room <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
        const n = fs.writeSync(fd, buf, off, Math.min(len, room))
        room -= n
        return n
      }
      const t = setup({ maxSize: 1000 }, 0, write)
      let error: unknown
      try {
        t.driver.write("aaaa\nbbbb\ncccc\ndddd\n")
      } catch (e) {
        error = e
      }
      expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ENOSPC")
      expect(linesWritten(error)).toBe(2)
      room = Infinity
      expect(t.driver.write("eeee\n")).toBe(true)
      expect(t.driver.writeSync("ffff\n")).toBe(1)
      t.driver.close()
      expect(t.read("app.log")).toBe("aaaa\nbbbb\nccc\neeee\nffff\n")
    }))

  it.effect("a line after close ends a line torn by a full disk first", () =>
    Effect.sync(() => {
      let room = 7 // "aaaa\n" and 2 bytes of "bbbb\n"
      const write: WriteFn = (fd, buf, off, len) => {
        if (room <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
        const n = fs.writeSync(fd, buf, off, Math.min(len, room))
        room -= n
        return n
      }
      const t = setup({}, 0, write)
      expect(() => t.driver.write("aaaa\nbbbb\n")).toThrow(/ENOSPC/)
      t.driver.close()
      room = Infinity
      expect(t.driver.writeSync("cccc\n")).toBe(1)
      expect(t.read("app.log")).toBe("aaaa\nbb\ncccc\n")
    }))
})

describe("RotatingFile: whatever the clock does, whatever else is in the folder", () => {
  const DAY = 86_400_000

  it.effect("daily rotation goes on after the clock jumps back a month: one rotation a day for 10 days", () =>
    Effect.sync(() => {
      const start = Date.UTC(2026, 11, 6, 12)
      const t = setup({ interval: DAY }, start)
      const rotation = t.driver.rotation!
      t.driver.write("before the jump\n")
      t.clock.now = start - 30 * DAY // NTP, a VM restored from a snapshot, a hand-set clock
      // what the sink's rotation fiber does (src/internal/rotation.ts), once an hour for 10 days
      for (let hour = 1; hour <= 240; hour++) {
        t.clock.now = start - 30 * DAY + hour * 3_600_000
        t.driver.write(`hour ${hour}\n`)
        if (rotation.dueAt() <= t.clock.now) rotation.rotateIfDue(t.clock.now)
      }
      t.driver.close()
      expect(t.rotated.length, `rotations in 10 days after the jump: ${t.rotated.length}; failed: ${t.failed}`).toBe(10)
      expect(t.failed).toEqual([])
      // the names still sort by age: after the rotated files from before the jump
      expect([...t.rotated].sort()).toEqual(t.rotated)
      const all = [...t.rotated, "app.log"].map(t.read).join("")
      const expected = ["before the jump\n", ...Array.from({ length: 240 }, (_, k) => `hour ${k + 1}\n`)].join("")
      expect(all).toBe(expected)
    }))

  it.effect("a foreign file named at the end of time (app.9999-12-31T23-59-59.999.log): rotation goes on, maxSize holds", () =>
    Effect.sync(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotating-"))
      const foreign = path.join(dir, "app.9999-12-31T23-59-59.999.log")
      fs.writeFileSync(foreign, "not ours\n")
      const file = path.join(dir, "app.log")
      const rotated: Array<string> = []
      const failed: Array<unknown> = []
      const driver = new RotatingFile(
        `file ${file}`,
        file,
        { maxSize: 100, interval: undefined, maxFiles: undefined, compress: false },
        { now: () => 1_000, rotated: (n) => rotated.push(path.basename(n)), failed: (e) => failed.push(e) }
      )
      const text = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")}\n`).join("") // 9 bytes each
      for (let i = 0; i < 10; i++) driver.write(text.slice(i * 90, i * 90 + 90))
      driver.close()
      const size = fs.statSync(file).size
      expect(failed.map(String), `rotations ${rotated.length}, app.log ${size} bytes`).toEqual([])
      expect(size).toBeLessThanOrEqual(100)
      expect(rotated.length).toBe(9)
      expect(fs.readFileSync(foreign, "utf8")).toBe("not ours\n")
      expect([...rotated, "app.log"].map((n) => fs.readFileSync(path.join(dir, n), "utf8")).join("")).toBe(text)
    }))

  it.effect("a name in use (a dangling symlink where the next rotated file would go) is skipped, never replaced", () =>
    Effect.sync(() => {
      const t = setup({ maxSize: 8 })
      const planted = path.join(t.dir, "app.1970-01-01T00-00-00.000.log")
      fs.symlinkSync(path.join(t.dir, "victim"), planted)
      t.driver.write("aaaa\nbbbb\ncccc\n")
      t.driver.close()
      expect(fs.lstatSync(planted).isSymbolicLink()).toBe(true)
      expect(fs.existsSync(path.join(t.dir, "victim"))).toBe(false)
      expect(t.failed).toEqual([])
      expect(t.rotated).toEqual(["app.1970-01-01T00-00-00.001.log", "app.1970-01-01T00-00-00.002.log"])
      expect([...t.rotated, "app.log"].map(t.read).join("")).toBe("aaaa\nbbbb\ncccc\n")
    }))

  it.effect("an exit between the two steps of a rotation (the file under its rotated name too): the next start lets the path go", () =>
    Effect.sync(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotating-"))
      const file = path.join(dir, "app.log")
      const rotatedName = path.join(dir, "app.1970-01-01T00-00-00.000.log")
      fs.writeFileSync(file, "aaaa\n")
      fs.linkSync(file, rotatedName)
      const driver = new RotatingFile(
        `file ${file}`,
        file,
        { maxSize: 100, interval: undefined, maxFiles: undefined, compress: false },
        { now: () => 0, rotated: () => {}, failed: () => {} }
      )
      driver.write("bbbb\n")
      driver.close()
      expect(fs.readFileSync(rotatedName, "utf8")).toBe("aaaa\n")
      expect(fs.readFileSync(file, "utf8")).toBe("bbbb\n") // "aaaa" once, not twice
    }))
})
