/**
 * The rotating file driver's exclusive file-system steps, on a temporary directory: entries seen without following
 * symlinks, a second name that never replaces an existing entry, and regular-file checks.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { exists, isRegular, link, NOFOLLOW, sameFile } from "../src/node/exclusive.js"

let dir: string
const at = (name: string): string => path.join(dir, name)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "exclusive-test-"))
  fs.writeFileSync(at("app.log"), "one\n")
  fs.writeFileSync(at("other.log"), "two\n")
  fs.mkdirSync(at("sub"))
  fs.symlinkSync(at("app.log"), at("link-to-app"))
  fs.symlinkSync(at("missing"), at("dangling"))
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe("node/exclusive", () => {
  it("NOFOLLOW is the platform's O_NOFOLLOW flag", () => {
    expect(NOFOLLOW).toBe(fs.constants.O_NOFOLLOW ?? 0)
    if (process.platform === "linux") expect(NOFOLLOW).toBe(0o400000)
  })

  it("exists sees any entry, a dangling symlink too, and nothing where there is none", () => {
    expect(["app.log", "sub", "link-to-app", "dangling", "missing", "sub/none"].map((n) => exists(at(n)))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false
    ])
  })

  it("link makes a second name of the file, sharing its content", async () => {
    expect(link(at("app.log"), at("app.log.1"))).toBe("linked")
    expect(fs.readFileSync(at("app.log.1"), "utf8")).toBe("one\n")
    expect(await sameFile(at("app.log"), at("app.log.1"))).toBe(true)
  })

  it("link never replaces an existing entry: a file, a directory or a dangling symlink is taken", () => {
    expect([
      link(at("app.log"), at("other.log")),
      link(at("app.log"), at("sub")),
      link(at("app.log"), at("dangling"))
    ]).toEqual(["taken", "taken", "taken"])
    expect(fs.readFileSync(at("other.log"), "utf8")).toBe("two\n")
    expect(fs.lstatSync(at("dangling")).isSymbolicLink()).toBe(true)
    expect(fs.existsSync(at("missing"))).toBe(false)
  })

  it("link throws any other failure, such as a missing source", () => {
    expect(() => link(at("missing"), at("new"))).toThrow(expect.objectContaining({ code: "ENOENT" }))
    expect(exists(at("new"))).toBe(false)
  })

  it("isRegular is true for a regular file only: not a directory, a symlink to a file, or nothing", async () => {
    const names = ["app.log", "sub", "link-to-app", "dangling", "missing"]
    expect(await Promise.all(names.map((n) => isRegular(at(n))))).toEqual([true, false, false, false, false])
  })

  it("sameFile is false for two files, a symlink to the file, a directory or a missing name", async () => {
    expect(
      await Promise.all([
        sameFile(at("app.log"), at("app.log")),
        sameFile(at("app.log"), at("other.log")),
        sameFile(at("app.log"), at("link-to-app")),
        sameFile(at("link-to-app"), at("app.log")),
        sameFile(at("sub"), at("sub")),
        sameFile(at("app.log"), at("missing"))
      ])
    ).toEqual([true, false, false, false, false, false])
  })
})
