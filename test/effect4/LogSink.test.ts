/**
 * The Effect 4 binding's LogSink: the root's cases (test/LogSink.test.ts), ported to effect 4.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as LogSink from "../../src/effect4/LogSink.js"
import { captureConsole, itEffect, itLive, itScoped, withConsole } from "./harness.js"

const itScopedIf = (condition: boolean) => condition ? itScoped : it.skip

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-sink-"))
const line = (i: number) => `line-${String(i).padStart(2, "0")}\n` // 8 bytes
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join("")

/** A writer that records chunks; while `gate` is unresolved every batch stays in flight. */
const gatedWriter = (gate: Deferred.Deferred<void>, out: Array<string>) => (chunk: string) =>
  Effect.andThen(Deferred.await(gate), Effect.sync(() => void out.push(chunk)))

describe("LogSink: batching", () => {
  itScoped("flushes when the buffer reaches flushSize, not before", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: (c) => void out.push(c),
        flushSize: 32,
        flushInterval: "1 hour",
        exitHook: false
      })
      for (let i = 0; i < 3; i++) sink.write(line(i))
      expect(out).toEqual([])
      sink.write(line(3)) // 32 bytes
      expect(out).toEqual([lines(0, 4)])
      for (let i = 4; i < 7; i++) sink.write(line(i))
      expect(out).toEqual([lines(0, 4)])
      expect(sink.stats()).toMatchObject({ accepted: 7, written: 4, pending: 3, batches: 1 })
    }))

  itScoped("flushes on the interval, driven by the Clock", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: (c) => void out.push(c),
        flushSize: 1 << 20,
        flushInterval: "1 second",
        exitHook: false
      })
      sink.write(line(1))
      sink.write(line(2))
      yield* TestClock.adjust("999 millis")
      expect(out).toEqual([])
      yield* TestClock.adjust("1 millis")
      expect(out).toEqual([lines(1, 3)])
      sink.write(line(3))
      yield* TestClock.adjust("1 second")
      expect(out).toEqual([lines(1, 3), line(3)])
      // nothing buffered: no empty batches
      yield* TestClock.adjust("5 seconds")
      expect(out.length).toBe(2)
    }))

  itScoped("console target: one Console.log per line, captured with withConsole", () =>
    Effect.gen(function*() {
      const { console: capture, logged } = yield* captureConsole
      const sink = yield* LogSink.make({ target: "console", exitHook: false }).pipe(withConsole(capture))
      sink.write("a=1\n")
      sink.write("b=2\n")
      const report = yield* sink.flush()
      expect(logged).toEqual(["a=1", "b=2"])
      expect(report).toMatchObject({ status: "flushed", written: 2, failed: 0, pending: 0 })
    }))

  itEffect("closing the scope flushes every buffered line", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      yield* Effect.scoped(Effect.gen(function*() {
        const sink = yield* LogSink.make({ target: (c) => void out.push(c), flushInterval: "1 hour", exitHook: false })
        for (let i = 0; i < 10; i++) sink.write(line(i))
      }))
      expect(out.join("")).toBe(lines(0, 10))
    }))
})

