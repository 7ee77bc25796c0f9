/**
 * The exit hooks (src/node/exit.ts), each case in a process of its own
 * (test/fixtures/exit-hooks.ts): hooks run on `process.exit` and on a signal
 * the program does not handle (then the signal's default action happens);
 * a program's own handler decides; `onSignal` keeps the process running.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runFixture } from "./utils.js"

const fixture = "test/fixtures/exit-hooks.ts"

const run = (mode: string, onReady?: (pid: number) => void) =>
  Effect.promise(() => runFixture(fixture, [mode], { killAfterMillis: 20_000, ...(onReady ? { onReady } : {}) }))

describe("exit hooks", () => {
  it.live("process.exit runs the hook; the exit code stays the program's", () =>
    Effect.gen(function*() {
      const r = yield* run("exit")
      expect(r.stdout).toBe("ready\nhook\n")
      expect(r.code).toBe(3)
    }))

  it.live("a hook added with `first` runs before the ones added earlier", () =>
    Effect.gen(function*() {
      const r = yield* run("first")
      expect(r.stdout).toBe("ready\nfirst\na\nb\n")
      expect(r.code).toBe(0)
    }))

  it.live("a removed hook does not run", () =>
    Effect.gen(function*() {
      const r = yield* run("removed")
      expect(r.stdout).toBe("ready\n")
      expect(r.code).toBe(0)
    }))

  it.live("a hook that throws does not stop the next one, nor change the exit", () =>
    Effect.gen(function*() {
      const r = yield* run("throwing")
      expect(r.stdout).toBe("ready\nsecond hook\n")
      expect(r.code).toBe(0)
    }))

  it.live("SIGTERM with no handler of the program's: the hook runs, then the signal ends the process", () =>
    Effect.gen(function*() {
      const r = yield* run("signal", (pid) => process.kill(pid, "SIGTERM"))
      expect(r.stdout).toBe("ready\nhook\n")
      expect(r.signal).toBe("SIGTERM")
    }))

  it.live("SIGINT and SIGHUP likewise", () =>
    Effect.gen(function*() {
      for (const signal of ["SIGINT", "SIGHUP"] as const) {
        const r = yield* run("signal", (pid) => process.kill(pid, signal))
        expect(r.stdout).toBe("ready\nhook\n")
        expect(r.signal).toBe(signal)
      }
    }))

  it.live("the program's own SIGTERM handler decides; its process.exit runs the hook after it", () =>
    Effect.gen(function*() {
      const r = yield* run("own-handler", (pid) => process.kill(pid, "SIGTERM"))
      expect(r.stdout).toBe("ready\nown handler\nhook\n")
      expect(r.code).toBe(0)
      expect(r.signal).toBe(null)
    }))

  it.live("onSignal(SIGHUP) runs its handler and the process keeps running; a later SIGTERM still runs the hook", () =>
    Effect.gen(function*() {
      const r = yield* run("on-signal", (pid) => {
        process.kill(pid, "SIGHUP")
        setTimeout(() => process.kill(pid, "SIGTERM"), 300)
      })
      expect(r.stdout).toBe("ready\nreopen\nhook\n")
      expect(r.signal).toBe("SIGTERM")
    }))

  it.live("one exit listener and one per signal, however many hooks; none left after the last is removed", () =>
    Effect.gen(function*() {
      const r = yield* run("listeners")
      const lines = r.stdout.split("\n")
      const before = lines[0]!.replace("before ", "").split(",").map(Number)
      const plusOne = before.map((n) => n + 1).join(",")
      expect(lines.slice(1, 5)).toEqual([
        `with two hooks ${plusOne}`,
        `with one ${plusOne}`,
        `after ${before.join(",")}`,
        "ready"
      ])
    }))
})
