/**
 * Runtime sanity program for `scripts/runtimes.ts`: `effect` only, no
 * effect-foundation, so when it fails the runtime invocation is at fault, and
 * when it passes but the demo fails, the library is.
 *
 * Prints whether stdout is a terminal, so the pseudo-terminal run shows that
 * the library will see one.
 */
import { Console, Effect } from "effect"

const tty = typeof process !== "undefined" && process.stdout?.isTTY === true

Effect.runPromise(Console.log(`effect-only ok tty=${tty}`))
