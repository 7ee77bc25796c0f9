/**
 * The package version the core reports (OTLP `User-Agent`, instrumentation scope), kept equal to package.json's.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { version } from "../../src/core/version.js"

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  readonly version: string
}

describe("core/version", () => {
  it("equals the version in package.json", () => {
    expect(version).toBe(packageJson.version)
  })

  it("is a semantic version", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/)
  })
})