describe("LogSink: overflow policies", () => {
  // flushSize 10: lines 0 and 1 (16 bytes) go in flight and stay there (gate closed);
  // the buffer (96 bytes) then holds 12 more 8-byte lines; 30 more are written.
  const scenario = (overflow: LogSink.OverflowPolicy) =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: gatedWriter(gate, out),
        flushSize: 10,
        maxBufferBytes: 96,
        overflow,
        flushInterval: "1 hour",
        exitHook: false
      })
      for (let i = 0; i < 32; i++) sink.write(line(i))
      const before = sink.stats()
      yield* Deferred.succeed(gate, undefined)
      const report = yield* sink.flush()
      return { out: out.join(""), before, report, stats: sink.stats() }
    })

  itScoped("drop_newest keeps the first lines and counts the rest", () =>
    Effect.gen(function*() {
      const r = yield* scenario("drop_newest")
      expect(r.before).toMatchObject({ accepted: 32, dropped: 18, pending: 14 })
      const [kept, warning] = [r.out.split("\n").slice(0, 14), r.out.split("\n")[14]!]
      expect(kept.join("\n") + "\n").toBe(lines(0, 14))
      expect(JSON.parse(warning)).toMatchObject({ level: "warning", dropped: 18, overflow: "drop_newest" })
      expect(warning).toContain("18 records dropped")
      expect(r.report).toMatchObject({ status: "flushed", dropped: 18, pending: 0 })
      expect(r.stats).toMatchObject({ written: 14, dropped: 18, failed: 0 })
    }))

  itScoped("drop_oldest (default) keeps the newest lines", () =>
    Effect.gen(function*() {
      const r = yield* scenario("drop_oldest")
      expect(r.before).toMatchObject({ accepted: 32, dropped: 18, pending: 14 })
      const got = r.out.split("\n")
      expect(got.slice(0, 14).join("\n") + "\n").toBe(lines(0, 2) + lines(20, 32))
      expect(JSON.parse(got[14]!)).toMatchObject({ dropped: 18, overflow: "drop_oldest" })
      expect(got.length).toBe(16) // one warning line, then the final ""
      expect(r.stats).toMatchObject({ written: 14, dropped: 18 })
    }))

  itScoped("the warning line uses the given renderer, once per overflow episode", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: gatedWriter(gate, out),
        flushSize: 10,
        maxBufferBytes: 16,
        overflow: "drop_newest",
        flushInterval: "1 hour",
        exitHook: false,
        warningLine: (message, fields) => `[WARN] ${message} dropped=${fields["dropped"]}\n`
      })
      for (let i = 0; i < 10; i++) sink.write(line(i))
      yield* Deferred.succeed(gate, undefined)
      yield* sink.flush()
      sink.write(line(10))
      yield* sink.flush()
      const text = out.join("")
      expect(text.match(/\[WARN\]/g)?.length).toBe(1)
      expect(text).toContain("dropped=6")
      expect(text.endsWith(line(10))).toBe(true)
    }))

  itScoped("block never drops: the overflowing write goes out synchronously", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: (c) => void out.push(c),
        flushSize: 64,
        maxBufferBytes: 64,
        overflow: "block",
        flushInterval: "1 hour",
        exitHook: false
      })
      for (let i = 0; i < 100; i++) sink.write(line(i))
      // every batch left synchronously, in order, and at most 64 bytes were ever buffered
      expect(out.every((c) => c.length <= 64)).toBe(true)
      expect(out.join("")).toBe(lines(0, 96))
      const report = yield* sink.flush()
      expect(out.join("")).toBe(lines(0, 100))
      expect(report).toMatchObject({ status: "flushed", dropped: 0 })
      expect(sink.stats()).toMatchObject({ accepted: 100, written: 100, dropped: 0 })
    }))
})

