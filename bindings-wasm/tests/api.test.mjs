// The JS API of both packages under Node: errors, the calendar's two forms, the household view (the
// browser's world answers as the whole world does, and sees no other family), save/restore, and the web
// package against the Node package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PKG, loadWeb, node as tsuen } from "./helpers.mjs";
import { BOOKINGS, CHILD, FACILITY, PARENT, SETUP, demoView, demoWorld } from "../www/demo-view.mjs";

const SLOTS = 48;
const time = (s) => `${String(Math.floor(s / 2)).padStart(2, "0")}:${s % 2 ? "30" : "00"}`;
const addDays = (date, n) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** Requests over a range of days: every kind of answer (ok, lead time, horizon, closed, full, overlap). */
function requests(from, days) {
  const out = [];
  for (let d = 0; d < days; d++) {
    for (const [a, b] of [[14, 16], [18, 22], [20, 24], [27, 30], [28, 32], [36, 38], [26, 40]]) {
      out.push({ id: "probe", child: CHILD, facility: FACILITY, kind: "flexible", date: addDays(from, d), from: time(a), to: time(b) });
    }
  }
  return out;
}

function errorOf(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

test("a refusal is thrown as a TsuenError: every code, Japanese message, detail", () => {
  const w = demoWorld();
  const e = errorOf(() =>
    w.book({ id: "x", child: CHILD, facility: FACILITY, kind: "flexible", date: "2026-01-19", from: "06:00", to: "07:30" }),
  );
  assert.ok(e instanceof Error);
  assert.ok(tsuen.isTsuenError(e));
  assert.equal(e.name, "TsuenError");
  assert.deepEqual(e.codes, ["lead_time", "outside_hours"]);
  assert.equal(e.message, `${tsuen.messageJa("lead_time")}\n${tsuen.messageJa("outside_hours")}`);
  assert.equal(e.message, "予約の受付期限を過ぎています。\n開所時間外（または面談枠のない時間帯）です。");
  assert.equal(e.detail, null);
  assert.ok(!tsuen.isTsuenError(new Error("other")));
  assert.ok(!tsuen.isTsuenError("TsuenError"));
  w.free();
});

test("a malformed value is invalid_request, saying which field (Node package) and what", () => {
  const w = demoWorld();
  const bad = errorOf(() =>
    w.check({ id: "x", child: CHILD, facility: FACILITY, kind: "weekly", date: "2026-01-21", from: "10:00", to: "11:00" }),
  );
  assert.deepEqual(bad.codes, ["invalid_request"]);
  assert.match(bad.detail, /^request\.kind: unknown variant `weekly`/);
  assert.match(bad.message, /^入力内容に誤りがあります。\nrequest\.kind: /);
  const grid = errorOf(() => w.calendarFast(FACILITY, "2026-1-19", 7));
  assert.match(grid.detail, /^from: /);
  assert.deepEqual(errorOf(() => w.calendarFast("nowhere", "2026-01-19", 7)).codes, ["unknown_facility"]);
  assert.deepEqual(errorOf(() => w.status("nothing")).codes, ["unknown_booking"]);
  assert.deepEqual(errorOf(() => tsuen.World.fromSetup({ ...SETUP, today: "2026-13-01" })).codes, ["invalid_request"]);
  w.free();
});

test("dryRun answers without throwing, as check does, and changes nothing", () => {
  const w = demoWorld();
  const before = w.canonicalJson();
  for (const req of requests("2026-01-12", 70)) {
    const r = w.dryRun(req);
    const e = (() => {
      try {
        w.check(req);
        return null;
      } catch (err) {
        return err;
      }
    })();
    assert.equal(r.ok, e === null);
    assert.deepEqual(r.codes, e ? e.codes : []);
    assert.deepEqual(r.messages, r.codes.map((c) => tsuen.messageJa(c)));
    const mask = w.checkFast(req.id, req.child, req.facility, req.kind, req.date, req.from, req.to);
    assert.deepEqual(tsuen.codesOf(mask), r.codes);
    assert.equal(mask === 0, r.ok);
  }
  assert.deepEqual(tsuen.codesOf(w.checkFast("x", CHILD, FACILITY, "weekly", "2026-01-21", "10:00", "11:00")), ["invalid_request"]);
  assert.deepEqual(tsuen.codesOf(w.checkFast("x", CHILD, FACILITY, "flexible", "2026-01-21", "10:15", "11:00")), ["invalid_request"]);
  assert.deepEqual(tsuen.codesOf(w.checkFast("x", CHILD, FACILITY, "regular", "2026-01-21", "10:00", "11:00", 2)), ["kind_not_offered"]);
  assert.equal(w.canonicalJson(), before);
  const bad = w.dryRun({ id: "x" });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.codes, ["invalid_request"]);
  assert.match(bad.detail, /^request/);
  w.free();
});

