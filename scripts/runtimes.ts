/**
 * Proves the library runs on every runtime Effect runs on, with binaries from
 * npm packages only (devDependencies: `@oven/bun-linux-x64`,
 * `@deno/linux-x64-glibc`, `workerd` / `@cloudflare/workerd-linux-64`,
 * `esbuild`), so a fresh machine needs nothing but `npm ci`.
 *
 *   npm run check:runtimes                  every check
 *   npm run check:runtimes -- --only deno   the checks whose name contains "deno"
 *   npm run check:runtimes -- --report f    also write the counts to f (JSON)
 *
 * Each runtime has a sanity check first: a program that imports `effect` only,
 * run the same way. When the sanity check passes and the next one fails, the
 * library is at fault, not the runtime invocation.
 *
 * Prints one PASS/FAIL line per check with a short reason, and ends with
 * `N passed, N failed`; exits non-zero when a check fails. Linux x64 only.
 */
import * as esbuild from "esbuild"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { stripVTControlCharacters } from "node:util"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const require = createRequire(path.join(root, "package.json"))

// ---------------------------------------------------------------------------
// children

interface Result {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

/** The environment without this library's variables, so the host's settings cannot change what a check sees. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("PROVIDE_") || key === "NO_COLOR" || key === "FORCE_COLOR") continue
    env[key] = value
  }
  return { ...env, DENO_NO_UPDATE_CHECK: "1", ...extra }
}

const children = new Set<ChildProcess>()

/** Kills the child's whole process group (a pseudo-terminal wrapper has children of its own). */
const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

const start = (
  command: string,
  args: ReadonlyArray<string>,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
) => {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: options.env ?? cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true // own process group, so a timeout kills grandchildren too
  })
  children.add(child)
  const out = { stdout: "", stderr: "" }
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out.stdout += chunk))
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (out.stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, signal: null, error }))
    child.on("close", (code, signal) => {
      children.delete(child)
      resolve({ code, signal })
    })
  })
  return { child, out, exited }
}

/** Runs a command to completion, killing it (and its group) after `timeoutMs`. */
const run = async (
  command: string,
  args: ReadonlyArray<string>,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise<Result> => {
  const { child, exited, out } = start(command, args, options)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(child, "SIGKILL")
  }, options.timeoutMs ?? 60_000)
  const { code, error, signal } = await exited
  clearTimeout(timer)
  if (error !== undefined) throw new CheckFailure(`cannot start ${command}: ${error.message}`)
  return { code, signal, stdout: out.stdout, stderr: out.stderr, timedOut }
}

/** Runs a command with a pseudo-terminal as its stdout and stderr (util-linux `script`), output merged. */
const runInTerminal = (argv: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
  run("script", ["--quiet", "--return", "--flush", "--command", argv.map(shellQuote).join(" "), "/dev/null"], options)

const shellQuote = (arg: string): string => /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`

class CheckFailure extends Error {
  constructor(message: string, readonly details?: string) {
    super(message)
  }
}

/** The lines a person would see: colours stripped, CRLF (from a terminal) folded, blank lines dropped. */
const linesOf = (text: string): Array<string> =>
  stripVTControlCharacters(text).split(/\r?\n/).map((line) => line.replace(/\r/g, "").trimEnd()).filter((line) =>
    line !== ""
  )

const tail = (text: string, n = 12): string => linesOf(text).slice(-n).join("\n")

/** Fails unless the child exited 0; the reason names the first error-looking line. */
const expectSuccess = (result: Result, what: string): void => {
  if (result.timedOut) throw new CheckFailure(`${what} timed out`, tail(result.stdout + result.stderr))
  if (result.code === 0) return
  const lines = linesOf(result.stderr + "\n" + result.stdout)
  const first = lines.find((line) => /\b[A-Z]\w*(Error|Capable|Exception)\b:|^error:|Could not/.test(line.trim())) ??
    lines.find((line) => /error|cannot/i.test(line)) ?? lines[0] ?? "(no output)"
  throw new CheckFailure(
    `${what} exited ${result.code ?? result.signal}: ${first.trim().slice(0, 200)}`,
    tail(result.stdout + "\n" + result.stderr)
  )
}

// ---------------------------------------------------------------------------
// runtimes, from npm packages

/** A binary shipped inside an npm package; made executable if the tarball's mode was lost. */
const binary = (pkg: string, file: string): string => {
  let dir: string
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`))
  } catch {
    throw new CheckFailure(`npm package ${pkg} is not installed (it is a linux-x64 devDependency; run npm ci)`)
  }
  const bin = path.join(dir, file)
  if (!fs.existsSync(bin)) throw new CheckFailure(`${pkg} has no ${file}`)
  try {
    fs.accessSync(bin, fs.constants.X_OK)
  } catch {
    fs.chmodSync(bin, 0o755)
  }
  return bin
}

