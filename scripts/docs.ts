/**
 * Runs after docgen (`npm run docs`) over the pages it wrote in docs/modules/ (the package root) and
 * docs/effect4/modules/ (the effect4 entry, scripts/docsEffect4.ts):
 *
 * - front matter: docgen prints a blank line after the opening `---`, which
 *   Prettier then reads as a thematic break (`***`); each page gets its
 *   front matter back;
 * - `{@link X}` (and `{@link X text}`, `{@link X | text}`) becomes a markdown
 *   link to X's heading on the same page, or `X` in backticks when the page
 *   has no such heading (a member, another module);
 *
 * then checks the pages: every page starts with front matter, no `{@link`
 * is left, and the option types users pass are documented. Exits 1 with the
 * reasons otherwise, so CI's docs check fails.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fixPage } from "./docsPage.js"

// the package root's pages, and the effect4 entry's (scripts/docsEffect4.ts)
const docs = join(import.meta.dirname, "..", "docs")
const dirs = [join(docs, "modules"), join(docs, "effect4", "modules")]

const documented: Record<string, ReadonlyArray<string>> = {
  "EmojiLogger.ts.md": ["Format (type alias)", "RedactionOptions (interface)", "RenderLimits (interface)"],
  "Foundation.ts.md": ["RateLimitOptions (interface)"],
  "Otlp.ts.md": ["OtlpOptions (interface)"]
}

const problems: Array<string> = []
const pages = dirs.flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith(".md")).map((name) => ({
    dir,
    name,
    label: relative(docs, join(dir, name))
  }))
)
for (const { dir, label, name } of pages) {
  const file = join(dir, name)
  const page = fixPage(readFileSync(file, "utf8"))
  writeFileSync(file, page)
  if (!page.startsWith("---\n")) problems.push(`${label}: does not start with front matter`)
  for (const left of page.match(/\{@link[^}]*\}/g) ?? []) problems.push(`${label}: ${left} left`)
  for (const heading of documented[name] ?? []) {
    if (!page.includes(`\n## ${heading}\n`)) problems.push(`${label}: no section "${heading}"`)
  }
}
if (problems.length > 0) {
  console.error(`docs: ${problems.length} problem(s)\n${problems.join("\n")}`)
  process.exit(1)
}
console.log("docs: front matter, links and option types checked")
