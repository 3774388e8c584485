// Every scenario vector through runScenario (Node package): the result must equal, as JSON, the one of
// `tsuen scenario --json FILE` (the reference CLI, target/debug/tsuen or $TSUEN_BIN); a file the CLI
// finds invalid (exit 2) must throw a TsuenError with invalid_request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { ROOT, canonical, node as tsuen } from "./helpers.mjs";

const TSUEN = process.env.TSUEN_BIN ?? resolve(ROOT, "target/debug/tsuen");
const DIRS = ["tests/vectors", "tests/vectors/shared", "../shared/vectors"].map((d) => resolve(ROOT, d));

function vectorFiles() {
  return DIRS.filter(existsSync).flatMap((d) =>
    readdirSync(d).filter((f) => f.endsWith(".json")).sort().map((f) => join(d, f)),
  );
}

/** What the CLI says of a file: {status, results: [parsed JSON lines]}. */
function cli(file) {
  const r = spawnSync(TSUEN, ["scenario", "--json", file], { encoding: "utf8" });
  if (r.error) throw new Error(`${TSUEN}: ${r.error.message} (build it: cargo build -p tsuen-server)`);
  return { status: r.status, lines: r.stdout.split("\n").filter(Boolean), stderr: r.stderr };
}

function same(file) {
  const text = readFileSync(file, "utf8");
  const ref = cli(file);
  if (ref.status === 2) {
    assert.equal(ref.lines.length, 0, `the CLI printed a result for an invalid file: ${ref.stderr}`);
    assert.throws(
      () => tsuen.runScenario(text),
      (e) => tsuen.isTsuenError(e) && e.codes.join() === "invalid_request",
    );
    return null;
  }
  assert.equal(ref.lines.length, 1, ref.stderr);
  const got = tsuen.runScenario(text);
  const want = JSON.parse(ref.lines[0]);
  assert.equal(canonical(got), canonical(want));
  assert.deepStrictEqual(got, want);
  return got;
}

const files = vectorFiles();

test("the vector folders hold vectors", () => {
  assert.ok(files.length >= 8, `found ${files.length} vector files in ${DIRS.join(", ")}`);
});

for (const file of files) {
  test(`vector ${relative(ROOT, file)}: same result as tsuen scenario --json`, () => {
    const got = same(file);
    if (got) assert.equal(got.failed, 0, JSON.stringify(got.failures));
  });
}

/** An expectation of the same form as `e` that the step does not meet. */
function wrong(e) {
  if (typeof e === "number") return e + 1;
  if (e === "ok") return { errors: ["lead_time"] };
  if (typeof e === "string") return e === "cancelled" ? "confirmed" : "cancelled";
  if (Array.isArray(e)) return e.every((x) => typeof x === "string") ? [...e, "nowhere"] : e.map((x) => (x ?? -1) + 1);
  if (e.errors) return { errors: ["duplicate_id"] };
  return Object.fromEntries(
    Object.entries(e).map(([d, cells]) => [d, Object.fromEntries(Object.entries(cells).map(([t, v]) => [t, (v ?? -1) + 1]))]),
  );
}

test("failures are reported identically (a vector with wrong expectations)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsuen-wasm-"));
  for (const file of files.slice(0, 4)) {
    const scenario = JSON.parse(readFileSync(file, "utf8"));
    // Break every expectation, keeping its form: values, statuses, errors and calendars all become wrong.
    scenario.steps = scenario.steps.map((s) => ("expect" in s ? { ...s, expect: wrong(s.expect) } : s));
    const broken = join(dir, `broken-${relative(ROOT, file).replaceAll("/", "_")}`);
    writeFileSync(broken, JSON.stringify(scenario));
    const got = same(broken);
    assert.ok(got && got.failed > 0 && got.failures.length === got.failed);
  }
});

test("invalid files: same verdict as the CLI, a TsuenError saying where", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsuen-wasm-"));
  const base = { name: "x", today: "2026-01-13", municipalities: [], facilities: [], children: [], steps: [] };
  const cases = {
    "not-json": "{",
    "unknown-field": JSON.stringify({ ...base, extra: 1 }),
    "bad-step": JSON.stringify({ ...base, steps: [{ book: {}, status: "x" }] }),
    "back-in-time": JSON.stringify({ ...base, steps: [{ today: "2026-01-01" }] }),
  };
  for (const [name, text] of Object.entries(cases)) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, text);
    assert.equal(cli(file).status, 2, name);
    same(file);
    try {
      tsuen.runScenario(text);
    } catch (e) {
      assert.equal(e.name, "TsuenError");
      assert.ok(e instanceof Error);
      assert.match(e.message, /^入力内容に誤りがあります。\n/);
      assert.equal(typeof e.detail, "string");
    }
  }
});
