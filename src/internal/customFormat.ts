/**
 * A format of the user's own: the core's (`src/core/customFormat.ts`), used by both bindings.
 */
export {
  /** @internal */
  customWriter,
  /** @internal */
  type RecordView,
  /** @internal */
  viewOf
} from "../core/customFormat.js"
