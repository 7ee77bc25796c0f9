import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Emoji, EmojiLogger, Log, TestLog } from "effect-foundation"

describe("Emoji", () => {
  it("keyword table on the first dotted segment, case-insensitive", () => {
    expect(Emoji.forName("worker.alpha")).toBe("👷")
    expect(Emoji.forName("Worker.bravo")).toBe("👷")
    expect(Emoji.forName("db")).toBe("🗄️")
    expect(Emoji.forName("database.pool")).toBe("🗄️")
    expect(Emoji.forName("http.server")).toBe("🛎️")
    expect(Emoji.forName("main")).toBe("▶️")
    expect(Emoji.forName(undefined)).toBe("▶️")
  })

  it("other names hash stably into a palette of at least 32", () => {
    expect(Emoji.palette.length).toBeGreaterThanOrEqual(32)
    expect(new Set(Emoji.palette).size).toBe(Emoji.palette.length)
    // FNV-1a reference values: the same in every process and run
    expect(Emoji.hash("")).toBe(0x811c9dc5)
    expect(Emoji.hash("a")).toBe(0xe40c292c)
    expect(Emoji.hash("foobar")).toBe(0xbf9cf968)
    expect(Emoji.forName("billing.invoices")).toBe(Emoji.palette[Emoji.hash("billing.invoices") % Emoji.palette.length])
    const spread = new Set(Array.from({ length: 200 }, (_, i) => Emoji.forName("svc" + i)))
    expect(spread.size).toBeGreaterThan(25)
  })

  it("DAS tables hold provide.foundation's values plus success and info", () => {
    expect(Emoji.das({ domain: "auth", action: "login", status: "success" })).toBe("[🔑][➡️][✅]")
    expect(Emoji.das({ status: "info" })).toBe("[ℹ️]")
    expect(Emoji.das({ domain: "payment", status: "timeout" })).toBe("[💳][⏱️]")
    expect(Emoji.das({ domain: "???" })).toBe("[❓]")
    expect(Emoji.das({ status: "???" })).toBe("[➡️]")
    expect(Emoji.das({})).toBeUndefined()
    expect(Object.keys(Emoji.domain)).toHaveLength(18)
    expect(Object.keys(Emoji.action)).toHaveLength(29)
    expect(Object.keys(Emoji.status)).toHaveLength(20)
  })

  it("make adds user entries without touching the defaults", () => {
    const custom = Emoji.make({ names: { Billing: "💰" }, domain: { billing: "💰" }, status: { paid: "🤑" } })
    expect(Emoji.forName("billing.x", custom)).toBe("💰")
    expect(Emoji.das({ domain: "billing", status: "PAID" }, custom)).toBe("[💰][🤑]")
    expect(Emoji.das({ domain: "auth" }, custom)).toBe("[🔑]")
    expect(Emoji.forName("billing.x")).not.toBe("💰")
  })

  it.effect("custom tables reach the rendered line", () =>
    Effect.gen(function*() {
      yield* Log.named("billing").info("charged", { status: "paid" })
      yield* Log.named("billing").info("plain")
      expect(yield* TestLog.lines).toEqual(["[🤑] charged status=paid", "[💰] plain"])
    }).pipe(Effect.provide(TestLog.layer({ emoji: Emoji.make({ names: { billing: "💰" }, status: { paid: "🤑" } }) }))))

  it("pure format functions render records like the live logger", () => {
    const record: EmojiLogger.LogRecord = {
      timestamp: new Date(0),
      level: "warning",
      message: "slow",
      loggerName: "db",
      fields: { ms: 3 }
    }
    expect(EmojiLogger.formatConsole(record)).toBe("⚠️ WARN [🗄️] slow ms=3\n")
    expect(EmojiLogger.formatJson(record)).toBe(
      "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"warning\",\"message\":\"slow\",\"logger_name\":\"db\",\"ms\":3}\n"
    )
  })
})
