import { describe, expect, it } from "@effect/vitest"
import { Clock, ConfigProvider, Effect, Exit, TestClock } from "effect"
import { LogSink } from "effect-foundation"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-rotate-"))
/** 100 bytes: `line-0042 xxx…\n` */
const line = (i: number) => `line-${String(i).padStart(4, "0")} `.padEnd(99, "x") + "\n"
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join("")

const capture = () => {
  const reports: Array<string> = []
  return { reports, report: (text: string) => void reports.push(text) }
}

const STAMP = /^app\.(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3})\.log(\.gz)?$/

/** The rotated files of `dir` (name order = age order), then the current one. */
const filesOf = (dir: string): Array<string> => {
  const rotated = fs.readdirSync(dir).filter((n) => STAMP.test(n)).sort()
  return fs.existsSync(path.join(dir, "app.log")) ? [...rotated, "app.log"] : rotated
}

/** Everything in `dir`, decompressed, oldest first. */
const contentOf = (dir: string): string =>
  filesOf(dir).map((n) => {
    const raw = fs.readFileSync(path.join(dir, n))
    return n.endsWith(".gz") ? zlib.gunzipSync(raw).toString("utf8") : raw.toString("utf8")
  }).join("")

/** Polls (real time) until `done()` holds; the vitest timeout bounds a hang. */
const until = (done: () => boolean): Effect.Effect<void> =>
  Effect.promise(async () => {
    while (!done()) await new Promise((r) => setTimeout(r, 10))
  })

describe("LogSink rotation: by size", () => {
  it.scoped("1,000 lines of 100 bytes, maxSize 1 KiB: exactly 100 files of 10 whole lines, every line once, in order", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const { report, reports } = capture()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: "1 KiB" } },
        flushSize: 3_000, // batches that straddle file boundaries
        exitHook: false,
        report
      })
      for (let i = 0; i < 1_000; i++) sink.write(line(i))
      const r = yield* sink.flush()
      expect(r).toMatchObject({ status: "flushed", failed: 0, pending: 0 })
      const files = filesOf(dir)
      expect(files.length).toBe(100)
      expect(fs.readdirSync(dir).length).toBe(100) // nothing else
      for (const [k, n] of files.entries()) {
        expect(fs.readFileSync(path.join(dir, n), "utf8")).toBe(lines(10 * k, 10 * k + 10))
      }
      expect(contentOf(dir)).toBe(lines(0, 1_000))
      expect(sink.stats()).toMatchObject({ rotations: 99, errors: 0, written: 1_000 })
      expect(reports).toEqual([])
    }))

  it.scoped("names carry the Clock's time (TestClock: the epoch), a millisecond apart when rotations share one", () =>
    Effect.gen(function*() {
      const dir = tmp()
      yield* TestClock.setTime(Date.UTC(2026, 10, 30, 12, 0, 0))
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000 } },
        exitHook: false
      })
      for (let i = 0; i < 40; i++) sink.write(line(i))
      yield* sink.flush()
      expect(filesOf(dir)).toEqual([
        "app.2026-11-30T12-00-00.000.log",
        "app.2026-11-30T12-00-00.001.log",
        "app.2026-11-30T12-00-00.002.log",
        "app.log"
      ])
      expect(fs.readFileSync(path.join(dir, "app.2026-11-30T12-00-00.000.log"), "utf8")).toBe(lines(0, 10))
    }))

  it.scoped("a new sink never names a rotated file before an existing one, even with the clock behind", () =>
    Effect.gen(function*() {
      const dir = tmp()
      fs.writeFileSync(path.join(dir, "app.2030-01-01T00-00-00.000.log.gz"), "")
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000 } },
        exitHook: false
      })
      for (let i = 0; i < 20; i++) sink.write(line(i))
      yield* sink.flush()
      expect(filesOf(dir)).toEqual(["app.2030-01-01T00-00-00.000.log.gz", "app.2030-01-01T00-00-00.001.log", "app.log"])
    }))

  it.scoped("a line longer than maxSize gets a file of its own; the lines around it are not split", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 250 } },
        exitHook: false
      })
      const big = "b".repeat(999) + "\n"
      sink.write(line(0))
      sink.write(big)
      sink.write(line(1))
      sink.write(line(2))
      sink.write(line(3))
      yield* sink.flush()
      const files = filesOf(dir).map((n) => fs.readFileSync(path.join(dir, n), "utf8"))
      expect(files).toEqual([line(0), big, line(1) + line(2), line(3)])
    }))

  it.scoped("appending to an existing file counts its size", () =>
    Effect.gen(function*() {
      const dir = tmp()
      fs.writeFileSync(path.join(dir, "app.log"), lines(0, 9))
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000 } },
        exitHook: false
      })
      for (let i = 9; i < 12; i++) sink.write(line(i))
      yield* sink.flush()
      expect(filesOf(dir).map((n) => fs.readFileSync(path.join(dir, n), "utf8"))).toEqual([lines(0, 10), lines(10, 12)])
    }))

  it.effect("the exit of the scope (shutdown) writes the queued lines, rotating on the way", () =>
    Effect.gen(function*() {
      const dir = tmp()
      yield* Effect.scoped(Effect.gen(function*() {
        const sink = yield* LogSink.make({
          target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000 } },
          flushInterval: "1 hour",
          exitHook: false
        })
        for (let i = 0; i < 55; i++) sink.write(line(i))
      }))
      expect(filesOf(dir).length).toBe(6)
      expect(contentOf(dir)).toBe(lines(0, 55))
    }))
})