describe("LogSink: failures never break the program", () => {
  const capture = () => {
    const reports: Array<string> = []
    return { reports, report: (t: string) => void reports.push(t) }
  }

  itScoped("a throwing writer: counted, reported once, later lines still go out", () =>
    Effect.gen(function*() {
      const { report, reports } = capture()
      const out: Array<string> = []
      let calls = 0
      const sink = yield* LogSink.make({
        target: (c) => {
          calls++
          if (calls === 2 || calls === 3) throw new Error("disk on fire")
          out.push(c)
        },
        flushSize: 16,
        exitHook: false,
        report
      })
      for (let i = 0; i < 8; i++) sink.write(line(i)) // 4 batches of 2
      expect(out.join("")).toBe(lines(0, 2) + lines(6, 8))
      expect(sink.stats()).toMatchObject({ written: 4, failed: 4, errors: 2, lastError: "disk on fire" })
      expect(reports.length).toBe(1)
      expect(reports[0]).toContain("disk on fire")
      const r = yield* sink.flush()
      expect(r.status).toBe("flushed")
    }))

  itScoped("a failing Effect writer is counted in the flush report", () =>
    Effect.gen(function*() {
      const { report, reports } = capture()
      const sink = yield* LogSink.make({ target: () => Effect.fail("nope"), exitHook: false, report })
      sink.write(line(1))
      sink.write(line(2))
      const r = yield* sink.flush()
      expect(r).toMatchObject({ status: "failed", failed: 2, written: 0 })
      expect(reports.length).toBe(1)
      expect(reports[0]).toContain("nope")
    }))

  itScopedIf(fs.existsSync("/dev/full"))(
    "a full disk (/dev/full): ENOSPC counted and reported once",
    () =>
      Effect.gen(function*() {
        const { report, reports } = capture()
        const sink = yield* LogSink.make({ target: { file: "/dev/full" }, flushSize: 16, exitHook: false, report })
        for (let i = 0; i < 6; i++) {
          sink.write(line(i))
          sink.write(line(i))
          yield* sink.flush()
        }
        const r = yield* sink.flush()
        expect(sink.stats()).toMatchObject({ accepted: 12, written: 0, failed: 12 })
        expect(r.status).toBe("flushed") // nothing new was pending
        expect(reports.length).toBe(1)
        expect(reports[0]).toContain("ENOSPC")
      })
  )

  itScoped("a closed pipe (EPIPE): counted and reported once, the program keeps going", () =>
    Effect.gen(function*() {
      const { report, reports } = capture()
      // a FIFO whose only reader has gone away
      const fifo = path.join(tmp(), "pipe")
      execFileSync("mkfifo", [fifo])
      const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
      const fd = fs.openSync(fifo, fs.constants.O_WRONLY)
      fs.closeSync(reader)
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.closeSync(fd)))
      const sink = yield* LogSink.make({ target: { fd }, exitHook: false, report })
      sink.write(line(1))
      const r1 = yield* sink.flush()
      sink.write(line(2))
      const r2 = yield* sink.flush()
      expect(r1).toMatchObject({ status: "failed", failed: 1 })
      expect(r2).toMatchObject({ status: "failed", failed: 1 })
      expect(reports.length).toBe(1)
      expect(reports[0]).toContain("EPIPE")
    }))

  itEffect("a file that cannot be opened at start fails with a clear error", () =>
    Effect.gen(function*() {
      const dir = tmp()
      fs.writeFileSync(path.join(dir, "blocker"), "")
      const file = path.join(dir, "blocker", "app.log")
      const exit = yield* Effect.exit(Effect.scoped(LogSink.make({ target: { file } })))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const err = Exit.findErrorOption(exit).pipe((o) => o._tag === "Some" ? o.value : undefined)
        expect(err?._tag).toBe("LogSinkError")
        expect(err?.message).toContain(file)
        expect(err?.message).toMatch(/ENOTDIR|EEXIST/)
      }
    }))

  itScoped(
    "a file that cannot be opened after start (reopen): reported once, lines keep going to the open file",
    () =>
      Effect.gen(function*() {
        const { report, reports } = capture()
        const dir = tmp()
        const file = path.join(dir, "logs", "app.log")
        const sink = yield* LogSink.make({ target: { file }, exitHook: false, report })
        sink.write(line(1))
        yield* sink.flush()
        // rotation: the folder goes away and a file takes its name
        fs.renameSync(path.join(dir, "logs"), path.join(dir, "rotated"))
        fs.writeFileSync(path.join(dir, "logs"), "")
        expect(yield* sink.reopen()).toBe(false)
        sink.write(line(2))
        const r = yield* sink.flush()
        expect(r).toMatchObject({ status: "flushed", written: 1 })
        expect(fs.readFileSync(path.join(dir, "rotated", "app.log"), "utf8")).toBe(line(1) + line(2))
        expect(sink.stats().errors).toBe(1)
        expect(reports.length).toBe(1)
        expect(reports[0]).toContain("cannot reopen")
        // the folder comes back: reopen works and new lines go to the new file
        fs.rmSync(path.join(dir, "logs"))
        expect(yield* sink.reopen()).toBe(true)
        sink.write(line(3))
        yield* sink.flush()
        expect(fs.readFileSync(file, "utf8")).toBe(line(3))
      })
  )
})

