import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import { describe, expect, expectTypeOf, it } from "vitest"
import * as ErrorHandling from "../../src/effect4/ErrorHandling.js"
import * as Retry from "../../src/effect4/Retry.js"
import { defectMessage, failures, run } from "./resilienceHelpers.js"

const {
  ConfigurationError,
  FoundationError,
  IntegrationError,
  NetworkError,
  NotFoundError,
  TimeoutError,
  ValidationError
} = ErrorHandling

class Plain extends Data.TaggedError("Plain")<{ readonly reason: string }> {}

const fails = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) ? exit.cause.reasons.filter((r) => r._tag === "Fail").length : 0

describe("withErrorHandling", () => {
  it("a typed failure: one ERROR line with tag, message, fields, context and cause; then the fallback", async () => {
    const error = new NetworkError({ message: "connection reset", url: "https://api", status: 502 })
    const seen: Array<unknown> = []
    const { exit, lines, records } = await run(
      Effect.fail(error).pipe(
        ErrorHandling.withErrorHandling({
          fallback: (e) => {
            seen.push(e)
            return null
          },
          context: { operation: "risky_operation" }
        })
      )
    )
    expect(exit).toStrictEqual(Exit.succeed(null))
    expect(seen).toEqual([error])
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({
      level: "error",
      message: "Operation failed, using fallback",
      fields: {
        error_tag: "NetworkError",
        error_message: "connection reset",
        code: "NETWORK_ERROR",
        url: "https://api",
        status: 502,
        operation: "risky_operation"
      }
    })
    expect(failures(records[0]!.cause)).toEqual([error])
    expect(Cause.pretty(records[0]!.cause)).toContain("connection reset")
    // the same line as the Effect 3 binding's
    expect(lines[0]).toMatch(
      /^🔥 ERROR \[.+?\] Operation failed, using fallback error_tag=NetworkError error_message="connection reset" code=NETWORK_ERROR url=https:\/\/api status=502 operation=risky_operation error.context={} cause="NetworkError: connection reset\\n {4}at /
    )
  })

  it("success passes through unlogged; logErrors: false handles silently; message is configurable", async () => {
    const { exit, records } = await run(Effect.gen(function*() {
      expect(yield* Effect.succeed(1).pipe(ErrorHandling.withErrorHandling({ fallback: () => 0 }))).toBe(1)
      const quiet = yield* Effect.fail(new Plain({ reason: "x" })).pipe(
        ErrorHandling.withErrorHandling({ fallback: (e) => e.reason, logErrors: false })
      )
      expect(quiet).toBe("x")
      yield* ErrorHandling.withErrorHandling(Effect.fail("text error"), { fallback: () => 0, message: "Lookup failed" })
    }))
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(records.map((r) => [r.message, r.fields])).toEqual([
      ["Lookup failed", { error_tag: "string", error_message: "text error" }]
    ])
  })

  it("defects pass through by default, unlogged", async () => {
    let called = false
    const { exit, records } = await run(
      Effect.die(new Error("bug")).pipe(
        ErrorHandling.withErrorHandling({
          fallback: () => {
            called = true
          }
        })
      )
    )
    expect(called).toBe(false)
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
    expect(records).toEqual([])
  })

  it("catchDefects handles defects the same way, marked defect=true", async () => {
    const bug = new RangeError("index out of range")
    const { exit, records } = await run(Effect.gen(function*() {
      const result = yield* Effect.die(bug).pipe(
        ErrorHandling.withErrorHandling({ fallback: (d) => (d === bug ? "recovered" : "other"), catchDefects: true })
      )
      const typed = yield* Effect.fail(new Plain({ reason: "r" })).pipe(
        ErrorHandling.withErrorHandling({ fallback: () => "typed", catchDefects: true, logErrors: false })
      )
      return [result, typed]
    }))
    expect(exit).toStrictEqual(Exit.succeed(["recovered", "typed"]))
    expect(records.map((r) => r.fields)).toEqual([
      { error_tag: "RangeError", error_message: "index out of range", defect: true }
    ])
    expect(records[0]!.cause.reasons.map((r) => r._tag)).toEqual(["Die"])
  })

  it("interruption is never swallowed, even with catchDefects", async () => {
    let called = 0
    const { exit, records } = await run(Effect.gen(function*() {
      const guarded = Effect.never.pipe(
        ErrorHandling.withErrorHandling({ fallback: () => called++, catchDefects: true })
      )
      const fiber = yield* Effect.forkChild(guarded)
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      const outer = yield* Fiber.await(fiber)
      const self = yield* Effect.exit(
        Effect.interrupt.pipe(ErrorHandling.withErrorHandling({ fallback: () => called++, catchDefects: true }))
      )
      return [outer, self]
    }))
    expect(Exit.isSuccess(exit) && exit.value.every((e) => Exit.hasInterrupts(e))).toBe(true)
    expect(called).toBe(0)
    expect(records).toEqual([])
  })

  it("only: handles those tags and leaves the others in E", async () => {
    const load = (which: "missing" | "down" | "ok") =>
      which === "missing"
        ? Effect.fail(new NotFoundError({ message: "no user", resource: "user", id: 7 }))
        : which === "down"
        ? Effect.fail(new NetworkError({ message: "down" }))
        : Effect.succeed("user-7")
    const guarded = (which: "missing" | "down" | "ok") =>
      (load(which) as Effect.Effect<string, ErrorHandling.NotFoundError | ErrorHandling.NetworkError>).pipe(
        ErrorHandling.withErrorHandling({ fallback: (e) => `default for ${e.id}`, only: ["NotFoundError"] })
      )
    const { exit, records } = await run(Effect.gen(function*() {
      expect(yield* guarded("missing")).toBe("default for 7")
      expect(yield* guarded("ok")).toBe("user-7")
      return (yield* Effect.flip(guarded("down")))._tag
    }))
    expect(exit).toStrictEqual(Exit.succeed("NetworkError"))
    expect(records.map((r) => r.fields)).toEqual([
      { error_tag: "NotFoundError", error_message: "no user", code: "NOT_FOUND", resource: "user", id: 7 }
    ])
  })

  it("a fallback that throws becomes a defect", async () => {
    const { exit } = await run(
      Effect.fail("x").pipe(ErrorHandling.withErrorHandling({
        fallback: () => {
          throw new Error("fallback broke")
        },
        logErrors: false
      }))
    )
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
  })

  it("with Retry inside: retry lines, the exhaustion line, then the fallback line", async () => {
    let calls = 0
    const callApi = Effect.suspend(() => {
      calls++
      return Effect.fail(new NetworkError({ message: "refused", url: "https://x" }))
    })
    const fetchData = callApi.pipe(
      Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2, logRetries: true }),
      ErrorHandling.withErrorHandling({ fallback: () => null, logErrors: true })
    )
    const { exit, records } = await run(Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(fetchData)
      yield* TestClock.adjust("3 seconds")
      return yield* Fiber.join(fiber)
    }))
    expect(exit).toStrictEqual(Exit.succeed(null))
    expect(calls).toBe(3)
    expect(records.map((r) => `${r.level} ${r.message}`)).toEqual([
      "warning Retrying",
      "warning Retrying",
      "error Retry attempts exhausted",
      "error Operation failed, using fallback"
    ])
  })

  it("options without a fallback function never throw: the effect dies without running self", async () => {
    let runs = 0
    const self = Effect.sync(() => runs++)
    const dataLast = ErrorHandling.withErrorHandling({} as never) // never throws
    expect(await Effect.runPromise(defectMessage(dataLast(self)))).toBe(
      "ErrorHandling.withErrorHandling option fallback: invalid value undefined; accepted: a function"
    )
    expect(await Effect.runPromise(defectMessage(ErrorHandling.withErrorHandling(self, { fallback: 1 } as never))))
      .toBe("ErrorHandling.withErrorHandling option fallback: invalid value 1; accepted: a function")
    expect(await Effect.runPromise(defectMessage(ErrorHandling.withErrorHandling(self, null as never)))).toContain(
      "ErrorHandling.withErrorHandling option options: invalid value null; accepted: an options object"
    )
    expect(runs).toBe(0)
  })
})