describe("LogSink rotation: by time", () => {
  it.scoped("TestClock.adjust('1 day') rotates at midnight UTC; the file name is the Clock's time; an empty file is left alone", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { interval: "1 day" } },
        flushInterval: "1 hour",
        exitHook: false
      })
      sink.write(line(0))
      yield* sink.flush()
      yield* TestClock.adjust("23 hours")
      expect(filesOf(dir)).toEqual(["app.log"])
      yield* TestClock.adjust("1 hour")
      expect(filesOf(dir)).toEqual(["app.1970-01-02T00-00-00.000.log", "app.log"])
      expect(fs.readFileSync(path.join(dir, "app.1970-01-02T00-00-00.000.log"), "utf8")).toBe(line(0))
      expect(fs.readFileSync(path.join(dir, "app.log"), "utf8")).toBe("")
      sink.write(line(1))
      yield* sink.flush()
      yield* TestClock.adjust("1 day")
      sink.write(line(2))
      yield* sink.flush()
      // a day with nothing logged: no empty rotated file
      yield* TestClock.adjust("1 day")
      yield* TestClock.adjust("1 day")
      const files = filesOf(dir)
      expect(files).toEqual([
        "app.1970-01-02T00-00-00.000.log",
        "app.1970-01-03T00-00-00.000.log",
        "app.1970-01-04T00-00-00.000.log",
        "app.log"
      ])
      expect(files.map((n) => fs.readFileSync(path.join(dir, n), "utf8"))).toEqual([line(0), line(1), line(2), ""])
      expect(sink.stats()).toMatchObject({ rotations: 3, errors: 0 })
    }))

  it.scoped("lines still queued at the boundary go to the closing file, lines after it to the new one", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { interval: "1 hour" } },
        flushInterval: "1 day", // nothing but the rotation writes before the boundary
        exitHook: false
      })
      sink.write(line(0))
      sink.write(line(1))
      yield* TestClock.adjust("1 hour")
      sink.write(line(2))
      yield* sink.flush()
      expect(filesOf(dir).map((n) => fs.readFileSync(path.join(dir, n), "utf8"))).toEqual([lines(0, 2), line(2)])
    }))

  it.scoped("size and time together", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { interval: "1 hour", maxSize: 1_000 } },
        flushInterval: "1 minute",
        exitHook: false
      })
      for (let i = 0; i < 15; i++) sink.write(line(i))
      yield* TestClock.adjust("1 hour")
      for (let i = 15; i < 18; i++) sink.write(line(i))
      yield* sink.flush()
      expect(filesOf(dir).map((n) => fs.readFileSync(path.join(dir, n), "utf8"))).toEqual([
        lines(0, 10),
        lines(10, 15),
        lines(15, 18)
      ])
    }))

  it.scoped("a file last written in an earlier period is rotated at start", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const file = path.join(dir, "app.log")
      fs.writeFileSync(file, line(0))
      const old = new Date(Date.UTC(2026, 10, 28, 10))
      fs.utimesSync(file, old, old)
      yield* TestClock.setTime(Date.UTC(2026, 10, 30, 9))
      const sink = yield* LogSink.make({
        target: { file, rotate: { interval: "1 day" } },
        flushInterval: "1 day",
        exitHook: false
      })
      yield* TestClock.adjust("1 millis") // the rotation fiber runs
      sink.write(line(1))
      yield* sink.flush()
      expect(filesOf(dir)).toEqual(["app.2026-11-30T09-00-00.000.log", "app.log"])
      expect(contentOf(dir)).toBe(lines(0, 2))
    }))
})

