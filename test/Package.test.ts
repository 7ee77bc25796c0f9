/**
 * The package as a user gets it: `npm pack` (prepack builds dist with tsc) in a
 * copy of the repository, the tarball installed in a fresh folder, a program
 * type-checked under `nodenext`, `bundler` and `node10`, then run with plain
 * `node` (ESM import, and CommonJS `require` through Node's require(esm)).
 *
 * Offline: the package has no dependencies of its own; its peers (`effect`,
 * `@effect/platform`) and `@types/node` are linked from the repository's
 * node_modules, as an app that already uses Effect has them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../", import.meta.url))
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const run = (file: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) =>
  Effect.async<Run>((resume) => {
    execFile(
      file,
      args,
      {
        cwd,
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }
      },
      (error, stdout, stderr) =>
        resume(Effect.succeed({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
          stdout,
          stderr
        }))
    )
  })

const show = (what: string, r: Run) => `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`

const program = `import { Effect } from "effect"
import { Foundation, Log } from "effect-foundation"

const main = Log.info("hello from the package", { answer: 42 }).pipe(
  Effect.provide(Foundation.layer({ format: "json" }))
)
Effect.runPromise(main)
`

// Subpath exports exist only for resolutions that read "exports" (not node10).
const subpath = `import * as Log from "effect-foundation/Log"
import * as Retry from "effect-foundation/Retry"
export const calls = [Log.info, Retry.withRetry] as const
`

const cjs = `const { FoundationLive, Log } = require("effect-foundation")
const { Effect } = require("effect")
Effect.runPromise(Log.info("hello from require").pipe(Effect.provide(FoundationLive)))
`

const tsconfig = (module: string, moduleResolution: string, files: ReadonlyArray<string>) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module,
      moduleResolution,
      strict: true,
      skipLibCheck: true,
      types: ["node"],
      lib: ["ES2022"],
      outDir: "out"
    },
    files
  })

const link = (consumer: string, name: string) => {
  const target = join(consumer, "node_modules", name)
  mkdirSync(join(target, ".."), { recursive: true })
  symlinkSync(join(root, "node_modules", name), target, "dir")
}

describe("Package", () => {
  it.effect(
    "packs, installs in a fresh folder, type-checks under nodenext, bundler and node10, and runs",
    () =>
      Effect.gen(function*() {
        const work = mkdtempSync(join(tmpdir(), "ef-package-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(work, { recursive: true, force: true })))

        // Pack from a copy, so the build does not write dist/ under tests that run the bin from the repository.
        const copy = join(work, "repo")
        mkdirSync(copy)
        for (
          const name of ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE", "CHANGELOG.md"]
        ) {
          cpSync(join(root, name), join(copy, name))
        }
        cpSync(join(root, "src"), join(copy, "src"), { recursive: true })
        cpSync(join(root, "bin"), join(copy, "bin"), { recursive: true })
        symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir")
        const pack = yield* run("npm", ["pack", "--silent", "--pack-destination", work], copy)
        expect(pack.code, show("npm pack", pack)).toBe(0)
        const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))
        expect(tarball, show("npm pack", pack)).toBeDefined()

        const consumer = join(work, "consumer")
        mkdirSync(consumer)
        writeFileSync(
          join(consumer, "package.json"),
          JSON.stringify({ name: "consumer", private: true, type: "module" })
        )
        const install = yield* run(
          "npm",
          [
            "install",
            "--offline",
            "--legacy-peer-deps",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            join(work, tarball!)
          ],
          consumer
        )
        expect(install.code, show("npm install", install)).toBe(0)
        for (const name of ["effect", "@effect/platform", "@types/node"]) link(consumer, name)

        writeFileSync(join(consumer, "program.ts"), program)
        writeFileSync(join(consumer, "subpath.ts"), subpath)
        writeFileSync(join(consumer, "require.cjs"), cjs)
        const configs = [
          ["nodenext", "NodeNext", "NodeNext", ["program.ts", "subpath.ts"]],
          ["bundler", "ES2022", "Bundler", ["program.ts", "subpath.ts"]],
          ["node10", "ES2022", "Node10", ["program.ts"]]
        ] as const
        for (const [name, module, resolution, files] of configs) {
          writeFileSync(join(consumer, `tsconfig.${name}.json`), tsconfig(module, resolution, files))
        }
        // nodenext also emits out/program.js, which plain node runs below.
        const checks = yield* Effect.forEach(
          configs,
          ([name]) =>
            run(
              process.execPath,
              [tsc, ...(name === "nodenext" ? [] : ["--noEmit"]), "-p", `tsconfig.${name}.json`],
              consumer
            ),
          { concurrency: "unbounded" }
        )
        checks.forEach((check, i) => expect(check.code, show(`tsc ${configs[i][0]}`, check)).toBe(0))
        const esm = yield* run(process.execPath, ["out/program.js"], consumer)
        expect(esm.code, show("node out/program.js", esm)).toBe(0)
        const line = JSON.parse(esm.stdout.trim())
        expect({ message: line.message, answer: line.answer, level: line.level }).toEqual({
          message: "hello from the package",
          answer: 42,
          level: "info"
        })

        const required = yield* run(process.execPath, ["require.cjs"], consumer, {
          PROVIDE_LOG_CONSOLE_FORMATTER: "json"
        })
        expect(required.code, show("node require.cjs", required)).toBe(0)
        expect(JSON.parse(required.stdout.trim()).message).toBe("hello from require")
      }).pipe(Effect.scoped),
    180_000
  )
})
