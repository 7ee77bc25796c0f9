import type { EmojiLogger } from "effect-foundation"
import { Foundation } from "effect-foundation"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The current Console with `log` captured: each call is kept in `logged`
 * (arguments joined by a space). Use with `Effect.withConsole(console)`.
 */
export const captureConsole: Effect.Effect<{ readonly console: Console.Console; readonly logged: Array<string> }> =
  Effect.map(Effect.console, (current) => {
    const logged: Array<string> = []
    const console: Console.Console = {
      ...current,
      unsafe: { ...globalThis.console, log: (...args: ReadonlyArray<unknown>) => void logged.push(args.join(" ")) }
    }
    return { console, logged }
  })

/**
 * The command that starts a fixture program in a child process: a bundle built
 * once per test process with esbuild (tsx's own transpiler; ~0.3 s a start
 * instead of ~1.3 s through tsx), or tsx when esbuild is not there.
 */
export const fixtureCommand = (source: string): Promise<ReadonlyArray<string>> => {
  let command = commands.get(source)
  if (command === undefined) {
    command = (async () => {
      try {
        const esbuild = await import("esbuild")
        const outfile = path.join(
          fs.mkdtempSync(path.join(os.tmpdir(), "ef-fixture-")),
          path.basename(source, ".ts") + ".mjs"
        )
        await esbuild.build({
          entryPoints: [source],
          bundle: true,
          platform: "node",
          format: "esm",
          target: "node20",
          conditions: ["source"],
          outfile,
          logLevel: "silent",
          // some CommonJS dependencies call require() on Node built-ins
          banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
        })
        return [outfile]
      } catch {
        return ["--import", "tsx", "--conditions=source", source]
      }
    })()
    commands.set(source, command)
  }
  return command
}

const commands = new Map<string, Promise<ReadonlyArray<string>>>()

/** How a fixture run ended, with everything it printed. */
export interface FixtureRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs a fixture program with `args` (from the repository root); `onReady`
 * fires when it prints "ready". Killed after `killAfterMillis`.
 */
export const runFixture = async (
  source: string,
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly onReady?: (pid: number) => void
    readonly killAfterMillis?: number
  } = {}
): Promise<FixtureRun> => {
  const command = await fixtureCommand(source)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let ready = false
    const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMillis ?? 30_000)
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d
      if (!ready && stdout.includes("ready\n")) {
        ready = true
        options.onReady?.(child.pid!)
      }
    })
    child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Runs `jobs` at most `n` at a time; the results in order. */
export const pool = async <A>(n: number, jobs: ReadonlyArray<() => Promise<A>>): Promise<Array<A>> => {
  const results: Array<A> = new Array(jobs.length)
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }))
  return results
}

const root = fileURLToPath(new URL("..", import.meta.url))

/** An event a span of {@link recordingTracer} received. */
export interface RecordedEvent {
  readonly name: string
  readonly time: bigint
  readonly attributes: Record<string, unknown> | undefined
}

/**
 * A tracer whose spans keep their events, as an exporting tracer's do (the
 * spans of Effect's built-in tracer get none). Use with `Effect.withTracer`.
 */
export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly events: Array<RecordedEvent> } => {
  const events: Array<RecordedEvent> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: "b7ad6b7169203331",
        traceId: Option.match(parent, { onNone: () => "0af7651916cd43dd8448eb211c80319c", onSome: (p) => p.traceId }),
        parent,
        context,
        get status() {
          return status
        },
        attributes: new Map(),
        links,
        sampled: true,
        kind,
        end: (endTime, exit) => void (status = { _tag: "Ended", startTime, endTime, exit }),
        attribute: () => {},
        event: (name, time, attributes) => void events.push({ name, time, attributes }),
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { tracer, events }
}

/**
 * An HTTP server on 127.0.0.1 (random port) for the scope: `onRequest` gets
 * each request with its whole body. Closed, with its connections, when the
 * scope closes. The OTLP collector stand-ins of the tests are built on it.
 */
export const localServer = (
  onRequest: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void
): Effect.Effect<{ readonly url: string }, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly server: http.Server }>((resume) => {
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => onRequest(req, Buffer.concat(chunks), res))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/**
 * How an effect made with a bad option ends: the message of the
 * `IllegalArgumentException` it dies with; `"no defect: <exit>"` when it
 * ends otherwise (so a failed assertion shows what happened instead).
 */
export const defectMessage = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<string> =>
  Effect.map(Effect.exit(self), (exit) => {
    const defect = Exit.isFailure(exit) ? Cause.dieOption(exit.cause) : Option.none()
    return Option.isSome(defect) && Cause.isIllegalArgumentException(defect.value)
      ? defect.value.message
      : `no defect: ${String(exit)}`
  })

/** An environment for the Effect's `Config` reads: only these variables. */
export const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/**
 * The lines a program writes through `Foundation.layer` (no colours, no timestamps, `options` over that) to a
 * captured `Console`, with `env` as the whole environment when given.
 */
export const viaFoundation = (
  format: EmojiLogger.Format,
  program: Effect.Effect<unknown>,
  options: Foundation.Options = {},
  env?: Record<string, string>
): Effect.Effect<Array<string>, unknown> =>
  Effect.gen(function*() {
    const { console: capture, logged } = yield* captureConsole
    const run = Effect.provide(
      program,
      Foundation.layer({
        format,
        colors: false,
        timestamps: false,
        ...options,
        sink: { target: "console", exitHook: false }
      })
    ).pipe(Effect.withConsole(capture))
    yield* env === undefined ? run : withEnv(env)(run)
    return logged
  })