describe("LogSink: files", () => {
  itScoped(
    "a burst that never yields while a write is in flight: the landed write is settled from the file size, nothing dropped",
    () =>
      Effect.gen(function*() {
        const file = path.join(tmp(), "inflight.log")
        const sink = yield* LogSink.make({
          target: { file },
          maxBufferBytes: 1024 * 1024,
          flushInterval: "1 hour",
          exitHook: false
        })
        const line = "y".repeat(99) + "\n"
        for (let i = 0; i < 1_000; i++) sink.write(line)
        yield* sink.flush(0) // a write is now in flight; its callback needs an event-loop turn
        for (let i = 0; i < 30_000; i++) sink.write(line) // 3 MB, three times the buffer, without a turn
        expect(sink.stats()).toMatchObject({ dropped: 0, failed: 0 })
        const r = yield* sink.flush()
        expect(r.status).toBe("flushed")
        expect(fs.statSync(file).size).toBe(31_000 * 100)
        expect(sink.stats()).toMatchObject({ accepted: 31_000, written: 31_000, dropped: 0, pending: 0 })
      })
  )

  itScoped("flush(0) starts the write without waiting; flush() then waits for it", () =>
    Effect.gen(function*() {
      // A file is written at once (it is never behind), so the write that stays in flight is an async writer's.
      const gate = yield* Deferred.make<void>()
      const out: Array<string> = []
      const sink = yield* LogSink.make({ target: gatedWriter(gate, out), flushInterval: "1 hour", exitHook: false })
      for (let i = 0; i < 10; i++) sink.write(line(i))
      const r0 = yield* sink.flush(0)
      expect(r0).toMatchObject({ status: "timed_out", written: 0, pending: 10 }) // in flight, not waited for
      yield* Deferred.succeed(gate, undefined)
      const r1 = yield* sink.flush()
      expect(r1.status).toBe("flushed")
      expect(out.join("")).toBe(lines(0, 10))
      expect(sink.stats()).toMatchObject({ written: 10, pending: 0, batches: 1 })
    }))

  itScoped(
    "a burst that never yields to the event loop: written synchronously past 1 MiB, nothing dropped",
    () =>
      Effect.gen(function*() {
        const file = path.join(tmp(), "burst.log")
        const sink = yield* LogSink.make({
          target: { file },
          maxBufferBytes: 2 * 1024 * 1024,
          flushInterval: "1 hour",
          exitHook: false
        })
        const line = "x".repeat(99) + "\n"
        for (let i = 0; i < 50_000; i++) sink.write(line) // 5 MB, more than the whole buffer, in one synchronous loop
        // no event-loop turn yet, yet most of it is already in the file and nothing was dropped
        expect(fs.statSync(file).size).toBeGreaterThanOrEqual(4 * 1024 * 1024)
        expect(sink.stats()).toMatchObject({ dropped: 0, failed: 0 })
        const r = yield* sink.flush()
        expect(r).toMatchObject({ status: "flushed", dropped: 0 })
        expect(fs.statSync(file).size).toBe(50_000 * 100)
      })
  )

  itScoped("appends, creating parent folders", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const file = path.join(dir, "a", "b", "app.log")
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, "old\n")
      const sink = yield* LogSink.make({ target: { file }, exitHook: false })
      for (let i = 0; i < 10_000; i++) sink.write(`${i}\n`)
      const r = yield* sink.flush()
      expect(r).toMatchObject({ status: "flushed", written: 10_000 })
      const got = fs.readFileSync(file, "utf8").split("\n")
      expect(got[0]).toBe("old")
      expect(got.slice(1, -1)).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i)))
    }))
})

