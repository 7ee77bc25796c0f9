/**
 * Synchronous work at process exit: one `exit` listener for every sink, and
 * the same work on SIGTERM / SIGINT / SIGHUP when the program handles none of
 * them itself, after which the signal's default action still happens (the
 * signal is raised again), as the `signal-exit` package does. Under
 * `NodeRuntime.runMain`, which handles SIGINT and SIGTERM, only `exit` applies.
 *
 * One deadline bounds the whole exit, not each hook: every hook gets the time
 * the exit started and counts its own timeout from there (see {@link ExitHook}),
 * so N stuck sinks with a 1 s deadline take 1 s in all, not N seconds.
 *
 * {@link onSignal} handlers (a file sink's `reopenOnSignal: "SIGHUP"`) own
 * their signal: it runs them and the process keeps running, without the exit
 * hooks (their listener is "another handler" for the one above).
 *
 * @internal
 */
/**
 * One value per process under `key`, however many copies of this module are loaded (Effect 3's and Effect 4's
 * bindings, two bundles): kept on `globalThis`, with no Effect import (Effect 4 has no `GlobalValue`).
 */
const globalValue = <A>(key: symbol, make: () => A): A => {
  const store = globalThis as unknown as Record<symbol, A | undefined>
  const known = store[key]
  if (known !== undefined) return known
  const value = make()
  Object.defineProperty(globalThis, key, { value, configurable: true, enumerable: false, writable: false })
  return value
}

/**
 * An exit hook. `remaining(timeoutMillis)`: what is left of a timeout that
 * started with the exit (0 once it has passed), for the hook's own work.
 *
 * @internal
 */
export type ExitHook = (remaining: (timeoutMillis: number) => number) => void

interface Hooks {
  readonly hooks: Set<ExitHook>
  readonly listeners: Map<NodeJS.Signals, () => void>
  installed: boolean
}

const signals: ReadonlyArray<NodeJS.Signals> = ["SIGTERM", "SIGINT", "SIGHUP"]

// One set of listeners per process, however many copies of this module are loaded.
const state: Hooks = globalValue(Symbol.for("effect-foundation/node/exitHooks"), () => ({
  hooks: new Set(),
  listeners: new Map(signals.map((s) => [s, () => onExitSignal(s)])),
  installed: false
}))

const runHooks = (): void => {
  // one clock for the whole exit: a hook that waits uses up the time of the ones after it
  const startedAt = Date.now()
  const remaining = (timeoutMillis: number): number => Math.max(0, startedAt + timeoutMillis - Date.now())
  for (const hook of Array.from(state.hooks)) {
    try {
      hook(remaining)
    } catch {
      // never throw at exit
    }
  }
}

const onExitSignal = (signal: NodeJS.Signals): void => {
  // Another handler owns this signal (runMain, the program): it decides; `exit` still runs the hooks.
  // (Ours is the first listener, so it sees the others before one of them removes itself, as runMain's does.)
  if (process.listenerCount(signal) > 1) return
  runHooks()
  uninstall()
  process.kill(process.pid, signal)
}

const install = (): void => {
  if (state.installed) return
  state.installed = true
  process.on("exit", runHooks)
  for (const [signal, listener] of state.listeners) {
    try {
      process.prependListener(signal, listener)
    } catch {
      // a runtime without this signal
    }
  }
}

const uninstall = (): void => {
  if (!state.installed) return
  state.installed = false
  process.removeListener("exit", runHooks)
  for (const [signal, listener] of state.listeners) process.removeListener(signal, listener)
}

/**
 * Adds `hook` to the exit work, after the hooks already there, or before them
 * with `first` (work that writes into a sink must run before the sink's own
 * exit hook writes out and closes it). Returns the remover.
 *
 * @internal
 */
export const onExit = (hook: ExitHook, first = false): () => void => {
  if (first && state.hooks.size > 0) {
    const rest = Array.from(state.hooks)
    state.hooks.clear()
    state.hooks.add(hook)
    for (const h of rest) state.hooks.add(h)
  } else state.hooks.add(hook)
  install()
  return () => {
    state.hooks.delete(hook)
    if (state.hooks.size === 0) uninstall()
  }
}

type HandledSignal = "SIGHUP" | "SIGUSR2"

interface SignalHandlers {
  readonly handlers: Set<() => void>
  readonly listener: () => void
}

// One listener per signal and process, however many copies of this module are loaded.
const signalHandlers: Map<HandledSignal, SignalHandlers> = globalValue(
  Symbol.for("effect-foundation/node/signalHandlers"),
  () => new Map()
)

/**
 * Runs `handler` on `signal` instead of its default action; the process keeps
 * running. Returns the remover.
 *
 * @internal
 */
export const onSignal = (signal: HandledSignal, handler: () => void): () => void => {
  let entry = signalHandlers.get(signal)
  if (entry === undefined) {
    const handlers = new Set<() => void>()
    entry = {
      handlers,
      listener: () => {
        for (const h of Array.from(handlers)) {
          try {
            h()
          } catch {
            // never throw from a signal listener
          }
        }
      }
    }
    signalHandlers.set(signal, entry)
  }
  const { handlers, listener } = entry
  handlers.add(handler)
  if (handlers.size === 1) {
    try {
      process.on(signal, listener)
    } catch {
      // a runtime without this signal
    }
  }
  return () => {
    if (!handlers.delete(handler) || handlers.size > 0) return
    process.removeListener(signal, listener)
  }
}
