/**
 * Request logging's Effect-free half (both bindings' HttpLogging), without Effect.
 */
import { describe, expect, it } from "vitest"
import * as http from "../../src/core/httpLogging.js"

const invalid: http.InvalidOption = (where, name, value, accepted) =>
  new Error(`${where === "" ? name : `${where} option ${name}`}: ${JSON.stringify(value)} (${accepted})`)

describe("core/httpLogging", () => {
  it("checks the options once, with their defaults", () => {
    const s = http.httpSettings({}, invalid)
    expect({ ...s, generateId: typeof s.generateId }).toEqual({
      successLevel: "info",
      logReceived: false,
      headerNames: [],
      idHeader: "x-request-id",
      generateId: "function",
      skip: undefined,
      loggerName: "http"
    })
    const t = http.httpSettings({ successLevel: "WARN", headers: ["User-Agent"], requestIdHeader: "X-Id" }, invalid)
    expect([t.successLevel, t.headerNames, t.idHeader]).toEqual(["warning", ["user-agent"], "x-id"])
    expect(() => http.httpSettings({ successLevel: "LOUD" as never }, invalid)).toThrow(
      "HttpLogging option successLevel: \"LOUD\" (TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL))"
    )
    expect(() => http.httpSettings({ headers: [1] as never }, invalid)).toThrow("HttpLogging option headers: [1]")
    expect(() => http.httpSettings(undefined as never, invalid)).toThrow("HttpLogging options: undefined")
  })

  it("the request id: a usable incoming one, else a generated one", () => {
    const s = http.httpSettings({ generateId: () => "gen" }, invalid)
    expect(
      ["req-1", undefined, "", "has space", "é", "x".repeat(129), "x".repeat(128)].map((id) => http.requestIdOf(s, id))
    )
      .toEqual(["req-1", "gen", "gen", "gen", "gen", "gen", "x".repeat(128)])
  })

  it("a generateId that throws or makes an unusable id, a skip predicate that throws: a UUID, nothing skipped", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    const throwing = http.httpSettings({
      generateId: () => {
        throw new Error("no ids")
      }
    }, invalid)
    const unusable = [42, "", "has space", undefined].map((id) =>
      http.httpSettings({ generateId: () => id as never }, invalid)
    )
    for (const s of [throwing, ...unusable]) expect(http.requestIdOf(s, undefined)).toMatch(uuid)
    const { skip } = http.httpSettings({
      skipPaths: () => {
        throw new Error("bad skip")
      }
    }, invalid)
    expect(skip!("/x")).toBe(false)
  })

  it("the path never carries the query string or the fragment", () => {
    expect(["/a", "/a?token=x", "/a#f?x", "/a?x#f", "/"].map(http.pathOf)).toEqual(["/a", "/a", "/a", "/a", "/"])
  })

  it("skip paths: exact, RegExp (global ones too) or a predicate", () => {
    const { skip } = http.httpSettings({ skipPaths: ["/health", /^\/inter/g] }, invalid)
    expect(["/health", "/internal", "/internal", "/healthz", "/x"].map((p) => skip!(p)))
      .toEqual([true, true, true, false, false])
    expect(http.httpSettings({ skipPaths: [] }, invalid).skip).toBeUndefined()
    expect(http.httpSettings({ skipPaths: (p) => p === "/x" }, invalid).skip!("/x")).toBe(true)
  })

  it("logged headers: the asked-for ones present, credentials always [REDACTED]", () => {
    const s = http.httpSettings({ headers: ["User-Agent", "Authorization", "cookie", "x-missing"] }, invalid)
    expect(http.headerFieldsOf(s, { "user-agent": "curl/8", authorization: "Bearer abc", cookie: "s=1", other: "o" }))
      .toEqual({ "user-agent": "curl/8", authorization: "[REDACTED]", cookie: "[REDACTED]" })
    expect(http.headerFieldsOf(http.httpSettings({}, invalid), { "user-agent": "curl/8" })).toBeUndefined()
  })

  it("the completion line's level and message by status, and its fields", () => {
    const s = http.httpSettings({ successLevel: "debug" }, invalid)
    expect([101, 200, 302, 400, 404, 500, 503].map((status) => http.completionOf(s, status))).toEqual([
      { level: "debug", message: "Request completed" },
      { level: "debug", message: "Request completed" },
      { level: "debug", message: "Request completed" },
      { level: "warning", message: "Request completed" },
      { level: "warning", message: "Request completed" },
      { level: "error", message: "Request failed" },
      { level: "error", message: "Request failed" }
    ])
    expect(http.completionFields(200, 3, undefined)).toEqual({ status: 200, duration_ms: 3 })
    expect(http.cancelledFields(3, "client disconnected", { a: "b" }))
      .toEqual({ duration_ms: 3, reason: "client disconnected", headers: { a: "b" } })
    expect(http.receivedFields(undefined)).toEqual({})
  })
})