describe("LogSink: shutdown", () => {
  itEffect("is idempotent and later lines are written synchronously", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const scope = yield* Scope.make()
      const sink = yield* Scope.provide(
        LogSink.make({ target: (c) => void out.push(c), flushInterval: "1 hour", exitHook: false }),
        scope
      )
      sink.write(line(1))
      const r1 = yield* sink.shutdown()
      const r2 = yield* sink.shutdown()
      expect(r1).toMatchObject({ status: "flushed", written: 1, pending: 0 })
      expect(r2).toEqual(r1)
      sink.write(line(2))
      expect(out).toEqual([line(1), line(2)])
      yield* Scope.close(scope, Exit.void) // finalizer: a third shutdown, no second copy
      expect(out).toEqual([line(1), line(2)])
      expect(sink.stats()).toMatchObject({ accepted: 2, written: 2, closed: true })
    }))

  itScoped("a deadline: a stuck target times out with the pending count", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const out: Array<string> = []
      const sink = yield* LogSink.make({ target: gatedWriter(gate, out), flushInterval: "1 hour", exitHook: false })
      for (let i = 0; i < 5; i++) sink.write(line(i))
      const fiber = yield* Effect.forkChild(sink.shutdown("2 seconds"))
      yield* TestClock.adjust("2 seconds")
      const r = yield* Fiber.await(fiber)
      // the report is made after the close: the 5 pending lines were given up, so they count as dropped too
      expect(r).toEqual(
        Exit.succeed({ status: "timed_out", written: 0, failed: 0, pending: 5, dropped: 5, durationMillis: 2000 })
      )
      yield* Deferred.succeed(gate, undefined)
    }))
})

describe("LogSink.config", () => {
  const run = (env: Record<string, string>) =>
    Effect.result(
      Effect.provideService(LogSink.config, ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
    ).pipe(Effect.map((r) =>
      Result.isSuccess(r) ? { _tag: "Right" as const, right: r.success } : { _tag: "Left" as const, left: r.failure }
    ))

  itEffect("reads every PROVIDE_LOG_* sink variable", () =>
    Effect.gen(function*() {
      const r = yield* run({
        PROVIDE_LOG_FILE: "/var/log/app.log",
        PROVIDE_LOG_FLUSH_SIZE: "16k",
        PROVIDE_LOG_FLUSH_INTERVAL: "250 ms",
        PROVIDE_LOG_MAX_BUFFER_BYTES: "2MiB",
        PROVIDE_LOG_OVERFLOW: "DROP_NEWEST",
        PROVIDE_LOG_SHUTDOWN_TIMEOUT: "3 s",
        PROVIDE_LOG_EXIT_HOOK: "off"
      })
      expect(r._tag).toBe("Right")
      if (r._tag === "Right") {
        const o = r.right
        expect(o.target).toEqual({ file: "/var/log/app.log" })
        expect(o.flushSize).toBe(16384)
        expect(o.maxBufferBytes).toBe(2 * 1024 * 1024)
        expect(o.overflow).toBe("drop_newest")
        expect(o.exitHook).toBe(false)
        expect(JSON.stringify(o.flushInterval)).toContain("250")
        expect(JSON.stringify(o.shutdownTimeout)).toContain("3000")
      }
      expect(yield* run({ PROVIDE_LOG_STREAM: "stderr" })).toMatchObject({ right: { target: "stderr" } })
      const none = yield* run({})
      expect(none._tag === "Right" ? none.right : undefined).toEqual({})
    }))

  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ["PROVIDE_LOG_STREAM", "stdin", "stdout, stderr"],
    ["PROVIDE_LOG_FLUSH_SIZE", "lots", "positive number of bytes"],
    ["PROVIDE_LOG_FLUSH_SIZE", "0", "positive number of bytes"],
    ["PROVIDE_LOG_FLUSH_INTERVAL", "soon", "positive duration"],
    ["PROVIDE_LOG_MAX_BUFFER_BYTES", "-5", "positive number of bytes"],
    ["PROVIDE_LOG_OVERFLOW", "drop_all", "drop_oldest, drop_newest, block"],
    ["PROVIDE_LOG_SHUTDOWN_TIMEOUT", "5 fortnights", "positive duration"],
    ["PROVIDE_LOG_EXIT_HOOK", "maybe", "true, false, 1, 0, yes, no, on, off"]
  ]
  for (const [name, value, accepted] of bad) {
    itEffect(
      `${name}=${value} fails naming the variable, the value and what is accepted`,
      () =>
        Effect.gen(function*() {
          const r = yield* run({ [name]: value })
          expect(r._tag).toBe("Left")
          const msg = r._tag === "Left" ? r.left.message : ""
          expect(msg).toContain(name)
          expect(msg).toContain(JSON.stringify(value))
          expect(msg).toContain(accepted)
        })
    )
  }
})

