import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, TestClock } from "effect"
import { EmojiLogger, Log } from "effect-foundation"
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { Readable, Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { makePrettifier } from "../src/internal/pretty.js"
import { main } from "../src/node/cli.js"
import { render } from "./fixtures/pretty/program.js"

const root = fileURLToPath(new URL("../", import.meta.url))
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/pretty/${name}`, import.meta.url))
const read = (name: string) => readFileSync(fixture(name), "utf8")

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `node bin/effect-foundation.js ...args < stdin` in a subprocess (bounded). */
const cli = (args: ReadonlyArray<string>, stdin: string | undefined, env: Record<string, string> = {}) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      process.execPath,
      ["bin/effect-foundation.js", ...args],
      {
        cwd: root,
        timeout: 20_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }
      },
      (error, stdout, stderr) =>
        resume(
          Effect.succeed({
            code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
            stdout,
            stderr
          })
        )
    )
    child.stdin!.end(stdin ?? "")
  })

/** `main` in-process with in-memory streams; `chunks` are fed one by one. */
const runMain = (
  argv: ReadonlyArray<string>,
  chunks: ReadonlyArray<string>,
  env: Record<string, string> = {},
  isTTY = false
) =>
  Effect.promise(async () => {
    let stdout = ""
    let stderr = ""
    const out = Object.assign(
      new Writable({
        write(chunk, _enc, cb) {
          stdout += chunk.toString()
          cb()
        }
      }),
      { isTTY }
    )
    const err = new Writable({
      write(chunk, _enc, cb) {
        stderr += chunk.toString()
        cb()
      }
    })
    const code = await main(argv, {
      stdin: Readable.from(chunks.map((c) => Buffer.from(c))),
      stdout: out,
      stderr: err,
      env
    })
    return { code, stdout, stderr }
  })

describe("effect-foundation pretty (subprocess)", () => {
  it.live("our JSON lines from stdin: byte-identical to the live console output", () =>
    Effect.gen(function*() {
      const run = yield* cli(["pretty"], read("ours.jsonl"))
      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(read("ours.expected.txt"))
    }))

  it.live("a file argument with --level, --timestamps and --color", () =>
    Effect.gen(function*() {
      const run = yield* cli(["pretty", fixture("ours.jsonl"), "--level", "WARN", "--timestamps", "--color"], undefined)
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(read("ours.warn-color-ts.expected.txt"))
      expect(run.stdout).toContain("\x1b[")
    }))

  it.live("pino lines; NO_COLOR wins over FORCE_COLOR", () =>
    Effect.gen(function*() {
      const run = yield* cli(["pretty", fixture("pino.jsonl")], undefined, { NO_COLOR: "1", FORCE_COLOR: "1" })
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(read("pino.expected.txt"))
    }))

  it.live("non-JSON lines pass through unchanged (CRLF kept, last line without newline)", () =>
    Effect.gen(function*() {
      const run = yield* cli(["pretty"], read("mixed.txt"), { FORCE_COLOR: "0" })
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(read("mixed.expected.txt"))
    }))

  it.live("usage errors exit 2, an unreadable file exits 1, both on stderr", () =>
    Effect.gen(function*() {
      const [badLevel, missing] = yield* Effect.all([
        cli(["pretty", "--level", "loud"], ""),
        cli(["pretty", "/nonexistent/file.jsonl"], "")
      ], { concurrency: 2 })
      expect(badLevel.code).toBe(2)
      expect(badLevel.stdout).toBe("")
      expect(badLevel.stderr).toContain(
        "--level: invalid value \"loud\"; accepted: TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL)"
      )
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain("cannot read /nonexistent/file.jsonl")
    }))
})

describe("effect-foundation pretty (in process)", () => {
  it.effect("renders today's live JSON exactly as the live console (plain and coloured with timestamps)", () =>
    Effect.gen(function*() {
      const json = yield* render("json")
      const plain = makePrettifier()
      expect(json.split("\n").slice(0, -1).map(plain).join("")).toBe(yield* render("key_value"))
      const coloured = makePrettifier({ colors: true, timestamps: true })
      expect(json.split("\n").slice(0, -1).map(coloured).join(""))
        .toBe(yield* render("key_value", { colors: true, timestamps: true }))
    }))

  it.effect.prop(
    "any JSON field values: pretty(JSON line) === console line",
    [
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) =>
          !["timestamp", "level", "message", "logger_name", "error", "cause", "spans", "__proto__"].includes(k)
        ),
        fc.jsonValue({ maxDepth: 3 }),
        { maxKeys: 5 }
      ),
      fc.string({ maxLength: 20 }),
      fc.constantFrom<Log.Level>("trace", "debug", "info", "warning", "error", "critical")
    ],
    ([fields, message, level]) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(1_700_000_000_123)
        let json = ""
        let console = ""
        const log = Log.named("prop.case")[level](message, fields)
        yield* log.pipe(Effect.provide(EmojiLogger.layer({ format: "json", level: "trace" }, (l) => (json += l))))
        yield* log.pipe(
          Effect.provide(EmojiLogger.layer({ format: "key_value", level: "trace" }, (l) => (console += l)))
        )
        expect(makePrettifier()(json.slice(0, -1))).toBe(console)
      }),
    { fastCheck: { numRuns: 100 } }
  )

  // What the docs state `pretty` keeps: everything the JSON line holds. These three are not in it (or not once parsed).
  it.effect("what a JSON line does not hold: an undefined field, a repeated key's earlier value, a cause's span frame", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_123)
      const cause = yield* Effect.fail(new Error("boom")).pipe(Effect.withSpan("checkout"), Effect.sandbox, Effect.flip)
      const both = (log: Effect.Effect<void>) =>
        Effect.gen(function*() {
          let json = ""
          let console = ""
          yield* log.pipe(Effect.provide(EmojiLogger.layer({ format: "json", level: "trace" }, (l) => (json += l))))
          yield* log.pipe(
            Effect.provide(EmojiLogger.layer({ format: "key_value", level: "trace" }, (l) => (console += l)))
          )
          return { json, console, pretty: makePrettifier()(json.slice(0, -1)) }
        })

      const undef = yield* both(Log.info("m", { u: undefined, v: 1 }))
      expect(undef.json).not.toContain("\"u\"")
      expect([undef.console, undef.pretty]).toEqual(["[▶️] m u=undefined v=1\n", "[▶️] m v=1\n"])

      const repeated = yield* both(Log.info("m", { a: 1 }).pipe(Log.withContext({ a: 2 })))
      expect(repeated.json).toContain(`"a":2,"a":1`)
      expect([repeated.console, repeated.pretty]).toEqual(["[▶️] m a=2 a=1\n", "[▶️] m a=1\n"])

      const spanned = yield* both(Log.exception("failed", cause))
      expect(spanned.console).toContain("at checkout (")
      expect(spanned.json).not.toContain("checkout")
      expect(spanned.pretty).not.toContain("checkout")
      // Everything else on the line is the same: the error's own stack frame included.
      expect(spanned.pretty).toBe(spanned.console.replace(/\\n {4}at checkout \([^)]*\)/, ""))
    }))

  it.effect("lines split across arbitrary chunk boundaries, multi-byte characters included", () =>
    Effect.gen(function*() {
      const input = read("ours.jsonl") + read("mixed.txt")
      const bytes = Buffer.from(input)
      // 7-byte chunks cut through emoji and accented letters.
      const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7))
      const run = yield* Effect.promise(async () => {
        let stdout = ""
        const out = new Writable({
          write(chunk, _enc, cb) {
            stdout += chunk.toString()
            cb()
          }
        })
        const code = await main(["pretty"], {
          stdin: Readable.from(chunks),
          stdout: out,
          stderr: out,
          env: {}
        })
        return { code, stdout }
      })
      expect(chunks.length).toBeGreaterThan(100)
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(read("ours.expected.txt") + read("mixed.expected.txt"))
    }))

  it.effect("colours follow the terminal, FORCE_COLOR and NO_COLOR; --no-color overrides", () =>
    Effect.gen(function*() {
      const line = "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"warning\",\"message\":\"m\",\"k\":1}\n"
      const hasColour = (s: string) => s.includes("\x1b[")
      expect(hasColour((yield* runMain(["pretty"], [line], {}, false)).stdout)).toBe(false)
      expect(hasColour((yield* runMain(["pretty"], [line], {}, true)).stdout)).toBe(true)
      expect(hasColour((yield* runMain(["pretty"], [line], { FORCE_COLOR: "1" }, false)).stdout)).toBe(true)
      expect(hasColour((yield* runMain(["pretty"], [line], { FORCE_COLOR: "0" }, true)).stdout)).toBe(false)
      expect(hasColour((yield* runMain(["pretty"], [line], { NO_COLOR: "1" }, true)).stdout)).toBe(false)
      expect(hasColour((yield* runMain(["pretty", "--no-color"], [line], { FORCE_COLOR: "1" }, true)).stdout)).toBe(
        false
      )
      expect((yield* runMain(["pretty"], [line], {}, false)).stdout).toBe("⚠️ WARN [▶️] m k=1\n")
    }))

  it.effect("--level filters records only; --help and unknown options", () =>
    Effect.gen(function*() {
      const input = [
        "{\"level\":\"debug\",\"message\":\"d\"}\n",
        "text stays\n",
        "{\"level\":20,\"time\":0,\"msg\":\"pino debug\"}\n",
        "{\"level\":\"error\",\"message\":\"e\"}\n",
        "{\"level\":50,\"time\":0,\"msg\":\"pino error\"}\n"
      ]
      const run = yield* runMain(["pretty", "--level=error"], input)
      expect(run.stdout).toBe("text stays\n🔥 ERROR [▶️] e\n🔥 ERROR [▶️] pino error\n")
      const help = yield* runMain(["pretty", "--help"], [])
      expect(help.code).toBe(0)
      expect(help.stdout).toContain("Usage: effect-foundation pretty")
      const bad = yield* runMain(["pretty", "--frobnicate"], [])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("unknown option \"--frobnicate\"")
      const noCommand = yield* runMain([], [])
      expect(noCommand.code).toBe(2)
    }))

  it.effect("50,000 lines stream through with batched writes", () =>
    Effect.gen(function*() {
      const line =
        "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"info\",\"message\":\"Work complete\",\"logger_name\":\"worker.alpha\",\"duration_ms\":867}\n"
      const chunk = line.repeat(500)
      let writes = 0
      let stdout = ""
      const out = new Writable({
        highWaterMark: 1024,
        write(c, _enc, cb) {
          writes++
          stdout += c.toString()
          setImmediate(cb)
        }
      })
      const code = yield* Effect.promise(() =>
        main(["pretty"], {
          stdin: Readable.from(Array.from({ length: 100 }, () => Buffer.from(chunk))),
          stdout: out,
          stderr: out,
          env: {}
        })
      )
      expect(code).toBe(0)
      const lines = stdout.split("\n")
      expect(lines).toHaveLength(50_001)
      expect(lines[0]).toBe("[👷] Work complete duration_ms=867")
      expect(writes).toBeLessThanOrEqual(100)
    }))

  // issue 13 item 16: a line spread over many chunks was re-scanned from its start on every chunk (32 MiB: 10.7 s).
  // Linear, this takes well under a second; the quadratic version runs into the test's timeout.
  it.effect(
    "very long lines (2 x 32 MiB in 64 KiB chunks) take time linear in their length",
    () =>
      Effect.gen(function*() {
        const size = 32 * 1024 * 1024
        const message = "m".repeat(size)
        const json = "{\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"level\":\"info\",\"message\":\"" + message +
          "\",\"k\":1}\n"
        const plain = "p".repeat(size) + "\n"
        const input = Buffer.from(json + plain + "tail\n")
        const chunkSize = 64 * 1024
        const chunks = Array.from(
          { length: Math.ceil(input.length / chunkSize) },
          (_, i) => input.subarray(i * chunkSize, (i + 1) * chunkSize)
        )
        let stdout: Array<string> = []
        const out = new Writable({
          write(chunk, _enc, cb) {
            stdout.push(chunk.toString())
            cb()
          }
        })
        const code = yield* Effect.promise(() =>
          main(["pretty"], { stdin: Readable.from(chunks), stdout: out, stderr: out, env: {} })
        )
        expect(code).toBe(0)
        const lines = stdout.join("").split("\n")
        stdout = []
        expect(lines).toHaveLength(4)
        // the record: its message cut at 64 KiB, its field kept
        expect(lines[0]).toBe("[▶️] " + "m".repeat(64 * 1024) + "…[truncated " + (size - 64 * 1024) + " chars] k=1")
        // the plain line passes through whole
        expect(lines[1]!.length).toBe(size)
        expect(lines[1]).toBe("p".repeat(size))
        expect(lines[2]).toBe("tail")
      }),
    20_000
  )
})
