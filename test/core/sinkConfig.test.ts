/**
 * The sink's environment variables without Effect: `sinkFromEnv` over a plain record of texts (the options each
 * variable makes, the first rejected one, the cross-checks), the `target` option's parser and how targets are named.
 */
import { describe, expect, it } from "vitest"
import { aTarget, describeTarget, isVariableError, sinkFromEnv, type SinkVariable } from "../../src/core/sinkConfig.js"

const env = (vars: Partial<Record<SinkVariable, string>>) => sinkFromEnv((name) => vars[name])

describe("core/sinkConfig", () => {
  it("gives no options when nothing is set, and treats a blank variable as unset", () => {
    expect(env({})).toEqual({})
    expect(env({ PROVIDE_LOG_STREAM: "  ", PROVIDE_LOG_FILE: "", PROVIDE_LOG_OVERFLOW: "\t" })).toEqual({})
    expect(isVariableError(env({}))).toBe(false)
  })

  it("reads every non-file variable: sizes in bytes, durations in milliseconds, enums in any case", () => {
    expect(env({
      PROVIDE_LOG_STREAM: " STDERR ",
      PROVIDE_LOG_FLUSH_SIZE: "64k",
      PROVIDE_LOG_FLUSH_INTERVAL: "250 ms",
      PROVIDE_LOG_MAX_BUFFER_BYTES: "8 MiB",
      PROVIDE_LOG_OVERFLOW: "Drop_Newest",
      PROVIDE_LOG_SHUTDOWN_TIMEOUT: "5 s",
      PROVIDE_LOG_EXIT_HOOK: "off"
    })).toEqual({
      target: "stderr",
      flushSize: 65536,
      flushInterval: 250,
      maxBufferBytes: 8 * 1024 * 1024,
      overflow: "drop_newest",
      shutdownTimeout: 5000,
      exitHook: false
    })
    expect(env({ PROVIDE_LOG_FLUSH_INTERVAL: "100", PROVIDE_LOG_SHUTDOWN_TIMEOUT: "2 min" })).toEqual({
      flushInterval: 100,
      shutdownTimeout: 120_000
    })
  })

  it("makes a file target with its rotation; the file path is trimmed and the stream is not used", () => {
    expect(env({ PROVIDE_LOG_FILE: " /var/log/app.log ", PROVIDE_LOG_STREAM: "stderr" })).toEqual({
      target: { file: "/var/log/app.log" }
    })
    expect(env({
      PROVIDE_LOG_FILE: "app.log",
      PROVIDE_LOG_FILE_MAX_SIZE: "10m",
      PROVIDE_LOG_FILE_INTERVAL: "1 day",
      PROVIDE_LOG_FILE_MAX_FILES: "7",
      PROVIDE_LOG_FILE_COMPRESS: "yes",
      PROVIDE_LOG_FILE_REOPEN_SIGNAL: "usr2"
    })).toEqual({
      target: {
        file: "app.log",
        rotate: { maxSize: 10 * 1024 * 1024, interval: 86_400_000, maxFiles: 7, compress: true },
        reopenOnSignal: "SIGUSR2"
      }
    })
    expect(env({ PROVIDE_LOG_FILE: "app.log", PROVIDE_LOG_FILE_REOPEN_SIGNAL: "sighup" })).toEqual({
      target: { file: "app.log", reopenOnSignal: "SIGHUP" }
    })
  })

  it("rejects a bad value with the one wording, naming the first bad variable in the checking order", () => {
    expect(env({ PROVIDE_LOG_OVERFLOW: "spill", PROVIDE_LOG_STREAM: "stdlog" })).toEqual({
      name: "PROVIDE_LOG_STREAM",
      message: "PROVIDE_LOG_STREAM: invalid value \"stdlog\"; accepted: stdout, stderr"
    })
    expect(env({ PROVIDE_LOG_OVERFLOW: "spill" })).toEqual({
      name: "PROVIDE_LOG_OVERFLOW",
      message: "PROVIDE_LOG_OVERFLOW: invalid value \"spill\"; accepted: drop_oldest, drop_newest, block"
    })
    expect(env({ PROVIDE_LOG_FLUSH_SIZE: "0" })).toEqual({
      name: "PROVIDE_LOG_FLUSH_SIZE",
      message: "PROVIDE_LOG_FLUSH_SIZE: invalid value \"0\"; accepted: a positive number of bytes, e.g. 65536, 64k, 1m"
    })
    const r = env({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_REOPEN_SIGNAL: "SIGTERM" })
    expect(isVariableError(r)).toBe(true)
    expect(r).toEqual({
      name: "PROVIDE_LOG_FILE_REOPEN_SIGNAL",
      message: "PROVIDE_LOG_FILE_REOPEN_SIGNAL: invalid value \"SIGTERM\"; accepted: SIGHUP, SIGUSR2"
    })
  })

  it("rejects zero, negative and unit-less garbage durations, counts and booleans", () => {
    const names = [
      env({ PROVIDE_LOG_FLUSH_INTERVAL: "0" }),
      env({ PROVIDE_LOG_SHUTDOWN_TIMEOUT: "-5 s" }),
      env({ PROVIDE_LOG_SHUTDOWN_TIMEOUT: "5 fortnights" }),
      env({ PROVIDE_LOG_EXIT_HOOK: "maybe" }),
      env({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_MAX_SIZE: "1m", PROVIDE_LOG_FILE_MAX_FILES: "0" }),
      env({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_MAX_SIZE: "1m", PROVIDE_LOG_FILE_MAX_FILES: "2.5" })
    ].map((r) => isVariableError(r) ? r.name : "accepted")
    expect(names).toEqual([
      "PROVIDE_LOG_FLUSH_INTERVAL",
      "PROVIDE_LOG_SHUTDOWN_TIMEOUT",
      "PROVIDE_LOG_SHUTDOWN_TIMEOUT",
      "PROVIDE_LOG_EXIT_HOOK",
      "PROVIDE_LOG_FILE_MAX_FILES",
      "PROVIDE_LOG_FILE_MAX_FILES"
    ])
  })

  it("cross-checks: a rotation variable needs PROVIDE_LOG_FILE, and keeping or compressing needs a trigger", () => {
    expect(env({ PROVIDE_LOG_FILE_COMPRESS: "true", PROVIDE_LOG_FILE_INTERVAL: "1 h" })).toEqual({
      name: "PROVIDE_LOG_FILE_INTERVAL",
      message: "PROVIDE_LOG_FILE_INTERVAL is set but PROVIDE_LOG_FILE is not: it applies to a log file"
    })
    expect(env({ PROVIDE_LOG_FILE_REOPEN_SIGNAL: "HUP" })).toEqual({
      name: "PROVIDE_LOG_FILE_REOPEN_SIGNAL",
      message: "PROVIDE_LOG_FILE_REOPEN_SIGNAL is set but PROVIDE_LOG_FILE is not: it applies to a log file"
    })
    expect(env({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_COMPRESS: "1", PROVIDE_LOG_FILE_MAX_FILES: "3" }))
      .toEqual({
        name: "PROVIDE_LOG_FILE_MAX_FILES",
        message:
          "PROVIDE_LOG_FILE_MAX_FILES is set but neither PROVIDE_LOG_FILE_MAX_SIZE nor PROVIDE_LOG_FILE_INTERVAL: nothing rotates the file"
      })
    expect(env({ PROVIDE_LOG_FILE: "a.log", PROVIDE_LOG_FILE_COMPRESS: "false" })).toMatchObject({
      name: "PROVIDE_LOG_FILE_COMPRESS"
    })
  })

  it("aTarget accepts the named streams, a writer, a non-empty file and a non-negative integer fd only", () => {
    const writer = (_: string) => {}
    const good = ["stdout", "stderr", "console", writer, { file: "a.log" }, { fd: 0 }, { fd: 3 }]
    expect(good.map((t) => aTarget.parse(t))).toEqual(good)
    const bad = ["file", "", null, undefined, 3, [], {}, { file: "" }, { file: 1 }, { fd: -1 }, { fd: 1.5 }, {
      fd: "3"
    }]
    expect(bad.map((t) => aTarget.parse(t))).toEqual(bad.map(() => undefined))
  })

  it("describeTarget names each kind of target, and never throws on a bad one", () => {
    expect([
      describeTarget("stdout"),
      describeTarget(() => {}),
      describeTarget({ file: "app.log" }),
      describeTarget({ fd: 3 }),
      describeTarget(null),
      describeTarget(undefined),
      describeTarget(42)
    ]).toEqual([
      "stdout",
      "writer",
      "file app.log",
      "fd 3",
      "an invalid target",
      "an invalid target",
      "an invalid target"
    ])
  })
})
