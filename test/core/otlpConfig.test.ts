/**
 * The OTLP configuration parsers of the Effect-free core, without Effect: `k=v` lists, header names and values, the
 * endpoint, compression, timeout, the protocol rule (first variable set decides) and the messages of each refusal.
 */
import { describe, expect, it } from "vitest"
import {
  headerProblem,
  headersAccepted,
  headersFromText,
  headersOptionProblem,
  parseCompression,
  parseKeyValues,
  parseTimeout,
  parseUrl,
  protocolFrom
} from "../../src/core/otlpConfig.js"

const badName = "a header name is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)"
const badValue = (name: string) =>
  `the value of header ${
    JSON.stringify(name)
  } holds a character an HTTP header cannot carry (CR, LF, NUL, another control character, or one beyond U+00FF)`

describe("core/otlpConfig", () => {
  it("parseKeyValues: trimmed pairs, URL-decoded values, empty parts skipped, '=' kept inside a value", () => {
    expect(parseKeyValues(" service.name = api ,, team=a%20b, expr=x=1 ,")).toEqual({
      "service.name": "api",
      team: "a b",
      expr: "x=1"
    })
    expect(parseKeyValues("")).toEqual({})
    expect(parseKeyValues("k=")).toEqual({ k: "" })
    expect(parseKeyValues("k=1,k=2")).toEqual({ k: "2" })
  })

  it("parseKeyValues: no '=', an empty key or bad URL encoding is refused as a whole", () => {
    expect([
      parseKeyValues("a=1,b"),
      parseKeyValues("=v"),
      parseKeyValues("  =v"),
      parseKeyValues("a=%E0%A4%A"),
      parseKeyValues("a=100%")
    ]).toEqual([undefined, undefined, undefined, undefined, undefined])
  })

  it("parseKeyValues: __proto__ is an own key, the prototype untouched", () => {
    const out = parseKeyValues("__proto__=x,constructor=y")!
    expect(Object.keys(out)).toEqual(["__proto__", "constructor"])
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("x")
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })

  it("headerProblem: token names, field values up to U+00FF with tabs and spaces, the value never quoted", () => {
    expect(headerProblem("x-tenant_1.~", "Bearer t0k\tné")).toBeUndefined()
    expect(headerProblem("x tenant", "v")).toBe(badName)
    expect(headerProblem("", "v")).toBe(badName)
    expect(headerProblem("x:y", "v")).toBe(badName)
    expect([headerProblem("auth", "a\r\nX-Evil: 1"), headerProblem("auth", "a\u0000"), headerProblem("auth", "€")])
      .toEqual([badValue("auth"), badValue("auth"), badValue("auth")])
    // the name is checked first: a bad name with a bad value says the name
    expect(headerProblem("a b", "\n")).toBe(badName)
  })

  it("headersFromText: the headers, or one message naming the variable without the value", () => {
    expect(headersFromText("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme,authorization=Bearer%20t0k")).toEqual({
      headers: { "x-tenant": "acme", authorization: "Bearer t0k" }
    })
    const tail = "; the value is not shown, it may hold a secret); accepted: " + headersAccepted
    expect(headersFromText("OTEL_EXPORTER_OTLP_HEADERS", "secret-token")).toEqual({
      message: "OTEL_EXPORTER_OTLP_HEADERS: invalid value (not name=value pairs, or a value is not valid URL encoding" +
        tail
    })
    const injected = headersFromText("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "ok=1,auth=s3cret%0D%0AX-Evil%3A%201")
    expect(injected).toEqual({
      message: `OTEL_EXPORTER_OTLP_LOGS_HEADERS: invalid value (${badValue("auth")}${tail}`
    })
    expect(JSON.stringify(injected)).not.toContain("s3cret")
    expect(headersFromText("H", "bad name=1")).toEqual({ message: `H: invalid value (${badName}${tail}` })
  })

  it("parseUrl, parseCompression, parseTimeout: trimmed, strict, undefined when unusable", () => {
    expect([
      parseUrl(" http://localhost:4318/v1/logs "),
      parseUrl("https://c.example/v1/logs"),
      parseUrl("ftp://c.example/"),
      parseUrl("localhost:4318"),
      parseUrl("not a url")
    ]).toEqual(["http://localhost:4318/v1/logs", "https://c.example/v1/logs", undefined, undefined, undefined])
    expect(["gzip", " GZIP ", "none", "deflate", ""].map(parseCompression)).toEqual([
      "gzip",
      "gzip",
      "none",
      undefined,
      undefined
    ])
    expect(["10000", " 1 ", "999999999", "0", "1234567890", "1.5", "-5", "1e3", ""].map(parseTimeout)).toEqual([
      10000,
      1,
      999999999,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it("protocolFrom: the first variable set decides, case-insensitively; unset and blank ones are skipped", () => {
    expect(protocolFrom([])).toEqual({ protocol: undefined })
    expect(protocolFrom([["L", undefined], ["G", "  "]])).toEqual({ protocol: undefined })
    expect(protocolFrom([["L", " HTTP/JSON "], ["G", "http/protobuf"]])).toEqual({ protocol: "http/json" })
    expect(protocolFrom([["L", ""], ["G", "http/protobuf"]])).toEqual({ protocol: "http/protobuf" })
  })

  it("protocolFrom: grpc turns the export off, an unknown value is ignored; each with one warning", () => {
    expect(protocolFrom([["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "gRPC"], ["OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"]]))
      .toEqual({
        protocol: "off",
        warning: "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=grpc: this exporter sends OTLP over HTTP only (http/protobuf, " +
          "http/json); OTLP log export is off"
      })
    // an unknown value in the first variable is not passed over for the next one
    expect(protocolFrom([["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "thrift"], ["OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"]]))
      .toEqual({
        protocol: undefined,
        warning: "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: unknown value \"thrift\" ignored (accepted: http/protobuf, " +
          "http/json, grpc); exporting with http/protobuf"
      })
  })

  it("headersOptionProblem: the first header that cannot be sent, prefixed with the option's name", () => {
    expect([headersOptionProblem(undefined), headersOptionProblem({}), headersOptionProblem({ "x-a": "1" })]).toEqual(
      [undefined, undefined, undefined]
    )
    expect(headersOptionProblem({ ok: "1", "bad name": "2", also: "\n" })).toBe(`Otlp option headers: ${badName}`)
    expect(headersOptionProblem({ ok: "1", also: "line\nbreak" })).toBe(`Otlp option headers: ${badValue("also")}`)
    // a non-string value from JavaScript is checked as its text
    expect(headersOptionProblem({ n: 42 as unknown as string })).toBeUndefined()
  })
})