describe("logErrors", () => {
  it("logs once and re-fails with the same error; success and interruption are silent", async () => {
    const error = new ValidationError({ message: "bad email", field: "email", context: { form: "signup" } })
    const { exit, records } = await run(Effect.gen(function*() {
      const failed = yield* Effect.exit(
        Effect.fail(error).pipe(ErrorHandling.logErrors({ message: "Operation failed", context: { step: 2 } }))
      )
      yield* Effect.succeed(1).pipe(ErrorHandling.logErrors())
      yield* Effect.exit(ErrorHandling.logErrors(Effect.interrupt))
      return failed
    }))
    expect(exit).toStrictEqual(Exit.succeed(Exit.fail(error)))
    expect(records.map((r) => [r.level, r.message, r.fields])).toEqual([
      ["error", "Operation failed", {
        error_tag: "ValidationError",
        error_message: "bad email",
        code: "VALIDATION_ERROR",
        field: "email",
        form: "signup",
        step: 2
      }]
    ])
  })
})

describe("FoundationError family", () => {
  it("tags, default and custom codes, context, name, instanceof", () => {
    const cases = [
      [new ConfigurationError({ message: "m", key: "PROVIDE_LOG_LEVEL" }), "ConfigurationError", "CONFIGURATION_ERROR"],
      [new ValidationError({ message: "m" }), "ValidationError", "VALIDATION_ERROR"],
      [new IntegrationError({ message: "m", service: "stripe" }), "IntegrationError", "INTEGRATION_ERROR"],
      [new NetworkError({ message: "m" }), "NetworkError", "NETWORK_ERROR"],
      [new TimeoutError({ message: "m", timeout_ms: 30 }), "TimeoutError", "TIMEOUT_ERROR"],
      [new NotFoundError({ message: "m" }), "NotFoundError", "NOT_FOUND"],
      [new FoundationError({ message: "m" }), "FoundationError", "FOUNDATION_ERROR"]
    ] as const
    for (const [e, tag, code] of cases) {
      expect(e._tag).toBe(tag)
      expect(e.name).toBe(tag)
      expect(e.code).toBe(code)
      expect(e.context).toEqual({})
      expect(e.message).toBe("m")
      expect(e).toBeInstanceOf(FoundationError)
      expect(e).toBeInstanceOf(Error)
    }
    const custom = new IntegrationError({ message: "x", code: "STRIPE_DOWN", context: { region: "eu" }, status: 503 })
    expect([custom.code, custom.context, custom.status, custom.service]).toEqual([
      "STRIPE_DOWN",
      { region: "eu" },
      503,
      undefined
    ])
    expect(ErrorHandling.errorFields(custom)).toEqual({
      error_tag: "IntegrationError",
      error_message: "x",
      code: "STRIPE_DOWN",
      status: 503,
      region: "eu"
    })
    const cause = new Error("root")
    expect(new NetworkError({ message: "wrapped", cause }).cause).toBe(cause)
  })

  it("yieldable and catchable by tag; user subclasses work the same", async () => {
    class PaymentError extends FoundationError {
      override readonly _tag = "PaymentError" as const
    }
    const r = await Effect.runPromise(
      Effect.gen(function*() {
        return yield* new PaymentError({ message: "declined", code: "DECLINED" })
      }).pipe(Effect.catchTag("PaymentError", (e) => Effect.succeed(e.code)))
    )
    expect(r).toBe("DECLINED")
    const t = await Effect.runPromise(
      new TimeoutError({ message: "slow", timeout_ms: 5 }).pipe(
        Effect.catchTag("TimeoutError", (e) => Effect.succeed(e.timeout_ms))
      )
    )
    expect(t).toBe(5)
  })
})