describe("LogSink.make options are checked like every option", () => {
  const bad: ReadonlyArray<readonly [Partial<LogSink.Options>, string]> = [
    [
      { overflow: "bogus" as never },
      "LogSink option overflow: invalid value \"bogus\"; accepted: drop_oldest, drop_newest, block"
    ],
    [{ flushSize: -5 }, "LogSink option flushSize: invalid value -5; accepted: a positive number of bytes"],
    [{ flushSize: 1.5 }, "LogSink option flushSize: invalid value 1.5; accepted: a positive number of bytes"],
    [{ maxBufferBytes: NaN }, "LogSink option maxBufferBytes: invalid value NaN; accepted: a positive number of bytes"],
    [{ flushInterval: 0 }, "LogSink option flushInterval: invalid value 0; accepted: a positive duration"],
    [{ flushInterval: "soon" as never }, "LogSink option flushInterval: invalid value \"soon\"; accepted: a positive"],
    [{ shutdownTimeout: -1 }, "LogSink option shutdownTimeout: invalid value -1; accepted: a finite, non-negative"],
    [{ shutdownTimeout: Infinity }, "LogSink option shutdownTimeout: invalid value Infinity; accepted: a finite"],
    [{ exitHook: "maybe" as never }, "LogSink option exitHook: invalid value \"maybe\"; accepted: true, false"],
    [{ target: "stdin" as never }, "LogSink option target: invalid value \"stdin\"; accepted: \"stdout\", \"stderr\""],
    [{ target: { fd: -1 } }, "LogSink option target: invalid value {\"fd\":-1}; accepted: \"stdout\""],
    [{ report: 42 as never }, "LogSink option report: invalid value 42; accepted: a function"]
  ]
  for (const [options, message] of bad) {
    itEffect(
      `${message.slice(0, message.indexOf("; accepted"))}: make fails with a LogSinkError naming it`,
      () =>
        Effect.gen(function*() {
          const out: Array<string> = []
          const target: LogSink.Target = (chunk) => void out.push(chunk)
          const exit = yield* Effect.exit(Effect.scoped(LogSink.make({ target, exitHook: false, ...options })))
          const error = Exit.findErrorOption(exit)
          expect(error._tag === "Some" ? error.value._tag : `not a failure: ${String(exit)}`).toBe("LogSinkError")
          expect(error._tag === "Some" ? error.value.message : "").toContain(message)
          expect(out).toEqual([])
        })
    )
  }

  itEffect("an option and its variable are checked by one parser, in one wording", () =>
    Effect.gen(function*() {
      const tail = "invalid value \"bogus\"; accepted: drop_oldest, drop_newest, block"
      const viaEnv = yield* Effect.flip(
        Effect.provideService(
          LogSink.config,
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromEnv({ env: { PROVIDE_LOG_OVERFLOW: "bogus" } })
        )
      )
      expect(viaEnv.message).toContain(`PROVIDE_LOG_OVERFLOW: ${tail}`)
      const viaOption = yield* Effect.flip(
        Effect.scoped(LogSink.make({ target: () => {}, exitHook: false, overflow: "bogus" as never }))
      )
      expect(viaOption.message).toBe(`LogSink option overflow: ${tail}`)
    }))

  itScoped(
    "valid options in every accepted form make a sink that writes (sizes as text too, as the variables)",
    () =>
      Effect.gen(function*() {
        const out: Array<string> = []
        const sink = yield* LogSink.make({
          target: (chunk) => void out.push(chunk),
          flushSize: "1k" as never,
          maxBufferBytes: "8 MiB" as never,
          overflow: "drop_newest",
          flushInterval: "1 hour",
          shutdownTimeout: "5 seconds",
          exitHook: false
        })
        sink.write("a\n")
        yield* sink.flush()
        expect(out).toEqual(["a\n"])
        expect(sink.stats()).toMatchObject({ accepted: 1, written: 1, dropped: 0 })
      })
  )
})

