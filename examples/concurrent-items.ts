/**
 * Seed: "Concurrent Logging" (process_items): the same logger from many
 * fibers at once.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"

interface Item {
  readonly id: number
}

const processItems = (items: ReadonlyArray<Item>) =>
  Effect.gen(function*() {
    const processOne = (item: Item) =>
      Effect.gen(function*() {
        yield* Log.info("Processing item", { item_id: item.id })
        yield* Effect.sleep(`${10 * (item.id % 3)} millis`) // process...
        yield* Log.info("Item complete", { item_id: item.id })
        return item.id
      })

    // run concurrently: the logger handles it safely
    const results = yield* Effect.forEach(items, processOne, { concurrency: "unbounded" })
    yield* Log.info("Batch complete", { count: results.length })
    return results
  })

processItems(Array.from({ length: 5 }, (_, id) => ({ id }))).pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