const bun = () => binary("@oven/bun-linux-x64", "bin/bun")
const deno = () => binary("@deno/linux-x64-glibc", "deno")
const workerd = () => binary("@cloudflare/workerd-linux-64", "bin/workerd")
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs")

const sanity = path.join(root, "test", "runtimes", "effect-only.ts")
const demo = path.join(root, "examples", "workers.ts")

/**
 * How each runtime runs a TypeScript file of this source tree. The demo
 * imports `effect-foundation` (a self-reference whose `source` condition points
 * at src/*.ts) and src/ imports `./X.js` meaning `./X.ts`:
 * - bun resolves both with `--conditions=source`;
 * - deno needs `--conditions=source` and `--sloppy-imports` (the `.js` to `.ts`
 *   mapping); it reads node_modules through package.json. Neither flag is a
 *   permission.
 */
const bunArgs = (file: string) => [bun(), "--conditions=source", file]
const denoArgs = (file: string, permissions: ReadonlyArray<string>) => [
  deno(),
  "run",
  ...permissions,
  "--no-prompt", // deny, never ask, even on a terminal
  "--sloppy-imports",
  "--conditions=source",
  file
]

// ---------------------------------------------------------------------------
// what the workers demo must print

/**
 * The demo's emoji lines, in order: the start line, three "Starting work" from
 * the `worker.*` loggers (the `[👷]` logger-name emoji), three "Work complete"
 * with the `[✅]` DAS marker for status=success, the end line. Nothing else.
 */
const expectWorkersDemo = (text: string): string => {
  const lines = linesOf(text)
  const expected: Array<[string, RegExp]> = [
    [
      "[..] Main application starting, dispatching workers...",
      /^\[[^\]]+\] Main application starting, dispatching workers\.\.\.$/
    ],
    ["[👷] Starting work", /^\[👷\] Starting work$/],
    ["[👷] Starting work", /^\[👷\] Starting work$/],
    ["[👷] Starting work", /^\[👷\] Starting work$/],
    ["[✅] Work complete duration_ms=N status=success", /^\[✅\] Work complete duration_ms=\d+ status=success$/],
    ["[✅] Work complete duration_ms=N status=success", /^\[✅\] Work complete duration_ms=\d+ status=success$/],
    ["[✅] Work complete duration_ms=N status=success", /^\[✅\] Work complete duration_ms=\d+ status=success$/],
    ["[..] All workers have finished.", /^\[[^\]]+\] All workers have finished\.$/]
  ]
  for (let i = 0; i < Math.max(lines.length, expected.length); i++) {
    const line = lines[i]
    const want = expected[i]
    if (want === undefined) throw new CheckFailure(`unexpected line ${i + 1}: ${JSON.stringify(line)}`, tail(text))
    if (line === undefined) {
      throw new CheckFailure(
        `${lines.length} lines, expected ${expected.length}; missing ${JSON.stringify(want[0])}`,
        tail(text)
      )
    }
    if (!want[1].test(line)) {
      throw new CheckFailure(
        `line ${i + 1} is ${JSON.stringify(line.slice(0, 160))}, expected ${JSON.stringify(want[0])}`,
        tail(text)
      )
    }
  }
  return "8 emoji lines as expected"
}

const expectSanity = (text: string, tty: boolean): string => {
  const want = `effect-only ok tty=${tty}`
  if (!linesOf(text).includes(want)) throw new CheckFailure(`no line ${JSON.stringify(want)}`, tail(text))
  return want
}

// ---------------------------------------------------------------------------
// browser bundle and workerd

/** esbuild's messages as one short reason, e.g. `Could not resolve "node:fs" (src/internal/sink.ts:22)`. */
const bundleFailure = (error: unknown): CheckFailure => {
  const messages = (error as { errors?: Array<esbuild.Message> }).errors
  if (messages === undefined || messages.length === 0) return new CheckFailure(String(error))
  const show = (m: esbuild.Message) => `${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ""}`
  const more = messages.length > 1 ? ` and ${messages.length - 1} more` : ""
  return new CheckFailure(`esbuild: ${show(messages[0]!)}${more}`, messages.map(show).join("\n"))
}

