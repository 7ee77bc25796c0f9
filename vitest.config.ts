import { defineConfig } from "vitest/config"

// "source": the package's own exports and imports resolve to src/*.ts; "node": the Node platform (#platform).
export default defineConfig({
  resolve: { conditions: ["source", "node"] },
  ssr: { resolve: { conditions: ["source", "node"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks"
  }
})
