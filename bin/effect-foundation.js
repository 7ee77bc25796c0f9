#!/usr/bin/env node
// effect-foundation CLI. Runs the built dist/node/cli.js when present; on a clean
// checkout (no build step) it registers tsx's ESM loader and runs src/node/cli.ts.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = new URL("../", import.meta.url)
const built = new URL("dist/node/cli.js", root)

let cli
if (existsSync(fileURLToPath(built))) {
  cli = await import(built.href)
} else {
  const { register } = await import("tsx/esm/api")
  register()
  cli = await import(new URL("src/node/cli.ts", root).href)
}

process.exitCode = await cli.main(process.argv.slice(2))
