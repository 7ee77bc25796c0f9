/**
 * The Node platform (src/node/platform.ts), what the sink asks of it: one key
 * per destination, drivers for each kind of target, terminal detection and
 * reports on stderr.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as tty from "node:tty"
import type { FileHooks } from "../src/internal/platform.js"
import { platform } from "../src/node/platform.js"
import { runFixture } from "./utils.js"

const node = platform!
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-platform-"))

describe("platform (Node)", () => {
  it.effect("keyOf: one key per destination, however a file is spelled", () =>
    Effect.sync(() => {
      const dir = tempDir()
      const file = path.join(dir, "app.log")
      const spelled = path.join(dir, "sub", "..", "app.log")
      expect(node.keyOf({ file: spelled })).toBe(node.keyOf({ file }))
      expect(node.keyOf({ file })).toBe(`file:${file}`)
      expect(node.keyOf({ file: path.join(dir, "other.log") })).not.toBe(node.keyOf({ file }))
      // a descriptor is known by what it is (device and inode): stdout and stderr on one pipe share a key
      const id = (fd: number) => `ino:${fs.fstatSync(fd).dev}:${fs.fstatSync(fd).ino}`
      expect(node.keyOf("stdout")).toBe(id(1))
      expect(node.keyOf("stderr")).toBe(id(2))
      expect(node.keyOf({ fd: 1 })).toBe(node.keyOf("stdout"))
      const other = fs.openSync(path.join(dir, "other.log"), "a")
      const again = fs.openSync(path.join(dir, "other.log"), "a")
      expect(node.keyOf({ fd: other })).toBe(node.keyOf({ fd: again }))
      expect(node.keyOf({ fd: other })).not.toBe(node.keyOf({ fd: 1 }))
      fs.closeSync(other)
      fs.closeSync(again)
      expect(node.keyOf({ fd: 1_000 })).toBe("fd:1000")
    }))

  it.effect("open: a file is appended to (folders created), written at once", () =>
    Effect.sync(() => {
      const file = path.join(tempDir(), "logs", "app.log")
      const driver = node.open({ file })
      expect(driver.name).toBe(`file ${file}`)
      expect(driver.lags).toBe(false)
      expect(driver.write("a\nb\n", () => {})).toBe(true)
      driver.close()
      const again = node.open({ file })
      expect(again.write("c\n", () => {})).toBe(true)
      again.close()
      expect(fs.readFileSync(file, "utf8")).toBe("a\nb\nc\n")
    }))

  it.effect("open: a file that cannot be opened throws an Error naming why", () =>
    Effect.sync(() => {
      expect(() => node.open({ file: "/proc/nonexistent/app.log" })).toThrow(/ENOENT|EACCES|EPERM/)
      const dir = tempDir()
      expect(() => node.open({ file: dir })).toThrow(/EISDIR/)
    }))

  it.effect("open: a rotating file needs the sink's hooks, and rotates by size with them", () =>
    Effect.sync(() => {
      const dir = tempDir()
      const file = path.join(dir, "app.log")
      const rotation = { maxSize: 10, interval: undefined, maxFiles: undefined, compress: false }
      expect(() => node.open({ file, rotation })).toThrow(/hooks/)
      const rotated: Array<string> = []
      const hooks: FileHooks = { now: () => 0, rotated: (name) => rotated.push(name), failed: () => {} }
      const driver = node.open({ file, rotation }, hooks)
      expect(driver.write("12345\n", () => {})).toBe(true)
      expect(driver.write("67890\n", () => {})).toBe(true)
      driver.close()
      expect(rotated.map((f) => path.basename(f))).toEqual(["app.1970-01-01T00-00-00.000.log"])
      expect(fs.readFileSync(rotated[0]!, "utf8")).toBe("12345\n")
      expect(fs.readFileSync(file, "utf8")).toBe("67890\n")
    }))

  it.effect("isTerminal answers for the stream asked about", () =>
    Effect.sync(() => {
      expect(node.isTerminal("stdout")).toBe(tty.isatty(1))
      expect(node.isTerminal("stderr")).toBe(tty.isatty(2))
    }))

  it.live("report writes to stderr at once, nothing to stdout", () =>
    Effect.gen(function*() {
      const r = yield* Effect.promise(() => runFixture("test/fixtures/platform-report.ts", []))
      expect(r.stderr).toBe("effect-foundation: first report\neffect-foundation: second report\n")
      expect(r.stdout).toBe("done\n")
      expect(r.code).toBe(0)
    }))
})
