/**
 * The shared golden lines (test/shared/lines.ts) on `effect-foundation/effect4`, effect 4: the same calls make the
 * same console and JSON lines, byte for byte, as on the package root (test/GoldenLines.test.ts).
 */
import * as Effect from "effect/Effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import * as EmojiLogger from "../../src/effect4/EmojiLogger.js"
import * as Log from "../../src/effect4/Log.js"
import { type Binding, cases, type Level, options, program } from "../shared/lines.js"

const logAt: Record<Level, (...args: ReadonlyArray<unknown>) => Effect.Effect<void>> = {
  trace: Effect.logTrace,
  debug: Effect.logDebug,
  info: Effect.logInfo,
  warning: Effect.logWarning,
  error: Effect.logError,
  critical: Effect.logFatal
}

const binding: Binding<Effect.Effect<void>> = {
  Log,
  withContext: (fields) => Log.withContext(fields),
  annotateLogs: (fields) => Effect.annotateLogs(fields),
  effectLog: (level, args) => logAt[level](...args)
}

/** The lines one case writes in `format`, with the clock at 0. */
const lines = (c: (typeof cases)[number], format: "key_value" | "json") => {
  const written: Array<string> = []
  return program(binding, c).pipe(
    Effect.provide(EmojiLogger.layer(options(format), (line) => void written.push(line))),
    Effect.provide(TestClock.layer()),
    Effect.map(() => written),
    Effect.runPromise
  )
}

describe("golden lines (effect 4, effect-foundation/effect4)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    expect(await lines(c, "key_value")).toEqual([c.console + "\n"])
    expect(await lines(c, "json")).toEqual([c.json + "\n"])
  })
})
