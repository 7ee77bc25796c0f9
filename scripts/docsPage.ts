/**
 * Fixes of a page docgen wrote (see scripts/docs.ts).
 */

const slug = (heading: string): string => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").trim().replace(/ /g, "-")

/** The page with its front matter restored and its `{@link}` tags rewritten. */
export const fixPage = (page: string): string => {
  let out = page.replace(/^\*\*\*\n\n((?:[a-z_]+: .*\n)+)---\n/, "---\n$1---\n")
  const anchors = new Map<string, string>()
  for (const match of out.matchAll(/^## (\S+)(.*)$/gm)) {
    if (!anchors.has(match[1]!)) anchors.set(match[1]!, slug(match[1]! + match[2]!))
  }
  out = out.replace(/\{@link\s+([^\s|}]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g, (_, target: string, text: string) => {
    const label = text.trim()
    if (/^https?:\/\//.test(target)) return `[${label === "" ? target : label}](${target})`
    const anchor = anchors.get(target)
    const name = label === "" ? `\`${target}\`` : label
    return anchor === undefined ? name : `[${name}](#${anchor})`
  })
  return out
}
