import { describe, expect, it } from "@effect/vitest"
import { fixPage } from "../scripts/docsPage.js"

// What docgen 0.5.2 writes (its front matter after Prettier), and what the pages must read.
const written = `***

title: Retry.ts
nav_order: 9
parent: Modules
---

## Retry overview

Wrap the composition in {@link logged}; see {@link schedule | the policy}, {@link LogSink.room} and
{@link https://opentelemetry.io/docs/specs/otlp/ the specification}.

## logged

## schedule
`

describe("API docs pages (scripts/docs.ts after docgen)", () => {
  it("start with front matter and keep no {@link} tag", () => {
    expect(fixPage(written)).toBe(`---
title: Retry.ts
nav_order: 9
parent: Modules
---

## Retry overview

Wrap the composition in [\`logged\`](#logged); see [the policy](#schedule), \`LogSink.room\` and
[the specification](https://opentelemetry.io/docs/specs/otlp/).

## logged

## schedule
`)
  })

  it("link to a heading with a kind suffix by its anchor", () => {
    expect(fixPage("see {@link RotateOptions}\n\n## RotateOptions (interface)\n")).toBe(
      "see [`RotateOptions`](#rotateoptions-interface)\n\n## RotateOptions (interface)\n"
    )
  })
})
