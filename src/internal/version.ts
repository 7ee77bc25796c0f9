/**
 * The package version (the core's, `src/core/version.ts`, shared by both bindings).
 */
export {
  /** @internal */
  version
} from "../core/version.js"
