/**
 * A Cloudflare Worker that logs through the package root, for
 * `scripts/runtimes.ts`: bundled with `esbuild --platform=browser` (so the
 * root's runtime-agnostic platform is chosen) and served by `workerd`, where
 * there is no `process`, `Buffer` or `node:` module.
 */
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

export default {
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    await Effect.runPromise(Log.info("effect-foundation in workerd", { path }).pipe(Effect.provide(FoundationLive)))
    return new Response(`ok process=${typeof process}`)
  }
}
