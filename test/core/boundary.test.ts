/**
 * The core's boundary: no module under src/core imports effect, @effect/*, src/internal, a public module or
 * #platform, and the lint rule (eslint.config.mjs) rejects a core module that tries.
 */
import { ESLint } from "eslint"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))
const coreDir = path.join(root, "src", "core")
const specifiers = (source: string): Array<string> =>
  Array.from(source.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g))
    .map((m) => m[1] ?? m[2]!)

describe("core boundary", () => {
  it("every core module imports only core modules", () => {
    const outside: Array<string> = []
    for (const file of fs.readdirSync(coreDir).filter((f) => f.endsWith(".ts"))) {
      for (const spec of specifiers(fs.readFileSync(path.join(coreDir, file), "utf8"))) {
        if (!spec.startsWith("./")) outside.push(file + ": " + spec)
      }
    }
    expect(outside).toEqual([])
  })

  it("the lint rule rejects a core module importing Effect, the binding or a public module", async () => {
    const eslint = new ESLint({ cwd: root })
    const [result] = await eslint.lintText(
      [
        "import * as Effect from \"effect/Effect\"",
        "import * as P from \"@effect/platform\"",
        "import { Logger } from \"effect\"",
        "import { x } from \"../internal/level.js\"",
        "import type { Log } from \"../Log.js\"",
        "import { y } from \"./level.js\"",
        "export { Effect, Log, Logger, P, x, y }",
        ""
      ].join("\n"),
      { filePath: path.join(coreDir, "boundaryProbe.ts") }
    )
    const restricted = result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.line)
    expect(restricted).toEqual([1, 2, 3, 4, 5])
  })
})