/**
 * `esbuild ENTRY --bundle --platform=browser --format=esm --conditions=source`:
 * the browser platform resolves the `browser`/`default` conditions (never
 * `node`); `source` is how every tool in this tree resolves the package to src/.
 */
const bundleForBrowser = async (entry: string, outfile?: string): Promise<number> => {
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      conditions: ["source"],
      target: "es2022",
      logLevel: "silent",
      absWorkingDir: root,
      ...(outfile === undefined ? { write: false, outfile: "bundle.js" } : { outfile })
    })
    return outfile === undefined ? result.outputFiles![0]!.contents.byteLength : fs.statSync(outfile).size
  } catch (error) {
    throw bundleFailure(error)
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/**
 * The date the worker runs under. Up to 2026-08 a worker without the
 * `nodejs_compat` flag has no `process` or `Buffer`, as in a browser; later
 * dates add them by default. The check asserts they are absent, so the code is
 * proven to run without them.
 */
const compatibilityDate = "2026-08-01"

const workerdConfig = (port: number) =>
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ]
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate}"
);
`

/**
 * Bundles `entry` for the browser, serves it with `workerd serve` on a free
 * loopback port, requests `/check` once, and waits for a line containing
 * `expectedLine` on workerd's stdout or stderr (workerd prints the worker's
 * `console.log` to its stdout).
 */
const runInWorkerd = async (entry: string, expectedLine: string): Promise<string> => {
  const bin = workerd()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-foundation-workerd-"))
  let server: ReturnType<typeof start> | undefined
  try {
    const bytes = await bundleForBrowser(entry, path.join(dir, "worker.js"))
    const port = await freePort()
    fs.writeFileSync(path.join(dir, "config.capnp"), workerdConfig(port))
    server = start(bin, ["serve", "--verbose", "config.capnp"], { cwd: dir })
    const { out } = server
    let exited = false
    void server.exited.then(() => (exited = true))
    const output = () => out.stdout + out.stderr

    const deadline = Date.now() + 30_000
    let response: { status: number; body: string } | undefined
    while (response === undefined) {
      if (exited) {
        throw new CheckFailure(
          `workerd exited before serving: ${linesOf(output())[0] ?? "(no output)"}`,
          tail(output())
        )
      }
      if (Date.now() > deadline) throw new CheckFailure("workerd did not answer within 30 s", tail(output()))
      try {
        const res = await fetch(`http://127.0.0.1:${port}/check`, { signal: AbortSignal.timeout(10_000) })
        response = { status: res.status, body: await res.text() }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    if (response.status !== 200 || !response.body.startsWith("ok")) {
      throw new CheckFailure(`HTTP ${response.status}: ${response.body.slice(0, 160)}`, tail(output()))
    }
    if (!response.body.includes("process=undefined")) {
      throw new CheckFailure(`the worker has a process global (${response.body}); the check must run without one`)
    }
    const logDeadline = Date.now() + 5_000
    while (!linesOf(output()).some((line) => line.includes(expectedLine) && line.includes("/check"))) {
      if (Date.now() > logDeadline) {
        throw new CheckFailure(`no line with ${JSON.stringify(expectedLine)} on workerd's output`, tail(output()))
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const line = linesOf(output()).find((l) => l.includes(expectedLine))!
    return `${(bytes / 1024).toFixed(0)} KiB bundle; logged ${line.slice(0, 120)}`
  } finally {
    if (server !== undefined) {
      killGroup(server.child, "SIGTERM")
      const killer = setTimeout(() => killGroup(server!.child, "SIGKILL"), 3_000)
      await server.exited
      clearTimeout(killer)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------
// the checks

interface Check {
  readonly name: string
  readonly run: () => Promise<string>
}

const demoEnv = () => cleanEnv({ PROVIDE_LOG_CONSOLE_FORMATTER: "key_value" }) // as `npm start` sets it

const checks: ReadonlyArray<Check> = [
  {
    name: "node: sanity (effect only)",
    run: async () => {
      const result = await run(process.execPath, [tsx, "--conditions=source", sanity])
      expectSuccess(result, "node")
      return expectSanity(result.stdout, false)
    }
  },
  {
    name: "node: workers demo (npm start)",
    run: async () => {
      const npm = process.platform === "win32" ? "npm.cmd" : "npm"
      const result = await run(npm, ["start", "--silent"])
      expectSuccess(result, "npm start")
      return expectWorkersDemo(result.stdout)
    }
  },
  {
    name: "bun: sanity (effect only)",
    run: async () => {
      const [cmd, ...args] = bunArgs(sanity)
      const result = await run(cmd!, args)
      expectSuccess(result, "bun")
      return expectSanity(result.stdout, false)
    }
  },
  {
    name: "bun: workers demo",
    run: async () => {
      const [cmd, ...args] = bunArgs(demo)
      const result = await run(cmd!, args, { env: demoEnv() })
      expectSuccess(result, "bun")
      return expectWorkersDemo(result.stdout)
    }
  },
  {
    name: "deno -A: sanity (effect only)",
    run: async () => {
      const [cmd, ...args] = denoArgs(sanity, ["-A"])
      const result = await run(cmd!, args)
      expectSuccess(result, "deno")
      return expectSanity(result.stdout, false)
    }
  },
  {
    name: "deno -A: workers demo",
    run: async () => {
      const [cmd, ...args] = denoArgs(demo, ["-A"])
      const result = await run(cmd!, args, { env: demoEnv() })
      expectSuccess(result, "deno")
      return expectWorkersDemo(result.stdout)
    }
  },
  // No permissions at all: environment variables are unreadable, so the
  // format follows the terminal. Run under a pseudo-terminal, the library
  // chooses the emoji console format by itself and the same lines are asserted.
  {
    name: "deno, no permissions, terminal: sanity (effect only)",
    run: async () => {
      const result = await runInTerminal(denoArgs(sanity, []))
      expectSuccess(result, "deno")
      return expectSanity(result.stdout, true)
    }
  },
  {
    name: "deno, no permissions, terminal: workers demo",
    run: async () => {
      const result = await runInTerminal(denoArgs(demo, []))
      expectSuccess(result, "deno")
      return expectWorkersDemo(result.stdout)
    }
  },
  {
    name: "browser: esbuild src/index.ts --bundle --platform=browser",
    run: async () => `${((await bundleForBrowser(path.join(root, "src", "index.ts"))) / 1024).toFixed(0)} KiB bundle`
  },
  {
    name: "workerd: sanity (effect only)",
    run: () => runInWorkerd(path.join(root, "test", "runtimes", "effect-worker.ts"), "effect-only worker ok")
  },
  {
    name: "workerd: package root, logs from fetch",
    run: () => runInWorkerd(path.join(root, "test", "runtimes", "worker.ts"), "effect-foundation in workerd")
  }
]

// ---------------------------------------------------------------------------
// main

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag)
  return i === -1 ? undefined : process.argv[i + 1]
}

const main = async (): Promise<number> => {
  const only = argValue("--only")
  const report = argValue("--report")
  const selected = only === undefined ? checks : checks.filter((c) => c.name.includes(only))
  const results: Array<{ name: string; ok: boolean; ms: number; reason: string }> = []
  const width = Math.max(...selected.map((c) => c.name.length))
  for (const check of selected) {
    const started = performance.now()
    let ok = false
    let reason: string
    let details: string | undefined
    try {
      reason = await check.run()
      ok = true
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error)
      details = error instanceof CheckFailure ? error.details : error instanceof Error ? error.stack : undefined
    }
    const ms = performance.now() - started
    results.push({ name: check.name, ok, ms: Math.round(ms), reason })
    const seconds = `${(ms / 1000).toFixed(1)}s`.padStart(6)
    console.log(`${ok ? "PASS" : "FAIL"}  ${check.name.padEnd(width)} ${seconds}  ${reason}`)
    if (!ok && details) console.log(details.split("\n").map((line) => `      | ${line}`).join("\n"))
  }
  const passed = results.filter((r) => r.ok).length
  const failed = results.length - passed
  if (report !== undefined) {
    fs.writeFileSync(report, JSON.stringify({ passed, failed, checks: results }, null, 2) + "\n")
  }
  console.log(`${passed} passed, ${failed} failed`)
  return failed === 0 && passed > 0 ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    for (const child of children) killGroup(child, "SIGKILL")
    console.error(error)
    console.log("0 passed, 1 failed")
    process.exitCode = 1
  }
)
