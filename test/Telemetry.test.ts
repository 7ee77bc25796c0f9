import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, TestClock } from "effect"
import { EmojiLogger, Log, LogSink, Telemetry } from "effect-foundation"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { fixtureCommand, pool, runFixture } from "./utils.js"

/** What Foundation.layer does with its sink: make it, register it, install the logger writing to it. */
const sinkLayer = (target: LogSink.Target, extra: Partial<LogSink.Options> = {}) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sink = yield* LogSink.make({ target, exitHook: false, flushInterval: "1 hour", ...extra })
    yield* Telemetry.registerScoped(sink)
    yield* EmojiLogger.install(EmojiLogger.make({ format: "key_value" }, sink.write), "info")
  }))

describe("Telemetry.flush / shutdown", () => {
  it.effect("with nothing registered: flushed, all counts zero", () =>
    Effect.gen(function*() {
      expect(yield* Telemetry.flush()).toEqual({
        status: "flushed",
        written: 0,
        failed: 0,
        pending: 0,
        dropped: 0,
        durationMillis: 0
      })
      expect((yield* Telemetry.shutdown()).status).toBe("flushed")
    }))

  it.effect("flush writes what the program logged through the registered sink", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const report = yield* Effect.gen(function*() {
        yield* Log.info("first", { n: 1 })
        yield* Effect.logInfo("second")
        expect(out).toEqual([]) // still buffered
        return yield* Telemetry.flush()
      }).pipe(Effect.provide(sinkLayer((c) => void out.push(c))))
      expect(out.length).toBe(1) // one batch
      expect(out.join("").split("\n").filter((l) => l !== "").map((l) => l.replace(/^\S+ /, ""))).toEqual([
        "first n=1",
        "second"
      ])
      expect(report).toMatchObject({ status: "flushed", written: 2, failed: 0, pending: 0 })
    }))

  it.effect("shutdown covers every registered sink, is idempotent, and the layer's close does not write twice", () =>
    Effect.gen(function*() {
      const a: Array<string> = []
      const b: Array<string> = []
      const both = Layer.scopedDiscard(Effect.gen(function*() {
        const sa = yield* LogSink.make({ target: (c) => void a.push(c), exitHook: false, flushInterval: "1 hour" })
        const sb = yield* LogSink.make({ target: (c) => void b.push(c), exitHook: false, flushInterval: "1 hour" })
        yield* Telemetry.registerScoped(sa)
        yield* Telemetry.registerScoped(sb)
        yield* EmojiLogger.install(EmojiLogger.make({ format: "json" }, (l) => (sa.write(l), sb.write(l))), "info")
      }))
      const [r1, r2] = yield* Effect.gen(function*() {
        yield* Log.info("x")
        yield* Log.info("y")
        const r1 = yield* Telemetry.shutdown()
        const r2 = yield* Telemetry.shutdown()
        return [r1, r2] as const
      }).pipe(Effect.provide(both))
      expect(r1).toMatchObject({ status: "flushed", written: 4, pending: 0 })
      expect(r2).toEqual(r1)
      expect(a.join("").trim().split("\n").map((l) => JSON.parse(l).message)).toEqual(["x", "y"])
      expect(b).toEqual(a)
    }))

  it.effect("a deadline: a stuck sink reports timed_out with its pending lines", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const fiber = yield* Effect.gen(function*() {
        yield* Log.info("a")
        yield* Log.info("b")
        yield* Log.info("c")
        return yield* Telemetry.flush("500 millis")
      }).pipe(
        Effect.provide(sinkLayer(() => Deferred.await(gate), { shutdownTimeout: "1 second" })),
        Effect.fork
      )
      yield* TestClock.adjust("500 millis")
      yield* Deferred.succeed(gate, undefined) // lets the layer's own shutdown finish
      const r = yield* Fiber.join(fiber)
      expect(r).toMatchObject({ status: "timed_out", written: 0, pending: 3 })
    }))

  it.effect("lines logged by an app layer's finalizer (Foundation underneath) are flushed at close", () =>
    Effect.gen(function*() {
      const out: Array<string> = []
      const App = Layer.scopedDiscard(
        Effect.zipRight(Log.info("app up"), Effect.addFinalizer(() => Log.info("app down")))
      )
      yield* Log.info("working").pipe(Effect.provide(App.pipe(Layer.provide(sinkLayer((c) => void out.push(c))))))
      expect(out.join("").trim().split("\n").map((l) => l.replace(/^\S+ /, ""))).toEqual([
        "app up",
        "working",
        "app down"
      ])
    }))
})

