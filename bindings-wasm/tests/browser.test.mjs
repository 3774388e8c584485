// The calendar page in a real headless Chromium (playwright-core driving /usr/bin/chromium or
// $CHROMIUM), served on 127.0.0.1 from the demo household's view: the cells show the engine's numbers,
// a valid selection passes, invalid ones show their reasons in Japanese (lead time, no place). The
// screenshots are kept under artifacts/ (gitignored).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { ROOT, node as tsuen } from "./helpers.mjs";
import { CHILD, FACILITY, demoView } from "../www/demo-view.mjs";
import { serve } from "../www/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = resolve(ROOT, "artifacts");
const SLOTS = 48;
const time = (s) => `${String(Math.floor(s / 2)).padStart(2, "0")}:${s % 2 ? "30" : "00"}`;
const WEEK = ["2026-01-19", "2026-01-20", "2026-01-21", "2026-01-22", "2026-01-23", "2026-01-24", "2026-01-25"];

let server;
let browser;
let page;
const errors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (as root)`);
  const dir = mkdtempSync(join(tmpdir(), "tsuen-view-"));
  const viewFile = join(dir, "view.json");
  writeFileSync(viewFile, JSON.stringify(demoView()));
  server = await serve({ views: { "/www/view.json": viewFile } });
  console.log(`# serving ${server.url}/www/index.html`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 1250 }, locale: "ja-JP" });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector("body[data-ready]", { timeout: 20_000 });
  assert.equal(await page.getAttribute("body", "data-ready"), "true", await page.textContent("#status"));
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const cell = (date, t) => page.locator(`td[data-date="${date}"][data-time="${t}"]`);

async function pick(date, from, to) {
  await cell(date, from).locator("button").click();
  await cell(date, to).locator("button").click();
  return page.locator(".tsuen-answer");
}

test("the first week is the week of now; next week shows the seed's week, days as columns", async () => {
  assert.match(await page.textContent(".tsuen-title"), /1\/12〜1\/18/);
  await page.click(".tsuen-next");
  assert.match(await page.textContent(".tsuen-title"), /誰でもこども園\s+1\/19〜1\/25 の空き状況/);
  const heads = await page.locator("thead th.tsuen-day .tsuen-date").allTextContents();
  assert.deepEqual(heads, ["1/19（月）", "1/20（火）", "1/21（水）", "1/22（木）", "1/23（金）", "1/24（土）", "1/25（日）"]);
  const rows = await page.locator("tbody th.tsuen-time").allTextContents();
  assert.equal(rows[0], "7:00");
  assert.equal(rows[1], "7:30");
  assert.equal(rows.at(-1), "18:30");
});

test("every cell shows the engine's places left for the household's child; closed cells are empty", async () => {
  const world = tsuen.World.fromView(demoView());
  const want = world.calendarFast(FACILITY, WEEK[0], 7, CHILD);
  world.free();
  const shown = await page.$$eval("td.tsuen-cell", (tds) => tds.map((td) => [td.dataset.date, td.dataset.time, td.textContent]));
  assert.equal(shown.length, 7 * 24); // 7:00 to 18:30
  for (const [date, t, text] of shown) {
    const v = want[WEEK.indexOf(date) * SLOTS + (Number(t.slice(0, 2)) * 2 + (t.endsWith("30") ? 1 : 0))];
    assert.equal(text, v === -1 ? "" : String(v), `${date} ${t}`);
  }
  // The seed's numbers: 3 on Friday the 23rd at 7:00 and 7:30; the 14:00–16:00 override is full then 1.
  assert.equal(await cell("2026-01-23", "07:00").textContent(), "3");
  assert.equal(await cell("2026-01-23", "07:30").textContent(), "3");
  assert.equal(await cell("2026-01-23", "14:00").textContent(), "0");
  assert.equal(await cell("2026-01-23", "15:00").textContent(), "1");
  assert.equal(await cell("2026-01-24", "07:30").textContent(), ""); // Saturday opens at 8:00
  assert.equal(await cell("2026-01-25", "10:00").textContent(), ""); // Sunday: closed
  assert.equal(await page.locator('th[data-date="2026-01-25"] .tsuen-badge').textContent(), "休園");
});

test("days inside the lead time are shown as not bookable", async () => {
  assert.equal(await page.getAttribute('th[data-date="2026-01-19"]', "data-bookable"), "false");
  assert.equal(await page.getAttribute('th[data-date="2026-01-19"]', "data-refusal"), "lead_time");
  assert.equal(await page.locator('th[data-date="2026-01-19"] .tsuen-badge').textContent(), "受付終了");
  for (const d of WEEK.slice(1, 6)) assert.equal(await page.getAttribute(`th[data-date="${d}"]`, "data-bookable"), "true", d);
  assert.match(await cell("2026-01-19", "10:00").getAttribute("class"), /tsuen-unbookable/);
});

test("a valid selection (start and end cells) passes the engine's dry run", async () => {
  const answer = await pick("2026-01-21", "13:00", "14:00");
  assert.equal(await answer.locator("[data-result]").getAttribute("data-result"), "ok");
  assert.equal((await answer.textContent()).trim(), "1/21（水）13:00〜14:30 は予約できます。");
  assert.equal(await page.locator("td.tsuen-selected").count(), 3);
  await page.screenshot({ path: join(ARTIFACTS, "wasm-calendar-ok.png"), fullPage: true });
});

test("a selection inside the lead time shows its reason in Japanese", async () => {
  const answer = await pick("2026-01-19", "10:00", "10:30");
  assert.equal(await answer.locator("[data-result]").getAttribute("data-result"), "refused");
  assert.deepEqual(await answer.locator("li").evaluateAll((li) => li.map((x) => x.dataset.code)), ["lead_time"]);
  assert.equal(await answer.locator("li").textContent(), "予約の受付期限を過ぎています。");
});

test("a selection over a full slot shows no place left (end before start works too)", async () => {
  const answer = await pick("2026-01-23", "14:30", "13:30");
  assert.match(await answer.textContent(), /1\/23（金）13:30〜15:00 は予約できません。/);
  assert.deepEqual(await answer.locator("li").evaluateAll((li) => li.map((x) => x.dataset.code)), ["no_capacity"]);
  assert.equal(await answer.locator("li").textContent(), "空きがありません。");
  await page.screenshot({ path: join(ARTIFACTS, "wasm-calendar.png"), fullPage: true });
  console.log(`# screenshot: ${join(ARTIFACTS, "wasm-calendar.png")}`);
});

test("previous week goes back; the page raised no error", async () => {
  await page.click(".tsuen-prev");
  assert.match(await page.textContent(".tsuen-title"), /1\/12〜1\/18/);
  assert.deepEqual(errors, []);
});