describe("withErrorHandling types", () => {
  it("fallback yields E = never; only narrows E; catchDefects widens the fallback's input", () => {
    type Errs = ErrorHandling.NotFoundError | ErrorHandling.NetworkError | Plain
    const eff = Effect.fail(new Plain({ reason: "r" })) as Effect.Effect<number, Errs, "Db">
    expectTypeOf(eff.pipe(ErrorHandling.withErrorHandling({ fallback: () => null }))).toEqualTypeOf<
      Effect.Effect<number | null, never, "Db">
    >()
    expectTypeOf(ErrorHandling.withErrorHandling(eff, { fallback: (e) => e._tag })).toEqualTypeOf<
      Effect.Effect<number | Errs["_tag"], never, "Db">
    >()
    expectTypeOf(eff.pipe(ErrorHandling.withErrorHandling({ fallback: () => 0, only: ["NotFoundError", "Plain"] })))
      .toEqualTypeOf<Effect.Effect<number, ErrorHandling.NetworkError, "Db">>()
    eff.pipe(ErrorHandling.withErrorHandling({
      fallback: (e) => {
        expectTypeOf(e).toEqualTypeOf<ErrorHandling.NotFoundError>()
        return e.resource
      },
      only: ["NotFoundError"]
    }))
    expectTypeOf(ErrorHandling.withErrorHandling(eff, { fallback: () => "s", only: ["Plain"] })).toEqualTypeOf<
      Effect.Effect<number | string, ErrorHandling.NotFoundError | ErrorHandling.NetworkError, "Db">
    >()
    eff.pipe(ErrorHandling.withErrorHandling({
      fallback: (e) => {
        expectTypeOf(e).toEqualTypeOf<unknown>()
        return 0
      },
      catchDefects: true
    }))
    // @ts-expect-error only accepts tags of E
    eff.pipe(ErrorHandling.withErrorHandling({ fallback: () => 0, only: ["NoSuchTag"] }))
    expectTypeOf(eff.pipe(ErrorHandling.logErrors())).toEqualTypeOf<typeof eff>()
    const fetchData = eff.pipe(
      Retry.withRetry({ maxAttempts: 3, delay: "1 second", backoff: 2, logRetries: true }),
      ErrorHandling.withErrorHandling({ fallback: () => null, logErrors: true })
    )
    expectTypeOf(fetchData).toEqualTypeOf<Effect.Effect<number | null, never, "Db">>()
  })
})

