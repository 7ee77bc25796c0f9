/**
 * One run of the sink-contract child, for debugging a cell of the matrix: the options are a `RunOptions`
 * object (test/harness/run.ts) as JSON; prints the check's numbers (and the child's stderr with SHOW_STDERR=1).
 *
 *   npx tsx --conditions=source scripts/sink-run.ts \
 *     '{"child":{"count":20000,"exit":"process.exit"},"target":"pipe-throttled","bytesPerSecond":2000000}'
 */
import { check } from "../test/harness/check.js"
import { summary } from "../test/harness/matrix.js"
import type { RunOptions } from "../test/harness/run.js"
import { runChild } from "../test/harness/run.js"

const options = JSON.parse(process.argv[2] ?? "{}") as RunOptions
const t0 = Date.now()
const result = await runChild(options)
const c = check(result)
console.log(`${summary(c)}; wall ${Date.now() - t0} ms`)
if (c.corruptSamples.length > 0) console.log(`corrupt: ${c.corruptSamples.join("\n         ")}`)
if (process.env["SHOW_STDERR"] === "1") console.log(result.stderr)