describe("LogSink rotation: the clock jumps", () => {
  /** The TestClock's timers (relative, as the real ones), with a wall time `offset.ms` away from it. */
  const shifted = (base: Clock.Clock, offset: { ms: number }): Clock.Clock => ({
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + offset.ms,
    currentTimeMillis: Effect.sync(() => base.unsafeCurrentTimeMillis() + offset.ms),
    unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos() + BigInt(offset.ms) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => base.unsafeCurrentTimeNanos() + BigInt(offset.ms) * 1_000_000n),
    sleep: (d) => base.sleep(d)
  })

  it.scoped("the wall clock jumps back a month: daily rotation goes on, one rotation a day for 10 days", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const offset = { ms: 0 }
      yield* TestClock.setTime(Date.UTC(2026, 11, 6, 12))
      const clock = shifted(yield* Effect.clock, offset)
      const sink = yield* Effect.withClock(
        LogSink.make({
          target: { file: path.join(dir, "app.log"), rotate: { interval: "1 day" } },
          flushInterval: "1 hour",
          exitHook: false
        }),
        clock
      )
      sink.write(line(0))
      yield* sink.flush()
      offset.ms = -30 * 86_400_000
      for (let day = 1; day <= 10; day++) {
        sink.write(line(day))
        yield* sink.flush()
        yield* TestClock.adjust("1 day")
      }
      const stats = sink.stats()
      expect(stats.rotations, `rotations in 10 days after the jump: ${stats.rotations}; files: ${filesOf(dir)}`).toBe(
        10
      )
      expect(stats.errors).toBe(0)
      expect(contentOf(dir)).toBe(lines(0, 11))
    }))
})

describe("LogSink rotation: retention and compression", () => {
  it.live("maxFiles 3: the oldest rotated files are deleted, the newest 3 kept", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000, maxFiles: 3 } },
        exitHook: false
      })
      for (let i = 0; i < 95; i++) sink.write(line(i)) // 9 rotations
      yield* sink.flush()
      yield* until(() => filesOf(dir).length === 4)
      const files = filesOf(dir)
      expect(files.length).toBe(4)
      expect(fs.readdirSync(dir).length).toBe(4)
      expect(contentOf(dir)).toBe(lines(60, 95)) // the newest 3 rotated files + the current one
      expect(sink.stats()).toMatchObject({ rotations: 9, errors: 0 })
    })))

  it.live("compress: each rotated file becomes .gz (the original removed, content intact); with maxFiles", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = tmp()
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000, compress: true, maxFiles: 5 } },
        exitHook: false
      })
      for (let i = 0; i < 25; i++) sink.write(line(i))
      yield* sink.flush()
      yield* until(() =>
        fs.readdirSync(dir).filter((n) => n.endsWith(".gz")).length === 2 &&
        !fs.readdirSync(dir).some((n) => /\d\.log$/.test(n))
      )
      expect(fs.readdirSync(dir).sort()).toEqual([
        expect.stringMatching(/^app\.[-\dT.]+\.log\.gz$/),
        expect.stringMatching(/^app\.[-\dT.]+\.log\.gz$/),
        "app.log"
      ])
      expect(contentOf(dir)).toBe(lines(0, 25))
      for (let i = 25; i < 100; i++) sink.write(line(i))
      yield* sink.flush()
      yield* until(() =>
        fs.readdirSync(dir).filter((n) => n.endsWith(".gz")).length === 5 &&
        !fs.readdirSync(dir).some((n) => /\d\.log$/.test(n))
      )
      expect(fs.readdirSync(dir).length).toBe(6)
      expect(contentOf(dir)).toBe(lines(40, 100)) // 5 rotated files of 10 lines + the current one
      expect(sink.stats()).toMatchObject({ rotations: 9, errors: 0 })
    })))

  it.live("leftovers of an exit during compression are finished at the next start", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = tmp()
      const a = path.join(dir, "app.2026-01-01T00-00-00.000.log")
      const b = path.join(dir, "app.2026-01-02T00-00-00.000.log")
      const c = path.join(dir, "app.2026-01-03T00-00-00.000.log")
      fs.writeFileSync(a, lines(0, 3))
      fs.writeFileSync(a + ".gz.0123456789abcdef.tmp", "partial") // cut short
      fs.writeFileSync(b, lines(3, 6))
      fs.writeFileSync(b + ".gz.fedcba9876543210.tmp", zlib.gzipSync(lines(3, 6)))
      fs.linkSync(b + ".gz.fedcba9876543210.tmp", b + ".gz") // done but for removing the original
      fs.writeFileSync(c, lines(6, 9))
      fs.writeFileSync(c + ".gz", "not the rotation's") // not provably the compression of c: both kept
      fs.writeFileSync(path.join(dir, "app.log"), "")
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000, compress: true } },
        exitHook: false
      })
      yield* until(() => fs.readdirSync(dir).length === 5 && !fs.existsSync(a))
      expect(fs.readdirSync(dir).sort()).toEqual([
        path.basename(a) + ".gz",
        path.basename(b) + ".gz",
        path.basename(c),
        path.basename(c) + ".gz",
        "app.log"
      ])
      expect(zlib.gunzipSync(fs.readFileSync(a + ".gz")).toString()).toBe(lines(0, 3))
      expect(zlib.gunzipSync(fs.readFileSync(b + ".gz")).toString()).toBe(lines(3, 6))
      expect(fs.readFileSync(c, "utf8")).toBe(lines(6, 9))
      expect(fs.readFileSync(c + ".gz", "utf8")).toBe("not the rotation's")
      expect(sink.stats()).toMatchObject({ errors: 0 })
    })))
})

