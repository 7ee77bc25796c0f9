/**
 * The option types documented in the public modules are the ones the
 * implementation takes: a field added to one side and not the other fails
 * the type check (`npm run typecheck`).
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { EmojiLogger, Foundation, Telemetry } from "effect-foundation"
import type { Format } from "../src/core/formatter.js"
import type { RedactionOptions } from "../src/core/redact.js"
import type { RenderLimits } from "../src/core/render.js"
import type { OtlpOptions } from "../src/internal/otlp.js"
import type { RateLimitOptions } from "../src/internal/rateLimit.js"

describe("public option types", () => {
  it("equal the types the implementation takes", () => {
    expectTypeOf<EmojiLogger.Format>().toEqualTypeOf<Format>()
    expectTypeOf<EmojiLogger.RedactionOptions>().toEqualTypeOf<RedactionOptions>()
    expectTypeOf<EmojiLogger.RenderLimits>().toEqualTypeOf<RenderLimits>()
    expectTypeOf<Foundation.RateLimitOptions>().toEqualTypeOf<RateLimitOptions>()
    expectTypeOf<Telemetry.OtlpOptions>().toEqualTypeOf<OtlpOptions>()
  })
})
