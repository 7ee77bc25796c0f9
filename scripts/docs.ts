/**
 * Runs after docgen (`npm run docs`) over the pages it wrote in docs/modules/:
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
import { join } from "node:path"
import { fixPage } from "./docsPage.js"

const dir = join(import.meta.dirname, "..", "docs", "modules")

const documented: Record<string, ReadonlyArray<string>> = {
  "EmojiLogger.ts.md": ["Format (type alias)", "RedactionOptions (interface)", "RenderLimits (interface)"],
  "Foundation.ts.md": ["RateLimitOptions (interface)"],
  "Otlp.ts.md": ["OtlpOptions (interface)"]
}

const problems: Array<string> = []
for (const name of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
  const file = join(dir, name)
  const page = fixPage(readFileSync(file, "utf8"))
  writeFileSync(file, page)
  if (!page.startsWith("---\n")) problems.push(`${name}: does not start with front matter`)
  for (const left of page.match(/\{@link[^}]*\}/g) ?? []) problems.push(`${name}: ${left} left`)
  for (const heading of documented[name] ?? []) {
    if (!page.includes(`\n## ${heading}\n`)) problems.push(`${name}: no section "${heading}"`)
  }
}
if (problems.length > 0) {
  console.error(`docs: ${problems.length} problem(s)\n${problems.join("\n")}`)
  process.exit(1)
}
console.log("docs: front matter, links and option types checked")
