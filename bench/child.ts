/**
 * Runs one scenario file (argv[2]) and prints its rows as one "@@ROWS {json}"
 * line on stdout. Anything else the scenario prints is ignored.
 */
import { pathToFileURL } from "node:url"
import { cleanup, type Scenario } from "./harness.js"

const file = process.argv[2]!
const mod = (await import(pathToFileURL(file).href)) as { default: Scenario; notes?: ReadonlyArray<string> }
try {
  const rows = await mod.default.run()
  process.stdout.write(`@@ROWS ${JSON.stringify({ rows, notes: mod.default.notes ?? [] })}\n`)
} finally {
  cleanup()
}
process.exit(0)
