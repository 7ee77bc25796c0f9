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