test("calendarFast is the friendly calendar in a typed array (-1: no cell)", () => {
  const w = demoWorld();
  const cells = w.calendarFast(FACILITY, "2026-01-19", 7);
  assert.ok(cells instanceof Int16Array);
  assert.equal(cells.length, 7 * SLOTS);
  const map = w.calendar({ facility: FACILITY, from: "2026-01-19", days: 7 });
  for (let d = 0; d < 7; d++) {
    const date = addDays("2026-01-19", d);
    for (let s = 0; s < SLOTS; s++) {
      const v = cells[d * SLOTS + s];
      assert.equal(map[date][time(s)], v === -1 ? undefined : v, `${date} ${time(s)}`);
    }
  }
  // The seed: 3 places on Friday the 23rd at 7:00 and 7:30; the override's band is full after b4.
  const fri = 4 * SLOTS;
  assert.deepEqual([...cells.subarray(fri + 14, fri + 16)], [3, 3]);
  assert.deepEqual([...cells.subarray(fri + 28, fri + 32)], [0, 0, 1, 1]);
  assert.deepEqual([...cells.subarray(6 * SLOTS, 7 * SLOTS)], Array(SLOTS).fill(-1)); // Sunday: closed
  w.free();
});

test("the household's view: the same calendar and dry runs as the whole world, and nothing of other families", () => {
  const whole = demoWorld();
  const view = demoView();
  assert.deepEqual(view.children.map((c) => c.id), [CHILD]);
  assert.deepEqual(view.bookings.map((b) => b.id), BOOKINGS.filter((b) => b.child === CHILD).map((b) => b.id));
  const text = JSON.stringify(view);
  for (const other of ["hanako", "sota", "sato", "suzuki", "さとう", "すずき"]) assert.ok(!text.includes(other), other);
  const mine = tsuen.World.fromView(view);
  assert.equal(mine.now(), whole.now());
  for (const f of [FACILITY, "toranomon"]) {
    for (const child of [CHILD, null]) {
      assert.deepEqual(mine.calendarFast(f, "2026-01-12", 70, child), whole.calendarFast(f, "2026-01-12", 70, child), f);
    }
  }
  for (const req of requests("2026-01-12", 70)) assert.deepEqual(mine.dryRun(req), whole.dryRun(req), JSON.stringify(req));
  // Moving the clock moves the lead time in both.
  for (const w of [mine, whole]) w.setNow("2026-01-14T09:00");
  for (const req of requests("2026-01-19", 3)) assert.deepEqual(mine.dryRun(req), whole.dryRun(req), JSON.stringify(req));
  // A booking made in the view's world takes a place there as in the whole world.
  const req = { id: "n1", child: CHILD, facility: FACILITY, kind: "flexible", date: "2026-01-23", from: "15:00", to: "16:00" };
  assert.equal(mine.book(req), whole.book(req));
  assert.deepEqual(mine.calendarFast(FACILITY, "2026-01-19", 7), whole.calendarFast(FACILITY, "2026-01-19", 7));
  mine.free();
  whole.free();
});

test("save and restore give the same world; the Node package mirrors the engine's API", () => {
  const w = demoWorld();
  assert.equal(w.confirm("b5"), undefined);
  assert.equal(w.status("b5"), "confirmed");
  assert.equal(w.fee("b5"), 600);
  assert.deepEqual(w.usage(CHILD, "2026-01"), { minutes: 120, cap_minutes: 600, left_minutes: 480 });
  assert.deepEqual(w.cancel("b1", "facility"), [{ id: "b1", status: "cancelled" }]);
  assert.deepEqual(w.search({ municipality: "131016", kind: "flexible", date: "2026-01-23", from: "14:00", to: "14:30" }), ["toranomon"]);
  assert.deepEqual(w.regularAvailability({ facility: "toranomon", date: "2026-01-19", weeks: 2, from: "09:00", to: "10:00" }), [2, 2]);
  assert.equal(w.booking("b5").status, "confirmed");
  assert.equal(w.bookingsOfChild(CHILD).length, 1);
  assert.equal(w.facility(FACILITY).name, "誰でもこども園");
  const r = tsuen.World.restore(w.save());
  assert.equal(r.canonicalJson(), w.canonicalJson());
  assert.equal(tsuen.holidayName("2026-02-11"), "建国記念の日");
  assert.equal(tsuen.isHoliday("2026-01-19"), false);
  assert.equal(tsuen.allCodes().length, 19);
  w.free();
  r.free();
});

test("the web package: the household's calendar and dry runs, equal to the Node package's", async () => {
  const web = await loadWeb();
  const view = demoView();
  const a = web.World.fromView(view);
  const b = tsuen.World.fromView(view);
  assert.deepEqual(a.calendarFast(FACILITY, "2026-01-12", 70, CHILD), b.calendarFast(FACILITY, "2026-01-12", 70, CHILD));
  for (const req of requests("2026-01-12", 30)) {
    assert.deepEqual(a.dryRun(req), b.dryRun(req));
    const args = [req.id, req.child, req.facility, req.kind, req.date, req.from, req.to];
    assert.equal(a.checkFast(...args), b.checkFast(...args));
  }
  const e = errorOf(() => a.check(requests("2026-01-19", 1)[0]));
  assert.ok(web.isTsuenError(e));
  assert.deepEqual(e.codes, ["lead_time"]);
  assert.equal(e.message, "予約の受付期限を過ぎています。");
  // The web package leaves out what a household's browser does not need (size).
  assert.equal(typeof a.book, "undefined");
  assert.equal(typeof web.runScenario, "undefined");
  a.free();
  b.free();
});

test("the packages' types have no `any`", () => {
  for (const dir of ["web", "node"]) {
    for (const f of ["tsuen_wasm.d.ts", "tsuen_wasm_bg.wasm.d.ts"]) {
      const text = readFileSync(resolve(PKG, "pkg", dir, f), "utf8");
      assert.doesNotMatch(text, /\bany\b/, `pkg/${dir}/${f}`);
    }
  }
});
