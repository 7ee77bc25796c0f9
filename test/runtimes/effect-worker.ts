/**
 * workerd sanity worker for `scripts/runtimes.ts`: `effect` only, no
 * effect-foundation; proves the bundle + `workerd serve` + request steps work.
 */
import { Console, Effect } from "effect"

export default {
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    await Effect.runPromise(Console.log(`effect-only worker ok path=${path}`))
    return new Response(`ok process=${typeof process}`)
  }
}
