/**
 * In a browser (the package's default `#platform`: no file descriptors),
 * records go to devtools as devtools show logs: the console method of each
 * level, the readable console format by default, and an error as an `Error`
 * object (a redacted copy) after the line. Headless Chromium (Debian's
 * `chromium`, installed by the set-up when missing) driven by playwright-core;
 * the page is the package bundled by esbuild for the browser and served on
 * 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"
import { chromiumArgs, ensureChromium } from "./browser/chromium.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const entry = fileURLToPath(new URL("./browser/page.ts", import.meta.url))

interface Message {
  readonly type: string
  /** The first argument: the record's line. */
  readonly text: string
  /** The arguments after the line: an `Error`'s name, message, stack and own fields; anything else as `null`. */
  readonly errors: ReadonlyArray<Record<string, unknown> | null>
}

let browser: Browser | undefined
let server: http.Server | undefined
let origin = ""

beforeAll(async () => {
  const executablePath = ensureChromium()
  const bundle = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["source"],
    target: "es2022",
    sourcemap: "inline",
    logLevel: "silent",
    absWorkingDir: root,
    write: false,
    outfile: "page.js"
  })
  const js = bundle.outputFiles[0]!.text
  const html = "<!doctype html><meta charset=utf-8><title>effect-foundation</title>" +
    "<script type=module src=/page.js></script>"
  server = http.createServer((req, res) => {
    const isScript = req.url === "/page.js"
    res.writeHead(200, { "content-type": isScript ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8" })
    res.end(isScript ? js : html)
  })
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await chromium.launch({ executablePath, args: [...chromiumArgs], headless: true })
}, 600_000) // installing chromium on a fresh machine takes minutes

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)))
})

/** Loads the page and returns every console message it wrote once it is done. */
const visit = async (query: string): Promise<{ readonly done: unknown; readonly messages: Array<Message> }> => {
  const page = await browser!.newPage()
  const pending: Array<Promise<Message>> = []
  page.on("console", (msg) => {
    pending.push((async () => ({
      type: msg.type(),
      text: String(await msg.args()[0]?.jsonValue()),
      errors: await Promise.all(
        msg.args().slice(1).map((arg) =>
          arg.evaluate((v) => {
            if (!(v instanceof Error)) return null
            const own: Record<string, unknown> = { name: v.name, message: v.message, stack: v.stack }
            for (const key of Object.keys(v)) own[key] = (v as unknown as Record<string, unknown>)[key]
            const cause = (v as { cause?: unknown }).cause
            if (cause instanceof Error) own["cause"] = { name: cause.name, message: cause.message, isError: true }
            return own
          })
        )
      )
    }))())
  })
  await page.goto(`${origin}/${query}`)
  await page.waitForFunction(() => (globalThis as { done?: unknown }).done !== undefined, undefined, {
    timeout: 60_000
  })
  const done = await page.evaluate(() => (globalThis as { done?: unknown }).done)
  const messages = await Promise.all(pending)
  await page.close()
  return { done, messages }
}

const summary = (messages: ReadonlyArray<Message>) =>
  `${messages.length} console messages: ${JSON.stringify(messages.map((m) => [m.type, m.text.slice(0, 120)]))}`

describe("in a browser (headless Chromium)", () => {
  it("each record with its level's console method, the readable console format, errors as Error objects", async () => {
    const { done, messages } = await visit("")
    const why = summary(messages)
    expect(done, why).toBe("ok")
    expect(messages.map((m) => m.type), why).toEqual([
      "debug", // trace
      "debug",
      "info",
      "warning",
      "error",
      "error", // critical
      "error", // Log.exception
      "error", // Effect.logError with a Cause
      "warning" // Effect.logWarning
    ])
    // the console format: no JSON, the message then key=value fields
    for (const m of messages) expect(m.text.startsWith("{"), why).toBe(false)
    expect(messages[2]!.text, why).toMatch(/page loaded path=\/checkout$/)
    expect(messages[3]!.text, why).toMatch(/slow response ms=1200$/)

    // Log.exception: the line without the escaped stack, the error after it as an Error, redacted, with its cause
    const exception = messages[6]!
    expect(exception.text, why).toMatch(/payment error user=ada$/)
    expect(exception.text, why).not.toContain("stack=")
    expect(exception.errors.length, why).toBe(1)
    const error = exception.errors[0]!
    expect(error, why).not.toBeNull()
    expect(error["name"], why).toBe("Error")
    expect(error["message"], why).toBe("payment declined")
    expect(String(error["stack"]), why).toMatch(/^Error: payment declined\n\s+at .*page\.(ts|js)/)
    expect(error["password"], why).toBe("[REDACTED]")
    expect(error["orderId"], why).toBe(42)
    expect(error["cause"], why).toEqual({ name: "TypeError", message: "card expired", isError: true })
    expect(JSON.stringify(messages), why).not.toContain("hunter2")

    // Effect.logError(message, cause): the failure as an Error object after the line
    const failure = messages[7]!
    expect(failure.text, why).toMatch(/effect failure$/)
    expect(failure.errors.map((e) => [e?.["name"], e?.["message"]]), why).toEqual([
      ["PaymentFailed", "insufficient funds"]
    ])
    // records without an error: the line alone
    for (const i of [0, 1, 2, 3, 4, 5, 8]) expect(messages[i]!.errors, why).toEqual([])
  }, 120_000)

  it("the JSON format asked for: whole JSON records, still with each level's console method", async () => {
    const { done, messages } = await visit("?format=json")
    const why = summary(messages)
    expect(done, why).toBe("ok")
    expect(messages.map((m) => m.type), why).toEqual([
      "debug",
      "debug",
      "info",
      "warning",
      "error",
      "error",
      "error",
      "error",
      "warning"
    ])
    const records = messages.map((m) => JSON.parse(m.text) as { level: string; message: string; error?: unknown })
    expect(records.map((r) => r.level), why).toEqual([
      "trace",
      "debug",
      "info",
      "warning",
      "error",
      "critical",
      "error",
      "error",
      "warning"
    ])
    expect(JSON.stringify(records[6]!.error), why).toContain("payment declined")
    expect(JSON.stringify(messages), why).not.toContain("hunter2")
  }, 120_000)
})
