import { defineConfig } from "vitest/config"

/**
 * Four projects, all run by `npm test`:
 * - `core` (`test/core/`): the Effect-free core, without Effect;
 * - `unit`: the binding in process; a test that runs a child process or waits out a real deadline goes in a
 *   `process` suite (a `*Process.test.ts` file beside its module's);
 * - `process`: the suites that run child processes (exit paths, the sink contract, rotation under signals, the CLI,
 *   runtimes, packaging, the browser), wait out real deadlines, or generate thousands of cases (properties);
 * - `effect4` (`npm run test:effect4`): the `effect-foundation/effect4` binding, on effect 4.
 *
 * `npm run test:unit` is the fast loop (about 20 s on 2 cores): `core` and `unit` on two workers with
 * `--no-isolate`, so each worker imports Effect and the library once instead of once per file (a third of the
 * time). A test therefore leaves no global state behind (each builds its own layers, sinks and captures);
 * `--sequence.shuffle` checks that it does not. `npm test` keeps every file isolated.
 */
const processSuites = [
  "test/Browser.test.ts",
  "test/cli.test.ts",
  "test/exit.test.ts",
  "test/fdDriver.test.ts",
  "test/OtlpCollectorProcess.test.ts",
  "test/OutputsProcess.test.ts",
  "test/Package.test.ts",
  "test/platform.test.ts",
  "test/Property.test.ts",
  "test/RateLimitProcess.test.ts",
  "test/RetryProperty.test.ts",
  "test/RotationProcess.test.ts",
  "test/RunMain.test.ts",
  "test/SinkContract.test.ts",
  "test/SinkLifecycle.test.ts",
  "test/Telemetry.test.ts"
]

const notTests = ["**/node_modules/**"]

// "source": the package's own exports and imports resolve to src/*.ts; "node": the Node platform (#platform).
export default defineConfig({
  resolve: { conditions: ["source", "node"] },
  ssr: { resolve: { conditions: ["source", "node"] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "core", include: ["test/core/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...processSuites, "test/core/**", "test/effect4/**", ...notTests]
        }
      },
      { extends: true, test: { name: "process", include: processSuites } },
      // The Effect 4 line: its files resolve `effect` to effect 4 (test/effect4/node_modules, linked from src/effect4)
      { extends: true, test: { name: "effect4", include: ["test/effect4/**/*.test.ts"], exclude: notTests } }
    ]
  }
})
