/**
 * docgen over the `effect-foundation/effect4` entry (`npm run docs` runs it after the root's docgen): its modules'
 * pages, with every `@example` type-checked and run against effect 4.
 *
 * docgen takes its source and output folders from the docgen.json of the folder it runs in, and rewrites an
 * example's `from "effect-foundation/..."` to `from "../../src/..."`, two levels above the examples it writes; and
 * an example's `effect` must be effect 4. So it runs in a folder of its own, docs/.effect4/ (generated, ignored):
 * `src` links to the repository's src/, `node_modules` to the Effect 4 line's (test/effect4/node_modules), so an
 * example resolves `effect` to effect 4 and `effect-foundation/effect4` to src/effect4/index.ts. The pages land in
 * docs/effect4/modules/ (docgen titles them `effect4/<Module>.ts`), which scripts/docs.ts then checks like the root's.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
const work = join(root, "docs", ".effect4")
const pages = join(root, "docs", "effect4", "modules")
const rootConfig = JSON.parse(readFileSync(join(root, "docgen.json"), "utf8")) as {
  readonly examplesCompilerOptions: Record<string, unknown>
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  readonly name: string
  readonly homepage: string
  readonly imports: unknown
}

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
symlinkSync(join("..", "..", "src"), join(work, "src"), "dir")
symlinkSync(join("..", "..", "test", "effect4", "node_modules"), join(work, "node_modules"), "dir")
// the sources are seen through the link (docs/.effect4/src/...): this package.json is theirs, so it carries the
// package's `imports` (#platform)
writeFileSync(
  join(work, "package.json"),
  JSON.stringify({ name: pkg.name, homepage: pkg.homepage, type: "module", imports: pkg.imports })
)
const { paths: _paths, ...examplesCompilerOptions } = rootConfig.examplesCompilerOptions
writeFileSync(
  join(work, "docgen.json"),
  JSON.stringify({
    srcDir: "src/effect4",
    outDir: "docs",
    exclude: ["src/effect4/internal/**/*.ts", "src/effect4/node_modules/**"],
    parseCompilerOptions: join(root, "tsconfig.json"),
    examplesCompilerOptions
  })
)

const run = spawnSync("docgen", [], {
  cwd: work,
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=source`.trim() }
})
if (run.status !== 0) {
  console.error(`docs (effect4): docgen exited ${run.status ?? run.signal}`)
  process.exit(1)
}

rmSync(pages, { recursive: true, force: true })
mkdirSync(pages, { recursive: true })
// docgen names the pages after their path under src/: docs/.effect4/docs/modules/effect4/<Module>.ts.md
const written = join(work, "docs", "modules", "effect4")
for (const name of readdirSync(written).filter((f) => f.endsWith(".md"))) {
  const page = readFileSync(join(written, name), "utf8")
  writeFileSync(join(pages, name), page)
}
console.log(`docs (effect4): ${readdirSync(pages).length} module pages in docs/effect4/modules`)