describe("LogSink: a line bigger than the whole buffer", () => {
  itScoped(
    "is written when the target is not behind, and never pushes out the lines before it",
    () =>
      Effect.gen(function*() {
        const out: Array<string> = []
        const sink = yield* LogSink.make({
          target: (c) => void out.push(c),
          flushSize: 64,
          maxBufferBytes: 256,
          flushInterval: "1 hour",
          exitHook: false
        })
        for (let i = 0; i < 5; i++) sink.write(line(i))
        const big = "b".repeat(1000) + "\n"
        sink.write(big)
        sink.write(line(5))
        yield* sink.flush()
        expect(out.join("")).toBe(lines(0, 5) + big + line(5))
        expect(sink.stats()).toMatchObject({ accepted: 7, written: 7, dropped: 0 })
      })
  )

  itScoped("is the only line dropped when the target is behind", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const out: Array<string> = []
      const sink = yield* LogSink.make({
        target: gatedWriter(gate, out),
        flushSize: 16,
        maxBufferBytes: 256,
        flushInterval: "1 hour",
        exitHook: false
      })
      for (let i = 0; i < 10; i++) sink.write(line(i)) // 0,1 in flight; 2..9 queued
      sink.write("b".repeat(1000) + "\n")
      sink.write(line(10))
      yield* Deferred.succeed(gate, undefined)
      yield* sink.flush()
      const got = out.join("").split("\n").filter((l) => l !== "")
      expect(got.slice(0, 11)).toEqual(lines(0, 11).split("\n").slice(0, 11))
      expect(JSON.parse(got[11]!)).toMatchObject({ dropped: 1 })
      expect(sink.stats()).toMatchObject({ accepted: 12, written: 11, dropped: 1 })
    }))
})

describe("LogSink: a stream socket whose reader stops", () => {
  itLive("lines are never cut: what did not fit is dropped whole and reported", () =>
    Effect.gen(function*() {
      const dir = tmp()
      const address = path.join(dir, "log.sock")
      const received: Array<Buffer> = []
      // a Unix stream socket, non-blocking on our side (as Node's child-process stdio is); the reader does not read yet
      const server = net.createServer((conn) => {
        conn.pause()
        conn.on("data", (d) => void received.push(d))
        readers.push(conn)
      })
      const readers: Array<net.Socket> = []
      yield* Effect.promise(() => new Promise<void>((resolve) => server.listen(address, resolve)))
      const client = net.connect(address)
      yield* Effect.promise(() => new Promise<void>((resolve) => client.on("connect", () => resolve())))
      const fd = (client as unknown as { _handle: { fd: number } })._handle.fd
      const reports: Array<string> = []
      const stats = yield* Effect.scoped(Effect.gen(function*() {
        const sink = yield* LogSink.make({
          target: { fd },
          flushSize: 200_000,
          exitHook: false,
          shutdownTimeout: "300 millis",
          report: (t) => void reports.push(t)
        })
        for (let i = 0; i < 50_000; i++) sink.write(`{"i":${i},"pad":"${"p".repeat(80)}"}\n`)
        yield* Effect.sleep("50 millis")
        return sink
      })).pipe(Effect.map((sink) => sink.stats()))
      // the reader wakes up and drains everything the socket holds
      for (const r of readers) r.resume()
      client.end()
      yield* Effect.sleep("300 millis")
      server.close()
      const text = Buffer.concat(received).toString("utf8")
      const got = text.split("\n")
      expect(got.pop()).toBe("") // ends with a whole line
      const bad = got.filter((l) => !/^\{"i":\d+,"pad":"p{80}"\}$/.test(l))
      expect(bad).toEqual([])
      expect(got.map((l) => JSON.parse(l).i)).toEqual(Array.from({ length: got.length }, (_, i) => i))
      expect(stats.written).toBe(got.length)
      expect(stats.written + stats.dropped).toBe(50_000)
      expect(stats.dropped).toBeGreaterThan(0)
      expect(reports.join("")).toContain(`${stats.dropped} records dropped`)
    }), 30_000)
})
