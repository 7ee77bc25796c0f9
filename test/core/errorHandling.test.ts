/**
 * The Effect-free part of the error boundaries (`withErrorHandling`, `logErrors`), without Effect: the checked
 * options, the decision for a cause's first failure and first defect, and the fields logged.
 */
import { describe, expect, it } from "vitest"
import { boundary, boundaryOptions, failureFields, logErrorsMessage } from "../../src/core/errorHandling.js"
import type { OptionChecks } from "../../src/core/optionChecks.js"
import { checkedOption, durationParsers, invalidOptionMessage } from "../../src/core/parse.js"

const invalid = (where: string, name: string, value: unknown, accepted: string) =>
  new Error(invalidOptionMessage(where, name, value, accepted))
const checks: OptionChecks = {
  option: (where, name, value, parser) => checkedOption(where, name, value, parser, invalid),
  invalid,
  duration: durationParsers(() => undefined).duration
}
const fallback = () => "fallback"
const options = (over: Record<string, unknown> = {}) => boundaryOptions({ fallback, ...over }, checks)

const notFound = { _tag: "NotFound", message: "no user", id: 7 }
const boom = new Error("boom")

describe("core/errorHandling", () => {
  it("fills in the defaults and requires a fallback function", () => {
    expect(options()).toEqual({
      fallback,
      logErrors: true,
      context: undefined,
      message: "Operation failed, using fallback",
      catchDefects: false,
      only: undefined
    })
    expect(options({ logErrors: false, message: "m", catchDefects: "yes", only: ["A", "B"], context: { k: 1 } }))
      .toEqual({
        fallback,
        logErrors: false,
        context: { k: 1 },
        message: "m",
        catchDefects: false,
        only: new Set(["A", "B"])
      })
    expect(() => boundaryOptions({}, checks)).toThrow(
      "ErrorHandling.withErrorHandling option fallback: invalid value undefined; accepted: a function"
    )
    expect(() => boundaryOptions(null, checks)).toThrow(
      "ErrorHandling.withErrorHandling option options: invalid value null; accepted: an options object with a " +
        "fallback function"
    )
    expect(logErrorsMessage).toBe("Operation failed")
  })

  it("logs a failure's tag, message and own fields, defect: true for a defect, then the context over them", () => {
    expect(failureFields(notFound, false, undefined)).toEqual({
      error_tag: "NotFound",
      error_message: "no user",
      id: 7
    })
    expect(failureFields(boom, true, { request: "r1" })).toEqual({
      error_tag: "Error",
      error_message: "boom",
      defect: true,
      request: "r1"
    })
    expect(failureFields(notFound, false, { id: 8 }).id).toBe(8)
  })

  it("recovers from the first failure, with its fields unless logErrors is off", () => {
    expect(boundary(options({ context: { op: "get" } }), { error: notFound }, undefined)).toEqual({
      _tag: "Recover",
      error: notFound,
      fields: { error_tag: "NotFound", error_message: "no user", id: 7, op: "get" }
    })
    expect(boundary(options({ logErrors: false }), { error: notFound }, undefined)).toEqual({
      _tag: "Recover",
      error: notFound,
      fields: undefined
    })
  })

  it("with only, recovers from the failures it names and passes the others on", () => {
    const o = options({ only: ["Timeout", "NotFound"] })
    expect(boundary(o, { error: notFound }, undefined)._tag).toBe("Recover")
    expect(boundary(o, { error: { _tag: "Forbidden" } }, undefined)).toEqual({ _tag: "Pass" })
    expect(boundary(o, { error: "text" }, undefined)).toEqual({ _tag: "Pass" })
  })

  it("without catchDefects, passes a defect on, stripped of its failures when it has some", () => {
    expect(boundary(options(), undefined, { defect: boom })).toEqual({ _tag: "Pass" })
    expect(boundary(options(), { error: notFound }, { defect: boom })).toEqual({ _tag: "PassDefect" })
  })

  it("with catchDefects, recovers from a defect alone, and from the failure when there is one", () => {
    const o = options({ catchDefects: true })
    expect(boundary(o, undefined, { defect: boom })).toEqual({
      _tag: "Recover",
      error: boom,
      fields: { error_tag: "Error", error_message: "boom", defect: true }
    })
    expect(boundary(o, { error: notFound }, { defect: boom })).toMatchObject({ _tag: "Recover", error: notFound })
    expect(boundary(options({ catchDefects: true, logErrors: false }), undefined, { defect: "x" })).toEqual({
      _tag: "Recover",
      error: "x",
      fields: undefined
    })
  })

  it("passes on a cause with neither failure nor defect (interruption)", () => {
    expect([boundary(options(), undefined, undefined), boundary(options({ catchDefects: true }), undefined, undefined)])
      .toEqual([{ _tag: "Pass" }, { _tag: "Pass" }])
  })
})
