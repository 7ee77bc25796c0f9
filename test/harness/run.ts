/**
 * Runs the sink-contract child (test/harness/child.ts) with a chosen target and stdout consumer, and
 * collects everything the checker (test/harness/check.ts) needs.
 *
 * Targets / consumers:
 * - `pipe-fast`: stdout piped to this process, read as fast as it comes;
 * - `pipe-throttled`: stdout piped, read at `bytesPerSecond` (the socket fills up, the child's writes wait);
 * - `pipe-stuck`: stdout piped and not read at all until the child has exited, then drained;
 * - `file`: `PROVIDE_LOG_FILE=<temp>/app.log`, read after the exit;
 * - `socket-stuck`: `PROVIDE_LOG_STREAM=stderr`, and stderr is a blocking Unix socket (journald's kind, made by
 *   test/harness/stdio.py, python3) whose reader does not read until the child has exited; the child's own
 *   reports go to descriptor 3 (`SINK_CHILD_SAY_FD`), collected as its stderr. (Not stdout: importing effect
 *   touches `process.stdout`, which makes a stdout socket non-blocking anyway.)
 * - `tty-stuck`: stdout is a pseudo-terminal (stdio.py) whose master is not read until the child has exited (a
 *   terminal paused with Ctrl-S);
 * - `devnull`: `PROVIDE_LOG_FILE=/dev/null`: the lines are gone, so the child reports the sink's own counters
 *   (`selfReport`: the `Telemetry.flush(0)` report after the last line) and the checker counts drops only.
 * Every pipe consumer drains at full speed once the child has exited (what the pipe still holds is kept).
 *
 * The child is bundled once per process with esbuild (tsx's transpiler; ~0.3 s per start instead of ~1.3 s
 * through tsx); without esbuild it runs through tsx with `--conditions=source`.
 */
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { fixtureCommand } from "../utils.js"
import type { ChildConfig } from "./config.js"

export type Target =
  | "pipe-fast"
  | "pipe-throttled"
  | "pipe-stuck"
  | "file"
  | "devnull"
  | "socket-stuck"
  | "tty-stuck"

export const targets: ReadonlyArray<Target> = ["file", "devnull", "pipe-fast", "pipe-throttled", "pipe-stuck"]

export interface RunOptions {
  readonly child: ChildConfig
  readonly target: Target
  /** `pipe-throttled` only; default 1 MB/s */
  readonly bytesPerSecond?: number
  /** `PROVIDE_LOG_OVERFLOW` */
  readonly overflow?: "drop_oldest" | "drop_newest" | "block"
  /** `PROVIDE_LOG_SHUTDOWN_TIMEOUT` in ms (also the deadline the checker holds the exit to) */
  readonly shutdownTimeoutMs?: number
  /** `PROVIDE_LOG_MAX_BUFFER_BYTES` */
  readonly maxBufferBytes?: number
  /** more environment for the child (e.g. `PROVIDE_LOG_FILE` for a start-up check) */
  readonly env?: Readonly<Record<string, string>>
  /** SIGKILL the child after this long (default 30 s): a hang fails the check instead of hanging the suite */
  readonly hardKillMs?: number
}

export interface RunResult {
  readonly options: RunOptions
  /** what reached the target: the pipe's bytes, the file's content, or "" for /dev/null */
  readonly output: string
  readonly stderr: string
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** the child was SIGKILLed at `hardKillMs` */
  readonly killed: boolean
  readonly startedAt: number
  /** epoch ms of the child's "exit" event as seen here */
  readonly exitedAt: number
}

const here = path.dirname(fileURLToPath(import.meta.url))
const childSource = path.join(here, "child.ts")
const cwd = path.resolve(here, "..", "..")
const stdioPy = path.join(here, "stdio.py")

