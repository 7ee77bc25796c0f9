/**
 * Seed: best practice 3, "Avoid Blocking Operations": read files through
 * @effect/platform's FileSystem (non-blocking) and log the result.
 */
import { FileSystem } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { FoundationLive, Log } from "effect-foundation"
import { fileURLToPath } from "node:url"

const goodExample = (path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const content = yield* fs.readFileString(path) // async I/O, the event loop stays free
    yield* Log.info("Read file", { path, size: content.length })
  })

goodExample(fileURLToPath(import.meta.url)).pipe(
  Effect.provide(Layer.merge(NodeContext.layer, FoundationLive)),
  NodeRuntime.runMain
)
