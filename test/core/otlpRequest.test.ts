/**
 * The OTLP request's Effect-free parts, without Effect: `Retry-After` read as seconds or an HTTP date, the statuses
 * the OTLP/HTTP specification allows to retry, the body in either encoding, and gzip with `CompressionStream`.
 */
import { gunzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import type { ExportLogsRequest } from "../../src/core/otlpJson.js"
import { encodeLogsRequest } from "../../src/core/otlpProtobuf.js"
import { encodeBody, gzip, maxRetryAfterMillis, retryableStatus, retryAfterMillis } from "../../src/core/otlpRequest.js"

const NOW = Date.UTC(2015, 9, 21, 7, 28, 0)

const request: ExportLogsRequest = {
  resourceLogs: [{ resource: { attributes: [{ key: "k", value: { stringValue: "v" } }] }, scopeLogs: [] }]
}

describe("core/otlpRequest", () => {
  it("Retry-After as delay-seconds: whole seconds in milliseconds, trimmed", () => {
    expect(["0", "5", " 120 ", "3600"].map((h) => retryAfterMillis(h, NOW))).toEqual([0, 5000, 120_000, 3_600_000])
    expect(maxRetryAfterMillis).toBe(60_000)
  })

  it("Retry-After as an HTTP date: the time left from now, a past date 0", () => {
    expect(retryAfterMillis("Wed, 21 Oct 2015 07:28:30 GMT", NOW)).toBe(30_000)
    expect(retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).toBe(0)
    expect(retryAfterMillis("Tue, 20 Oct 2015 07:28:00 GMT", NOW)).toBe(0)
  })

  it("Retry-After absent or unreadable: undefined (no fractions, signs, bare numbers or words)", () => {
    expect([undefined, "", " ", "1.5", "-1", "+5", "1e3", "soon", "5s"].map((h) => retryAfterMillis(h, NOW)))
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined])
  })

  it("only 429, 502, 503 and 504 may be retried", () => {
    const statuses = [200, 400, 401, 404, 408, 413, 429, 500, 501, 502, 503, 504, 505]
    expect(statuses.filter(retryableStatus)).toEqual([429, 502, 503, 504])
  })

  it("encodeBody: JSON text for http/json, the protobuf bytes for http/protobuf", () => {
    expect(encodeBody("http/json", request)).toBe(
      "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"v\"}}]},\"scopeLogs\":[]}]}"
    )
    const body = encodeBody("http/protobuf", request)
    expect(body).toBeInstanceOf(Uint8Array)
    expect(Array.from(body as Uint8Array)).toEqual(Array.from(encodeLogsRequest(request)))
    expect((body as Uint8Array).length).toBe(14)
  })

  it("gzip: a gzip stream (magic 1f 8b, deflate) that gunzips back to the text or the bytes", async () => {
    const text = "héllo ".repeat(100)
    const zipped = await gzip(text)
    expect(Array.from(zipped.subarray(0, 3))).toEqual([0x1f, 0x8b, 0x08])
    expect(zipped.length).toBeLessThan(Buffer.byteLength(text))
    expect(gunzipSync(zipped).toString("utf8")).toBe(text)
    const bytes = encodeLogsRequest(request)
    expect(Array.from(gunzipSync(await gzip(bytes)))).toEqual(Array.from(bytes))
    expect(gunzipSync(await gzip("")).length).toBe(0)
  })
})