/** Whether `python3` runs here (the `socket-stuck` and `tty-stuck` targets need it). */
export const hasPython = (): boolean => {
  try {
    execFileSync("python3", ["-c", "import pty, socket"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/** A Unix socket server at `file` that reads nothing until `resume()`, then collects everything until EOF. */
const stuckServer = async (file: string) => {
  const chunks: Array<Buffer> = []
  let conn: net.Socket | undefined
  let resumed = false
  let ended!: () => void
  const done = new Promise<void>((r) => (ended = r))
  const server = net.createServer((c) => {
    conn = c
    c.pause()
    c.on("data", (d: Buffer) => void chunks.push(d))
    c.on("close", () => ended())
    if (resumed) c.resume()
  })
  await new Promise<void>((r) => server.listen(file, r))
  return {
    resume: () => {
      resumed = true
      conn?.resume()
      if (conn === undefined) ended()
    },
    output: async () => {
      await done
      server.close()
      return Buffer.concat(chunks).toString("utf8")
    }
  }
}

/** The command that starts the child: a bundle built once per process, or tsx. */
export const childCommand = (): Promise<ReadonlyArray<string>> => fixtureCommand(childSource)

const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), "ef-sink-run-"))

/** Spawns the child with its target and consumer; resolves when the child has exited and its output is collected. */
export const runChild = async (options: RunOptions): Promise<RunResult> => {
  const cmd = await childCommand()
  const dir = tmpRoot()
  const file = path.join(dir, "app.log")
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("PROVIDE_") && k !== "NO_COLOR" && k !== "FORCE_COLOR") env[k] = v
  }
  env["PROVIDE_LOG_CONSOLE_FORMATTER"] = "json"
  if (options.target === "file") env["PROVIDE_LOG_FILE"] = file
  if (options.target === "devnull") env["PROVIDE_LOG_FILE"] = "/dev/null"
  if (options.target === "socket-stuck") {
    env["PROVIDE_LOG_STREAM"] = "stderr"
    env["SINK_CHILD_SAY_FD"] = "3"
  }
  if (options.overflow !== undefined) env["PROVIDE_LOG_OVERFLOW"] = options.overflow
  if (options.shutdownTimeoutMs !== undefined) env["PROVIDE_LOG_SHUTDOWN_TIMEOUT"] = `${options.shutdownTimeoutMs} ms`
  if (options.maxBufferBytes !== undefined) env["PROVIDE_LOG_MAX_BUFFER_BYTES"] = String(options.maxBufferBytes)
  Object.assign(env, options.env ?? {})
  const child = { ...options.child, ...(options.target === "devnull" ? { selfReport: true } : {}) }
  env["SINK_CHILD"] = JSON.stringify(child)

  const node = [process.execPath, ...cmd]
  const socket = options.target === "socket-stuck" ? await stuckServer(path.join(dir, "log.sock")) : undefined
  const argv = socket !== undefined
    ? [stdioPy, "socket", path.join(dir, "log.sock"), ...node]
    : options.target === "tty-stuck"
    ? [stdioPy, "tty", ...node]
    : undefined
  const startedAt = Date.now()
  // through stdio.py: its own process group, so that a hard kill reaches the child under it too
  const proc = argv === undefined
    ? spawn(process.execPath, [...cmd], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn("python3", argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
  const out: Array<Buffer> = []
  let err = ""
  let exited = false
  let killed = false
  const hardKill = setTimeout(() => {
    killed = true
    if (argv === undefined) proc.kill("SIGKILL")
    else process.kill(-proc.pid!, "SIGKILL")
  }, options.hardKillMs ?? 30_000)

  proc.stderr.setEncoding("utf8").on("data", (d: string) => void (err += d))
  const closed = new Promise<void>((resolve) => proc.on("close", () => resolve()))

  const stdout = proc.stdout
  const drain = () => {
    stdout.removeAllListeners("data")
    stdout.on("data", (c: Buffer) => void out.push(c))
    stdout.resume()
  }
  if (options.target === "pipe-stuck") {
    stdout.pause() // nothing is read until the child has exited
  } else if (options.target === "pipe-throttled") {
    const rate = options.bytesPerSecond ?? 1_000_000
    let received = 0
    const t0 = Date.now()
    stdout.on("data", (c: Buffer) => {
      out.push(c)
      received += c.length
      if (exited) return
      const ahead = received / rate * 1000 - (Date.now() - t0)
      if (ahead > 1) {
        stdout.pause()
        setTimeout(() => stdout.resume(), ahead)
      }
    })
  } else {
    stdout.on("data", (c: Buffer) => void out.push(c))
  }

  const [code, signal, exitedAt] = await new Promise<[number | null, NodeJS.Signals | null, number]>(
    (resolve, reject) => {
      proc.on("error", reject)
      proc.on("exit", (c, s) => {
        exited = true
        const at = Date.now()
        if (options.target === "pipe-stuck" || options.target === "pipe-throttled") drain()
        socket?.resume()
        resolve([c, s, at])
      })
    }
  )
  // the rest of the pipe, then stderr
  await closed
  clearTimeout(hardKill)

  let output = socket !== undefined ? await socket.output() : Buffer.concat(out).toString("utf8")
  if (options.target === "file") output = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  fs.rmSync(dir, { recursive: true, force: true })
  return { options, output, stderr: err, code, signal, killed, startedAt, exitedAt }
}
