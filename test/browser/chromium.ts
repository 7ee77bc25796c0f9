/**
 * The browser for test/Browser.test.ts: Debian's `chromium`, installed with
 * apt when it is missing (a fresh CI machine runs as root with apt), driven by
 * `playwright-core` (a devDependency; it downloads no browser of its own).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"

/** Where Debian's package puts the browser. */
export const chromiumPath = "/usr/bin/chromium"

/** The flags for a headless run in a container: no sandbox, no GPU, nothing fetched in the background. */
export const chromiumArgs: ReadonlyArray<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/**
 * Installs Debian's `chromium` when {@link chromiumPath} is missing
 * (`apt-get update && apt-get install -y chromium`, as root); throws, saying
 * what to run, when it cannot.
 */
export const ensureChromium = (): string => {
  if (fs.existsSync(chromiumPath)) return chromiumPath
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
    execFileSync("apt-get", ["update"], { stdio: "ignore", env })
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore", env })
  } catch (e) {
    throw new Error(
      `${chromiumPath} is missing and could not be installed (${e instanceof Error ? e.message : String(e)}); ` +
        "run as root: apt-get update && apt-get install -y chromium",
      { cause: e }
    )
  }
  if (!fs.existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is missing`)
  return chromiumPath
}