describe("LogSink rotation: nothing of anyone else's is followed, overwritten or deleted", () => {
  it.live("symlinks planted where compression writes (<rotated>.gz.tmp) or ends (<rotated>.gz): the victims are untouched", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = tmp()
      const victims = fs.mkdtempSync(path.join(os.tmpdir(), "ef-victims-"))
      const nameOf = (k: number) => path.join(dir, `app.2026-01-01T00-00-00.${String(k).padStart(3, "0")}.log`)
      const planted: Array<string> = []
      for (let k = 0; k < 33; k++) {
        const victim = path.join(victims, `victim-${k}`)
        fs.writeFileSync(victim, `victim ${k}\n`)
        // 0-10: rotated files of an earlier run, still to compress; 11-32: the names the next 22 rotations take
        if (k < 11) fs.writeFileSync(nameOf(k), lines(10 * k, 10 * k + 10))
        const link = k < 11 || k % 2 === 0 ? nameOf(k) + ".gz.tmp" : nameOf(k) + ".gz"
        fs.symlinkSync(victim, link)
        planted.push(link)
      }
      const sink = yield* LogSink.make({
        target: { file: path.join(dir, "app.log"), rotate: { maxSize: 1_000, compress: true } },
        exitHook: false
      })
      for (let i = 110; i < 335; i++) sink.write(line(i)) // 22 rotations
      yield* sink.flush()
      // compression done: no rotated file left uncompressed
      yield* until(() => !fs.readdirSync(dir).some((n) => /\d\.log$/.test(n)))
      const overwritten = Array.from({ length: 33 }, (_, k) => k).filter((k) =>
        fs.readFileSync(path.join(victims, `victim-${k}`), "utf8") !== `victim ${k}\n`
      )
      const stats = sink.stats()
      const counts =
        `rotations ${stats.rotations}, errors ${stats.errors}, overwritten victims ${overwritten.length} of 33`
      expect(overwritten, counts).toEqual([])
      expect(planted.filter((l) => !fs.lstatSync(l, { throwIfNoEntry: false })?.isSymbolicLink()), counts).toEqual([])
      expect(stats, counts).toMatchObject({ rotations: 22, errors: 0 })
      // every line once, in order, in the rotation's own files
      const own = fs.readdirSync(dir).filter((n) => STAMP.test(n) && !fs.lstatSync(path.join(dir, n)).isSymbolicLink())
      expect(own.length, counts).toBe(33)
      const text = [...own.sort(), "app.log"].map((n) => {
        const raw = fs.readFileSync(path.join(dir, n))
        return n.endsWith(".gz") ? zlib.gunzipSync(raw).toString("utf8") : raw.toString("utf8")
      }).join("")
      expect(text, counts).toBe(lines(0, 335))
    })))
})