describe("concurrent failures are handled, not mistaken for interruption", () => {
  const a = new NetworkError({ message: "a down" })
  const b = new NotFoundError({ message: "b missing" })
  /** Two failing tasks run together: the first failure interrupts the sibling. */
  const both = Effect.all([
    Effect.andThen(Effect.sleep("10 millis"), Effect.fail(a)),
    Effect.andThen(Effect.sleep("20 millis"), Effect.fail(b))
  ], { concurrency: 2 })
  /** Both fail in the same instant. */
  const together = Effect.all([Effect.fail(a), Effect.fail(b)], { concurrency: 2 })

  it("withErrorHandling around Effect.all({ concurrency: 2 }): logged once, fallback applied", async () => {
    const { exit, records } = await run(Effect.gen(function*() {
      const out: Array<Exit.Exit<unknown, never>> = []
      for (const eff of [both, together]) {
        const fiber = yield* Effect.forkChild(
          Effect.exit(eff.pipe(ErrorHandling.withErrorHandling({ fallback: (e) => `fallback ${e._tag}` })))
        )
        yield* TestClock.adjust("20 millis")
        out.push(yield* Fiber.join(fiber))
      }
      return out
    }))
    expect(exit).toStrictEqual(
      Exit.succeed([Exit.succeed("fallback NetworkError"), Exit.succeed("fallback NetworkError")])
    )
    expect(records.map((r) => [r.level, r.message, r.fields.error_tag])).toEqual([
      ["error", "Operation failed, using fallback", "NetworkError"],
      ["error", "Operation failed, using fallback", "NetworkError"]
    ])
  })

  it("only: decided by the first failure, as Effect.catchTag does", async () => {
    const { exit } = await run(Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        both.pipe(ErrorHandling.withErrorHandling({ fallback: () => "handled", only: ["NetworkError"] }))
      )
      yield* TestClock.adjust("20 millis")
      return yield* Fiber.join(fiber)
    }))
    expect(exit).toStrictEqual(Exit.succeed("handled"))
  })

  it("a defect beside a failure: the defect passes through and the typed failure does not leak into E = never", async () => {
    const mixed = Effect.failCause(Cause.combine(Cause.fail(a), Cause.die(new Error("bug"))))
    const { exit, records } = await run(mixed.pipe(ErrorHandling.withErrorHandling({ fallback: () => 0 })))
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
    expect(fails(exit)).toBe(0)
    expect(records).toEqual([])
  })

  it("an external interruption still passes through, unlogged, even with a failure beside it", async () => {
    let called = 0
    const { exit, records } = await run(Effect.gen(function*() {
      // interrupted from outside, then a failure added on the way out (a cleanup step that failed)
      const interruptedThenFailed = Effect.catchCause(
        Effect.interruptible(Effect.never),
        (cause) => Effect.failCause(Cause.combine(cause, Cause.fail(a)))
      )
      // uninterruptible, so that the boundary's handler runs although its fiber is being interrupted
      const guarded = Effect.uninterruptible(
        interruptedThenFailed.pipe(ErrorHandling.withErrorHandling({ fallback: () => called++, catchDefects: true }))
      )
      const fiber = yield* Effect.forkChild(guarded)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.interrupt(fiber)
      return yield* Fiber.await(fiber)
    }))
    expect(Exit.isSuccess(exit)).toBe(true)
    const inner: Exit.Exit<unknown, unknown> = Exit.isSuccess(exit) ? exit.value : exit
    expect(Exit.hasInterrupts(inner)).toBe(true)
    expect(fails(inner)).toBe(1) // passed through as it was
    expect(called).toBe(0)
    expect(records).toEqual([])
  })

  it("logErrors logs concurrent failures once and lets the cause through", async () => {
    const { exit, records } = await run(Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.exit(both.pipe(ErrorHandling.logErrors())))
      yield* TestClock.adjust("20 millis")
      return yield* Fiber.join(fiber)
    }))
    expect(Exit.isSuccess(exit) && fails(exit.value)).toBe(1)
    expect(records.map((r) => `${r.message} ${r.fields.error_tag}`)).toEqual(["Operation failed NetworkError"])
  })
})

