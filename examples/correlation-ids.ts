/**
 * Seed: best practice 4, "Structure Concurrent Logs" (process_batch):
 * correlation ids for concurrent work.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { FoundationLive, Log } from "effect-foundation"
import { randomUUID } from "node:crypto"

interface Item {
  readonly id: string
}

const processBatch = (items: ReadonlyArray<Item>) =>
  Effect.gen(function*() {
    const batchId = randomUUID()
    const processOne = (item: Item) =>
      Effect.gen(function*() {
        const itemLog = Log.bind({ batch_id: batchId, item_id: item.id })
        yield* itemLog.info("Processing item")
        yield* Effect.sleep("20 millis") // work...
        yield* itemLog.info("Item done")
      })
    yield* Effect.forEach(items, processOne, { concurrency: "unbounded", discard: true })
  })

processBatch([{ id: "a" }, { id: "b" }, { id: "c" }]).pipe(Effect.provide(FoundationLive), NodeRuntime.runMain)