describe("LogSink rotation: failures", () => {
  it.scoped("a rotated name that cannot be created (ENAMETOOLONG): counted, reported once, logging goes on in the current file", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const { report, reports } = capture()
      const name = "a".repeat(240) + ".log" // the rotated name would pass 255 bytes
      const file = path.join(dir, name)
      const sink = yield* LogSink.make({
        target: { file, rotate: { maxSize: 1_000 } },
        flushSize: 1,
        exitHook: false,
        report
      })
      for (let i = 0; i < 100; i++) sink.write(line(i))
      const r = yield* sink.flush()
      expect(r).toMatchObject({ status: "flushed", failed: 0 })
      expect(fs.readdirSync(dir)).toEqual([name])
      expect(fs.readFileSync(file, "utf8")).toBe(lines(0, 100))
      // tried at 1,000 bytes, then every 1,000 bytes more: 9 attempts, each counted
      expect(sink.stats()).toMatchObject({ written: 100, failed: 0, rotations: 0, errors: 9 })
      expect(sink.stats().lastError).toMatch(/ENAMETOOLONG/)
      expect(reports.length).toBe(1)
      expect(reports[0]).toContain("log rotation failed")
      expect(reports[0]).toContain("logging goes on in the current file")
    }))

  it.scoped.skipIf(process.getuid?.() === 0)(
    "a read-only folder: counted, reported once, logging goes on",
    () =>
      Effect.gen(function*() {
        const dir = tmp()
        const { report, reports } = capture()
        const file = path.join(dir, "app.log")
        const sink = yield* LogSink.make({ target: { file, rotate: { maxSize: 1_000 } }, exitHook: false, report })
        fs.chmodSync(dir, 0o555)
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.chmodSync(dir, 0o755)))
        for (let i = 0; i < 25; i++) sink.write(line(i))
        yield* sink.flush()
        expect(fs.readFileSync(file, "utf8")).toBe(lines(0, 25))
        expect(sink.stats()).toMatchObject({ rotations: 0, errors: 2 })
        expect(reports.length).toBe(1)
      })
  )

  it.scoped("a file renamed away without a reopen: the rotation fails (counted once), lines keep going to the open file", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const { report, reports } = capture()
      const file = path.join(dir, "app.log")
      const sink = yield* LogSink.make({
        target: { file, rotate: { interval: "1 hour" } },
        flushInterval: "1 day",
        exitHook: false,
        report
      })
      sink.write(line(0))
      yield* sink.flush()
      fs.renameSync(file, path.join(dir, "moved.log"))
      yield* TestClock.adjust("1 hour")
      sink.write(line(1))
      yield* sink.flush()
      expect(fs.readFileSync(path.join(dir, "moved.log"), "utf8")).toBe(lines(0, 2))
      expect(sink.stats()).toMatchObject({ rotations: 0, errors: 1 })
      expect(reports.length).toBe(1)
      expect(reports[0]).toMatch(/log rotation failed.*ENOENT/)
      // reopen (what logrotate's postrotate asks for) picks the path up again; rotation goes on
      expect(yield* sink.reopen()).toBe(true)
      sink.write(line(2))
      yield* sink.flush()
      yield* TestClock.adjust("1 hour")
      expect(filesOf(dir)).toEqual(["app.1970-01-01T02-00-00.000.log", "app.log"])
      expect(fs.readFileSync(path.join(dir, "app.1970-01-01T02-00-00.000.log"), "utf8")).toBe(line(2))
    }))

  const badOptions: ReadonlyArray<readonly [string, LogSink.RotateOptions | Record<string, unknown>, RegExp]> = [
    ["maxSize", { maxSize: "lots" }, /rotate\.maxSize: invalid value "lots"; accepted: a positive number of bytes/],
    ["maxSize 0", { maxSize: 0 }, /rotate\.maxSize: invalid value 0/],
    ["interval", { interval: "soon" }, /rotate\.interval: invalid value "soon"; accepted: a positive finite duration/],
    ["interval infinite", { interval: Infinity }, /rotate\.interval: invalid value Infinity/],
    ["maxFiles", { maxSize: 10, maxFiles: 1.5 }, /rotate\.maxFiles: invalid value 1\.5; accepted: a positive integer/],
    [
      "nothing to rotate on",
      { maxFiles: 3 },
      /LogSink option target\.rotate: invalid value .*; accepted: an object with maxSize or interval \(or both\)/
    ]
  ]
  for (const [label, rotate, message] of badOptions) {
    it.effect(`a bad option (${label}) fails make with a LogSinkError naming it`, () =>
      Effect.gen(function*() {
        const file = path.join(tmp(), "app.log")
        const exit = yield* Effect.exit(
          Effect.scoped(LogSink.make({ target: { file, rotate: rotate as LogSink.RotateOptions } }))
        )
        expect(Exit.isFailure(exit)).toBe(true)
        const err = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(err?._tag).toBe("LogSinkError")
        expect(err?.message).toContain(file)
        expect(err?.message).toMatch(message)
      }))
  }

  it.effect("rotation needs a regular file", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.scoped(LogSink.make({ target: { file: "/dev/null", rotate: { maxSize: 10 } } }))
      )
      const err = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(err?.message).toMatch(/rotation needs a regular file/)
    }))
})

