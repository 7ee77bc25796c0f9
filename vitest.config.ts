import { defineConfig } from "vitest/config"

/**
 * Two projects, both run by `npm test`:
 * - `unit` (`npm run test:unit`): the core and the binding in process, the fast loop (well under a minute);
 * - `process`: the suites that run child processes (exit paths, the sink contract, rotation under signals, the CLI,
 *   runtimes, packaging, the browser) or generate thousands of cases (properties).
 */
const processSuites = [
  "test/Browser.test.ts",
  "test/cli.test.ts",
  "test/exit.test.ts",
  "test/fdDriver.test.ts",
  "test/Package.test.ts",
  "test/platform.test.ts",
  "test/Property.test.ts",
  "test/RotationProcess.test.ts",
  "test/RunMain.test.ts",
  "test/SinkContract.test.ts",
  "test/SinkLifecycle.test.ts",
  "test/Telemetry.test.ts"
]

// "source": the package's own exports and imports resolve to src/*.ts; "node": the Node platform (#platform).
export default defineConfig({
  resolve: { conditions: ["source", "node"] },
  ssr: { resolve: { conditions: ["source", "node"] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: processSuites } },
      { extends: true, test: { name: "process", include: processSuites } }
    ]
  }
})
