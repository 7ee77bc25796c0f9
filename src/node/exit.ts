/**
 * Synchronous work at process exit: one `exit` listener for every sink, and
 * the same work on SIGTERM / SIGINT / SIGHUP when the program handles none of
 * them itself, after which the signal's default action still happens (the
 * signal is raised again), as the `signal-exit` package does. Under
 * `NodeRuntime.runMain`, which handles SIGINT and SIGTERM, only `exit` applies.
 *
 * @internal
 */
import { globalValue } from "effect/GlobalValue"

interface Hooks {
  readonly hooks: Set<() => void>
  readonly listeners: Map<NodeJS.Signals, () => void>
  installed: boolean
}

const signals: ReadonlyArray<NodeJS.Signals> = ["SIGTERM", "SIGINT", "SIGHUP"]

// One set of listeners per process, however many copies of this module are loaded.
const state: Hooks = globalValue(Symbol.for("effect-foundation/node/exitHooks"), () => ({
  hooks: new Set(),
  listeners: new Map(signals.map((s) => [s, () => onSignal(s)])),
  installed: false
}))

const runHooks = (): void => {
  for (const hook of Array.from(state.hooks)) {
    try {
      hook()
    } catch {
      // never throw at exit
    }
  }
}

const onSignal = (signal: NodeJS.Signals): void => {
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

/** @internal */
export const onExit = (hook: () => void): () => void => {
  state.hooks.add(hook)
  install()
  return () => {
    state.hooks.delete(hook)
    if (state.hooks.size === 0) uninstall()
  }
}