// ---------------------------------------------------------------------------
// Subprocesses under NodeRuntime.runMain
// ---------------------------------------------------------------------------

const fixture = fileURLToPath(new URL("./fixtures/runmain-writer.ts", import.meta.url))
const layerMode = process.env["FIXTURE_LAYER"] ?? "foundation"

// The fixture is bundled once (fixtureCommand) and bounded by a 20 s kill.
const runWriter = (args: ReadonlyArray<string>, onReady?: (pid: number) => void) =>
  runFixture(fixture, args, {
    env: { FIXTURE_LAYER: layerMode, PROVIDE_LOG_CONSOLE_FORMATTER: "json" },
    killAfterMillis: 20_000,
    ...(onReady === undefined ? {} : { onReady })
  })

beforeAll(() => fixtureCommand(fixture).then(() => undefined), 60_000)

const jsonLines = (text: string) =>
  text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { message: string; i?: number })

describe("shutdown under NodeRuntime.runMain (subprocesses)", () => {
  it("SIGTERM and SIGINT in the middle of 100,000 lines: every logged line is in the file (10 runs each)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-signal-"))
    const jobs = Array.from({ length: 20 }, (_, k) => async () => {
      const file = path.join(dir, `run-${k}`, "app.log")
      const sig: NodeJS.Signals = k % 2 === 0 ? "SIGTERM" : "SIGINT"
      const run = await runWriter(["signal", file, "100000"], (pid) => process.kill(pid, sig))
      return { run, sig, file }
    })
    const results = await pool(4, jobs)
    let midStream = 0
    for (const { file, run, sig } of results) {
      const logged = Number(/logged=(\d+)/.exec(run.stderr)?.[1] ?? NaN)
      expect(logged, `${sig}: ${run.stderr}`).toBeGreaterThan(5_000)
      if (logged < 100_000) midStream++
      const recs = jsonLines(fs.readFileSync(file, "utf8"))
      const lines = recs.filter((r) => r.message === "line")
      expect(lines.length, `${sig} ${file}`).toBe(logged)
      expect(lines.every((r, i) => r.i === i)).toBe(true) // every line, in order, none twice
      expect(recs[0]!.message).toBe("app started")
      expect(recs[recs.length - 1]!.message).toBe("app stopped") // the app layer's finalizer line
    }
    expect(midStream).toBeGreaterThanOrEqual(15) // the signal really landed mid-stream
    fs.rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it(
    "process.exit(0) in user code right after logging: the exit hook writes every line (file and stdout)",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ef-exit-"))
      const file = path.join(dir, "app.log")
      const [toFile, toStdout] = await Promise.all([
        runWriter(["exit", file, "20000"]),
        runWriter(["exit", "-", "20000"])
      ])
      expect(toFile.code).toBe(0)
      expect(toStdout.code).toBe(0)
      for (const text of [fs.readFileSync(file, "utf8"), toStdout.stdout]) {
        const lines = jsonLines(text).filter((r) => r.message === "line")
        expect(lines.length).toBe(20_000)
        expect(lines.every((r, i) => r.i === i)).toBe(true)
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
    60_000
  )

  it("FoundationLive under runMain writes each record once (runMain's pretty logger is removed)", async () => {
    const run = await runWriter(["dup"])
    expect(run.code).toBe(0)
    const recs = jsonLines(run.stdout)
    expect(recs.map((r) => r.message)).toEqual(["one", "two", "three", "four", "five"])
    expect(run.stderr).not.toMatch(/one|two|three|four|five/)
  }, 30_000)
})
