/**
 * Rate limiting's suppressed counts at the end of a child process (numbered-line harness): the `process` project,
 * as it spawns children; the in-process rate-limit tests are in RateLimit.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { check, violations } from "./harness/check.js"
import { summary } from "./harness/matrix.js"
import { runChild } from "./harness/run.js"

describe("the suppressed count is also written at flush and shutdown", () => {
  it(
    "100/s, 2,000 numbered lines, then the end (normal, SIGTERM under runMain, process.exit): written + reported suppressed = N",
    async () => {
      const exits = ["normal", "runMain-SIGTERM", "process.exit"] as const
      const checks = await Promise.all(exits.map((exit) =>
        runChild({
          child: { count: 2_000, exit },
          target: "file",
          shutdownTimeoutMs: 5_000,
          env: { PROVIDE_LOG_RATE_LIMIT_GLOBAL: "100" },
          hardKillMs: 30_000
        }).then(check)
      ))
      const broken = Object.fromEntries(
        checks.flatMap((c, k) => {
          const v = violations(c, { deadlineMs: 5_000, marginMs: 10_000, loopMs: Number.POSITIVE_INFINITY })
          if (c.reportedSuppressed === 0) v.push("nothing suppressed")
          return v.length === 0 ? [] : [[exits[k]!, `${v.join("; ")} | ${summary(c)}`]]
        })
      )
      expect(broken).toEqual({})
    },
    60_000
  )
})
