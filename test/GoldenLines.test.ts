/**
 * The shared golden lines (test/shared/lines.ts) on the package root, effect 3: every call of the table makes its
 * console line and its JSON line, byte for byte. test/effect4/GoldenLines.test.ts holds `effect-foundation/effect4`
 * to the same table.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { EmojiLogger, Log } from "effect-foundation"
import { type Binding, cases, type Level, options, program } from "./shared/lines.js"

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

/** The lines one case writes in `format` (it.effect runs with the TestClock at 0). */
const lines = (c: (typeof cases)[number], format: "key_value" | "json") =>
  Effect.gen(function*() {
    const written: Array<string> = []
    yield* program(binding, c).pipe(
      Effect.provide(EmojiLogger.layer(options(format), (line) => void written.push(line)))
    )
    return written
  })

describe("golden lines (effect 3, the package root)", () => {
  it.effect.each(cases.map((c) => [c.name, c] as const))("%s", ([, c]) =>
    Effect.gen(function*() {
      expect(yield* lines(c, "key_value")).toEqual([c.console + "\n"])
      expect(yield* lines(c, "json")).toEqual([c.json + "\n"])
    }))
})
