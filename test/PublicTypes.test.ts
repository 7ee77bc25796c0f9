/**
 * The option types documented in the public modules are the ones the
 * implementation takes: a field added to one side and not the other fails
 * the type check (`npm run typecheck`).
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { EmojiLogger, Foundation, Telemetry } from "effect-foundation"
import type { Format } from "../src/internal/format.js"
import type { OtlpOptions } from "../src/internal/otlp.js"
import type { RateLimitOptions } from "../src/internal/rateLimit.js"
import type { RedactionOptions } from "../src/internal/redact.js"
import type { RenderLimits } from "../src/internal/render.js"

describe("public option types", () => {
  it("equal the types the implementation takes", () => {
    expectTypeOf<EmojiLogger.Format>().toEqualTypeOf<Format>()
    expectTypeOf<EmojiLogger.RedactionOptions>().toEqualTypeOf<RedactionOptions>()
    expectTypeOf<EmojiLogger.RenderLimits>().toEqualTypeOf<RenderLimits>()
    expectTypeOf<Foundation.RateLimitOptions>().toEqualTypeOf<RateLimitOptions>()
    expectTypeOf<Telemetry.OtlpOptions>().toEqualTypeOf<OtlpOptions>()
  })
})
