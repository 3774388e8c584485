// Shared by the Node tests: the two packages, paths, and a canonical JSON for comparisons.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PKG = resolve(HERE, "..");
export const ROOT = resolve(PKG, "..");

/** The Node package (CommonJS): the whole API and runScenario. */
export const node = require("../pkg/node/tsuen_wasm.js");

/** The web package (ES module), instantiated synchronously from its .wasm. */
export async function loadWeb() {
  const web = await import("../pkg/web/tsuen_wasm.js");
  web.initSync({ module: readFileSync(resolve(PKG, "pkg/web/tsuen_wasm_bg.wasm")) });
  return web;
}

/** JSON with object keys sorted: equal for equal values whatever the key order. */
export function canonical(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