describe("ErrorHandling.TaggedError (the family's Data.TaggedError)", () => {
  class PaymentError extends ErrorHandling.TaggedError("PaymentError", "PAYMENT_ERROR")<{
    readonly order_id?: number
    readonly amount: number
  }> {}

  it("literal _tag, default code, own fields in the log line, catchTag and only narrow on it", async () => {
    const e = new PaymentError({ message: "declined", amount: 12, order_id: 7, context: { shop: "eu" } })
    expect([e._tag, e.name, e.code, e.amount, e.order_id]).toEqual([
      "PaymentError",
      "PaymentError",
      "PAYMENT_ERROR",
      12,
      7
    ])
    expect(e).toBeInstanceOf(FoundationError)
    expect(ErrorHandling.errorFields(e)).toEqual({
      error_tag: "PaymentError",
      error_message: "declined",
      code: "PAYMENT_ERROR",
      amount: 12,
      order_id: 7,
      shop: "eu"
    })
    const failing = Effect.fail(e) as Effect.Effect<string, PaymentError | ErrorHandling.NetworkError>
    const caught = failing.pipe(Effect.catchTag("PaymentError", (p) => Effect.succeed(`order ${p.order_id}`)))
    expectTypeOf(caught).toEqualTypeOf<Effect.Effect<string, ErrorHandling.NetworkError>>()
    expect(await Effect.runPromise(caught)).toBe("order 7")
    const handled = failing.pipe(
      ErrorHandling.withErrorHandling({ fallback: (p) => p.amount, only: ["PaymentError"], logErrors: false })
    )
    expectTypeOf(handled).toEqualTypeOf<Effect.Effect<string | number, ErrorHandling.NetworkError>>()
    expect(await Effect.runPromise(handled)).toBe(12)
  })

  it("types: fields are checked, reserved fields cannot be redeclared", () => {
    // @ts-expect-error amount is required
    new PaymentError({ message: "x" })
    // @ts-expect-error status is a number
    new NetworkError({ message: "x", status: "502" })
    class Odd extends ErrorHandling.TaggedError("Odd")<{ readonly code: number }> {}
    expectTypeOf(new Odd({ message: "x" }).code).toEqualTypeOf<string>()
  })
})

describe("dual forms keep precise types", () => {
  it("withErrorHandling and logErrors, data-first and data-last", () => {
    const eff = Effect.fail(new NetworkError({ message: "x" })) as Effect.Effect<
      number,
      ErrorHandling.NetworkError,
      "R"
    >
    expectTypeOf(ErrorHandling.logErrors(eff)).toEqualTypeOf<typeof eff>()
    expectTypeOf(ErrorHandling.logErrors(eff, { message: "m" })).toEqualTypeOf<typeof eff>()
    expectTypeOf(eff.pipe(ErrorHandling.logErrors({ context: { a: 1 } }))).toEqualTypeOf<typeof eff>()
    expectTypeOf(ErrorHandling.withErrorHandling(eff, { fallback: () => "s" as const })).toEqualTypeOf<
      Effect.Effect<number | "s", never, "R">
    >()
    // @ts-expect-error fallback is required (without it the effect dies: see "options without a fallback function")
    eff.pipe(ErrorHandling.withErrorHandling({ logErrors: false }))
    // @ts-expect-error the fallback sees the effect's error type
    eff.pipe(ErrorHandling.withErrorHandling({ fallback: (e) => e.nope }))
  })
})
