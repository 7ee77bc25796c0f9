/**
 * The emoji tables of the Effect-free core, without Effect.
 */
import { describe, expect, it } from "vitest"
import * as emoji from "../../src/core/emoji.js"

describe("core/emoji", () => {
  it("names map by their first dotted segment; unknown names hash into the palette, the same every time", () => {
    expect([emoji.forName(undefined), emoji.forName("worker.alpha"), emoji.forName("db")]).toEqual(["▶️", "👷", "🗄️"])
    const hashed = emoji.forName("zebra.stripes")
    expect(emoji.palette).toContain(hashed)
    expect(emoji.forName("zebra.stripes")).toBe(hashed)
  })

  it("DAS markers: known values, then each table's default", () => {
    expect(emoji.das({ domain: "database", action: "query", status: "success" })).toBe(
      "[" + emoji.domain["database"] + "][" + emoji.action["query"] + "][" + emoji.status["success"] + "]"
    )
    expect(emoji.dasMarker(emoji.status, "no-such-status")).toBe(emoji.dasMarker(emoji.status, undefined))
  })
})
