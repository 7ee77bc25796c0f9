/**
 * A log file rotated by size and by time, keeping the 7 newest rotated files,
 * gzipped in the background; a SIGHUP reopens the file (for logrotate's
 * `postrotate`). The program logs 20,000 requests, so the 256 KiB files
 * rotate a dozen times, then lists the folder.
 *
 *   npx tsx --conditions=source examples/rotating-file.ts [folder]
 *
 * The same from the environment, without changing the code:
 *
 *   PROVIDE_LOG_FILE=/var/log/app.log PROVIDE_LOG_FILE_MAX_SIZE="10 MiB" PROVIDE_LOG_FILE_INTERVAL="1 day" \
 *   PROVIDE_LOG_FILE_MAX_FILES=7 PROVIDE_LOG_FILE_COMPRESS=true PROVIDE_LOG_FILE_REOPEN_SIGNAL=SIGHUP node app.js
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { Foundation, Log, Telemetry } from "effect-foundation"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const dir = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), "rotating-file-"))
const file = path.join(dir, "app.log")

const Logging = Foundation.layer({
  format: "json",
  sink: {
    target: {
      file,
      rotate: { maxSize: "256 KiB", interval: "1 day", maxFiles: 7, compress: true },
      reopenOnSignal: "SIGHUP"
    }
  }
})

const main = Effect.gen(function*() {
  for (let i = 0; i < 20_000; i++) {
    yield* Log.info("request handled", { request_id: i, path: "/api/items", status: 200, duration_ms: i % 37 })
    if (i % 1_000 === 0) yield* Effect.sleep("5 millis") // other work meanwhile
  }
  yield* Telemetry.flush()
  yield* Effect.sleep("300 millis") // the background gzip of the last rotated file
  const files = fs.readdirSync(dir).sort()
  yield* Effect.sync(() => {
    console.log(`${dir}:`)
    for (const f of files) console.log(`  ${f.padEnd(45)} ${fs.statSync(path.join(dir, f)).size} bytes`)
  })
})

main.pipe(Effect.provide(Logging), NodeRuntime.runMain)
