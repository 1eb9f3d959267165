/** Test preload: bun 1.4.5 ignores bunfig's `timeout`, so set the default per-test timeout here. */
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(20_000);