describe("LogSink.config: rotation variables", () => {
  const run = (env: Record<string, string>) =>
    Effect.either(Effect.withConfigProvider(LogSink.config, ConfigProvider.fromMap(new Map(Object.entries(env)))))

  it.effect("PROVIDE_LOG_FILE_MAX_SIZE, _INTERVAL, _MAX_FILES, _COMPRESS, _REOPEN_SIGNAL", () =>
    Effect.gen(function*() {
      const r = yield* run({
        PROVIDE_LOG_FILE: "/var/log/app.log",
        PROVIDE_LOG_FILE_MAX_SIZE: "10 MiB",
        PROVIDE_LOG_FILE_INTERVAL: "1 day",
        PROVIDE_LOG_FILE_MAX_FILES: "7",
        PROVIDE_LOG_FILE_COMPRESS: "yes",
        PROVIDE_LOG_FILE_REOPEN_SIGNAL: "hup"
      })
      expect(r._tag).toBe("Right")
      const target = r._tag === "Right" ? r.right.target as LogSink.FileTarget : undefined
      expect(target?.file).toBe("/var/log/app.log")
      expect(target?.reopenOnSignal).toBe("SIGHUP")
      expect(target?.rotate).toMatchObject({ maxSize: 10 * 1024 * 1024, maxFiles: 7, compress: true })
      expect(JSON.stringify(target?.rotate?.interval)).toContain("86400000")
      expect(yield* run({ PROVIDE_LOG_FILE: "a.log" })).toMatchObject({ right: { target: { file: "a.log" } } })
    }))

  const bad: ReadonlyArray<readonly [Record<string, string>, string, string]> = [
    [
      { PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_MAX_SIZE: "big" },
      "PROVIDE_LOG_FILE_MAX_SIZE",
      "positive number of bytes"
    ],
    [
      { PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_INTERVAL: "daily" },
      "PROVIDE_LOG_FILE_INTERVAL",
      "positive duration"
    ],
    [{ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_MAX_FILES: "0" }, "PROVIDE_LOG_FILE_MAX_FILES", "positive integer"],
    [
      { PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_COMPRESS: "gzip" },
      "PROVIDE_LOG_FILE_COMPRESS",
      "true, false, 1, 0, yes, no, on, off"
    ],
    [
      { PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_REOPEN_SIGNAL: "SIGKILL" },
      "PROVIDE_LOG_FILE_REOPEN_SIGNAL",
      "SIGHUP, SIGUSR2"
    ]
  ]
  for (const [env, name, accepted] of bad) {
    it.effect(`${name}=${env[name]} fails naming the variable, the value and what is accepted`, () =>
      Effect.gen(function*() {
        const r = yield* run(env)
        const msg = String(r._tag === "Left" ? r.left : "")
        expect(msg).toContain(`${name}: invalid value ${JSON.stringify(env[name])}; accepted: `)
        expect(msg).toContain(accepted)
      }))
  }

  it.effect("a rotation variable without PROVIDE_LOG_FILE, or retention without a rotation, fails with a clear message", () =>
    Effect.gen(function*() {
      const a = yield* run({ PROVIDE_LOG_FILE_MAX_SIZE: "10m" })
      expect(String(a._tag === "Left" ? a.left : "")).toContain(
        "PROVIDE_LOG_FILE_MAX_SIZE is set but PROVIDE_LOG_FILE is not"
      )
      const b = yield* run({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_MAX_FILES: "3" })
      expect(String(b._tag === "Left" ? b.left : "")).toContain(
        "neither PROVIDE_LOG_FILE_MAX_SIZE nor PROVIDE_LOG_FILE_INTERVAL"
      )
    }))
})
