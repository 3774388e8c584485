// The portal's screens walked end to end in a real headless Chromium (playwright-core driving the Debian
// chromium) on a freshly started `tsuen serve` with the demo data, an injected clock (2026-01-13 09:00,
// moved by the test-only endpoint) and a fixture that fills one slot. The walk follows the seed as far
// as the portal's APIs go: public home and the online application request; registration from the
// mailed link; certification by the municipality; the mailed set-password link; login; the facility
// list and detail (初回面談が必要); the interview booking with its confirm dialog; the outcome (利用承認)
// by the facility; 柔軟利用 from the week calendar; refusals seen on the page (a day inside the lead
// time, a full slot) with the typed values kept; the facility's confirmation; マイページ with the badges
// and the fee (600円 for 2 hours); a late cancellation with its warning; the day of use behind the 2D
// code; a printed code, extras at 降園, payment received and the facility's claim.
// Every screen: screenshots at 1200 px and 375 px (artifacts/screens/, gitignored), no sideways scroll
// at 375 px, and axe-core finds no serious or critical issue.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../../..");
const TSUEN = process.env.TSUEN_BIN ?? join(ROOT, "target/debug/tsuen");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = process.env.TSUEN_ARTIFACTS ?? join(ROOT, "artifacts/screens");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 375, height: 740 };

const PARENT = { email: "ayumu@example.jp", password: "ayumu-pass-2026" };
const CITY = { email: "chiyoda@example.jp", password: "demo-city-2026" };
const STAFF = { email: "daredemo@example.jp", password: "demo-facility-2026" };

let server;
let base;
let data;
let browser;
const pages = {};
const errors = [];
const axeFindings = [];
let shots = 0;

async function startServer() {
  data = mkdtempSync(join(tmpdir(), "tsuen-screens-"));
  const args = ["serve", "--addr", "127.0.0.1:0", "--data", data, "--now", "2026-01-13T09:00", "--demo",
    "--test-endpoints", "--fast-hash", "--no-rate-limit", "--wasm-pkg", join(ROOT, "bindings-wasm/pkg/web")];
  const child = spawn(TSUEN, args, { stdio: ["ignore", "pipe", "inherit"] });
  const addr = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("tsuen serve printed no address in 30 s")), 30_000);
    child.on("exit", (code) => fail(new Error(`tsuen serve exited (${code})`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  return { child, addr };
}

/** Calls the JSON API as an account (for the outbox and the test-only clock). */
async function api(method, path, body, who) {
  const headers = { "content-type": "application/json" };
  if (who) {
    const r = await fetch(`${base}/api/login`, { method: "POST", headers, body: JSON.stringify(who) });
    assert.equal(r.status, 200, `login ${who.email}`);
    headers.cookie = r.headers.get("set-cookie").split(";")[0];
    headers["x-csrf-token"] = (await r.json()).csrf;
  }
  const r = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await r.json().catch(() => null);
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Moves the server's clock; sessions last 12 hours, so every role logs in again. */
async function travel(now) {
  await api("POST", "/api/test/now", { now });
  await login(pages.parent, PARENT);
  await login(pages.staff, STAFF);
}

/** The newest mailed link to `to` whose path starts with `path`, from the outbox. */
async function mailedLink(to, path) {
  const { mail } = await api("GET", "/api/outbox", null, CITY);
  for (const m of mail) {
    if (m.to !== to) continue;
    const link = m.body.match(new RegExp(`https?://\\S+${path}\\?token=[0-9a-f]+`));
    if (link) return new URL(link[0]).pathname + new URL(link[0]).search;
  }
  throw new Error(`no mail to ${to} with ${path}`);
}

/** Screenshots at desktop and phone width, no sideways scroll at 375 px, axe-core on the page. */
async function screen(page, name) {
  shots += 1;
  const file = `${String(shots).padStart(2, "0")}-${name}`;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(ARTIFACTS, `${file}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(50);
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${name}: at 375 px the page scrolls sideways (${scroll} > ${inner})`);
  await page.screenshot({ path: join(ARTIFACTS, `${file}-375.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  // Evaluated through the DevTools protocol: the pages' CSP (no inline script) stays on and is tested.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) {
    axeFindings.push(`${name}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`).join("; ")}`);
  }
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `${name}: axe-core`);
}

async function newPage(role) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: "ja-JP" });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`${role}: ${e.message}`));
  // A refused form comes back as 422 with the form: Chromium logs that status; anything else counts.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 422/.test(m.text())) errors.push(`${role}: ${m.text()}`);
  });
  pages[role] = page;
  return page;
}

async function login(page, who) {
  await page.goto(`${base}/login`);
  await page.fill("#f-email", who.email);
  await page.fill("#f-password", who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("button:has-text('ログイン')")]);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const started = await startServer();
  server = started.child;
  base = started.addr;
  console.log(`# tsuen serve at ${base} (data ${data})`);
  // Three other children fill 2026-01-22 10:00–11:00 at 誰でもこども園 (3 flexible places).
  const ops = [];
  for (const k of [1, 2, 3]) {
    ops.push({ child: { id: `other${k}`, name: `ほかのこ${k}`, birth_date: "2024-05-01", municipality: "131016",
      certified: ["2025-04-01", "2026-12-31"], approvals: [{ facility: "daredemo", interview_date: "2025-12-01" }] } });
    ops.push({ book: { id: `full${k}`, child: `other${k}`, facility: "daredemo", kind: "flexible",
      date: "2026-01-22", from: "10:00", to: "11:00" } });
  }
  await api("POST", "/api/test/seed", { ops });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--lang=ja-JP", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  await newPage("parent");
  await newPage("city");
  await newPage("staff");
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (data) rmSync(data, { recursive: true, force: true });
  if (axeFindings.length) console.log(`# axe-core:\n${axeFindings.join("\n")}`);
});

test("public home: 都道府県 / 市区町村, 確認する, the online application request (a refused address kept)", async () => {
  const p = pages.parent;
  await p.goto(base);
  assert.equal(await p.getAttribute("html", "lang"), "ja");
  await screen(p, "home");
  await p.selectOption("#f-pref", { label: "東京都" });
  await p.selectOption("#f-city", { label: "千代田区" });
  await p.click("button:has-text('確認する')");
  await p.waitForSelector("text=お住まいの市区町村でオンライン利用申請が可能です。");
  await p.fill("#f-email", "ayumu@example");
  await p.click("button:has-text('申請する')");
  assert.equal(await p.textContent("#f-email-error"), "メールアドレスの形式が正しくありません。");
  assert.equal(await p.inputValue("#f-email"), "ayumu@example");
  assert.equal(await p.inputValue("#f-city"), "131016");
  await screen(p, "home-application-refused");
  await p.fill("#f-email", PARENT.email);
  await p.click("button:has-text('申請する')");
  await p.waitForSelector("text=申請の案内をお送りしました。");
  await screen(p, "home-application-sent");
  // Where the municipality takes paper applications only.
  await p.goto(`${base}/?pref=${encodeURIComponent("東京都")}&city=131041`);
  await p.waitForSelector("text=窓口または郵送");
});

test("利用者登録 from the mailed link: a missing field is shown next to it, the rest kept", async () => {
  const p = pages.parent;
  await p.goto(base + (await mailedLink(PARENT.email, "/register")));
  await p.fill("#f-parent-name", "田中 歩");
  await p.fill("#f-parent-kana", "たなか あゆむ");
  await p.fill("#f-parent-address", "東京都千代田区九段南1-1-1");
  await p.fill("#f-parent-emergency_contact", "田中 花子 090-0000-0000");
  await p.fill("#f-children-0-name", "たなかじろう");
  await p.fill("#f-children-0-kana", "たなか じろう");
  await p.fill("#f-children-0-birth_date", "2025-01-10");
  await screen(p, "register");
  await p.click("button:has-text('登録する')");
  assert.equal(await p.textContent("#f-parent-phone-error"), "必須項目です。");
  assert.equal(await p.inputValue("#f-parent-name"), "田中 歩");
  assert.equal(await p.inputValue("#f-children-0-birth_date"), "2025-01-10");
  await screen(p, "register-refused");
  await p.fill("#f-parent-phone", "03-1234-5678");
  await p.click("button:has-text('登録する')");
  await p.waitForSelector("text=利用者登録を受け付けました");
});

test("the municipality certifies (a wrong period refused, values kept); the account's link is mailed", async () => {
  const c = pages.city;
  await login(c, CITY);
  assert.match(c.url(), /\/city$/);
  const card = c.locator("article.registration[data-status=pending]", { hasText: "田中 歩" });
  await card.locator("[name=to]").fill("2025-01-01");
  await card.locator("button:has-text('認定する')").click();
  const refused = c.locator("article.registration[data-status=pending]", { hasText: "田中 歩" });
  assert.equal(await refused.locator(".field.invalid .error").textContent(), "認定期間の終了日が開始日より前です。");
  assert.equal(await refused.locator("[name=to]").inputValue(), "2025-01-01");
  await screen(c, "city-certify-refused");
  await refused.locator("[name=to]").fill("2027-01-12");
  await refused.locator("button:has-text('認定する')").click();
  await c.waitForSelector("text=認定しました。");
  await screen(c, "city-registrations");
  await c.goto(`${base}/city/facilities`);
  await c.locator("article.facility[data-facility=daredemo]").waitFor();
  await screen(c, "city-facilities");
  await c.goto(`${base}/city/outbox`);
  await c.waitForSelector("text=アカウント発行のお知らせ");
  await screen(c, "city-outbox");
});

test("パスワードの再設定 from the mailed link, then 利用者向けログイン (a wrong password refused)", async () => {
  const p = pages.parent;
  await p.goto(base + (await mailedLink(PARENT.email, "/password")));
  await p.fill("#f-password", PARENT.password);
  await p.fill("#f-password_confirmation", "something-else-2026");
  await p.click("button:has-text('変更')");
  assert.equal(await p.textContent("#f-password_confirmation-error"), "パスワード（確認）が一致しません。");
  await screen(p, "password-refused");
  await p.fill("#f-password", PARENT.password);
  await p.fill("#f-password_confirmation", PARENT.password);
  await p.click("button:has-text('変更')");
  await p.waitForSelector("text=パスワードを設定しました。");
  await screen(p, "login");
  await p.fill("#f-email", PARENT.email);
  await p.fill("#f-password", "not-the-password");
  await p.click("button:has-text('ログイン')");
  await p.waitForSelector("text=メールアドレスまたはパスワードが正しくありません。");
  assert.equal(await p.inputValue("#f-email"), PARENT.email);
  await p.fill("#f-password", PARENT.password);
  await p.click("button:has-text('ログイン')");
  await p.waitForURL(/\/mypage$/);
  await p.waitForSelector("text=田中 歩 さま");
  await p.goto(`${base}/password/reset`);
  await screen(p, "password-reset-request");
});

test("facility list and detail (初回面談が必要), STEP1, 初回面談のご希望日, the confirm dialog", async () => {
  const p = pages.parent;
  await p.goto(`${base}/facilities`);
  const card = p.locator("article.facility[data-facility=daredemo]");
  await card.locator("text=初回面談が必要").waitFor();
  await screen(p, "facilities");
  await card.locator("a").first().click();
  await p.waitForSelector("h2:has-text('基本情報')");
  await screen(p, "facility-info");
  await p.click("nav.tabs >> text=予約");
  await p.selectOption("#f-child", { label: "たなかじろう" });
  await p.click("button:has-text('選択する')");
  await p.waitForSelector("h2:has-text('STEP2 予約種別の選択')");
  await screen(p, "facility-step2");
  await p.click("a.kind[data-kind=interview]");
  await p.waitForSelector("h1:has-text('初回面談の申込')");
  await p.check("label:has-text('2026/1/14 9:00~10:00')");
  await screen(p, "interview");
  await p.click("button:has-text('申し込む')");
  await p.waitForSelector("dialog[open] >> text=選択された内容を適用します。よろしいですか？");
  await screen(p, "interview-confirm");
  await Promise.all([p.waitForURL(/\/mypage\/bookings\/\d+/), p.click("dialog button:has-text('適用する')")]);
  await p.waitForSelector("article.booking .badge-provisional");
  await screen(p, "interview-booked");
});

test("the facility records the outcome: refused before the interview's day, 利用承認 on it", async () => {
  const s = pages.staff;
  await login(s, STAFF);
  assert.match(s.url(), /\/staff$/);
  const row = s.locator("tr[data-status=provisional]", { hasText: "初回面談" });
  await row.locator("button[data-action=approve]").click();
  await s.waitForSelector("[data-refusal] li[data-code=invalid_state]");
  await screen(s, "staff-outcome-refused");
  await travel("2026-01-14T10:00");
  await s.goto(`${base}/staff`);
  await s.locator("tr[data-status=provisional]", { hasText: "初回面談" }).locator("button[data-action=approve]").click();
  await s.waitForSelector("text=利用承認を登録しました。");
  await screen(s, "staff-bookings");
  await s.goto(`${base}/staff/setup`);
  await screen(s, "staff-setup");
});

test("柔軟利用 from the week calendar; refusals (lead time, a full slot) on the page with values kept", async () => {
  const p = pages.parent;
  await p.goto(`${base}/facilities/daredemo?tab=book`);
  await p.selectOption("#f-child", { label: "たなかじろう" });
  await p.click("button:has-text('選択する')");
  assert.equal(await p.locator("a.kind[data-kind=flexible]").count(), 1);
  assert.equal(await p.locator("text=初回面談が必要").count(), 0);
  await p.click("a.kind[data-kind=flexible]");
  await p.waitForSelector("#calendar[data-ready=true]");
  await p.click(".tsuen-next");
  await p.waitForSelector(".tsuen-title:has-text('1/19〜1/25')");
  assert.equal(await p.getAttribute("th.tsuen-day[data-date='2026-01-20']", "data-refusal"), "lead_time");
  await p.click("td[data-date='2026-01-21'][data-time='11:30'] button");
  await p.click("td[data-date='2026-01-21'][data-time='13:00'] button");
  await p.waitForSelector(".tsuen-answer [data-result=ok]");
  assert.equal(await p.inputValue("#f-date"), "2026-01-21");
  assert.equal(await p.inputValue("#f-from"), "11:30");
  assert.equal(await p.inputValue("#f-to"), "13:30");
  await screen(p, "flexible-calendar");

  // A day inside the lead time, typed in the form: refused with the engine's reason, values kept.
  await p.fill("#f-date", "2026-01-20");
  await p.selectOption("#f-from", "10:00");
  await p.selectOption("#f-to", "11:00");
  await p.click("button:has-text('予約する')");
  await p.waitForSelector("[data-refusal] li[data-code=lead_time]");
  assert.equal(await p.textContent("[data-refusal] li[data-code=lead_time]"), "予約の受付期限を過ぎています。");
  assert.equal(await p.inputValue("#f-date"), "2026-01-20");
  assert.equal(await p.inputValue("#f-from"), "10:00");
  assert.equal(await p.inputValue("#f-to"), "11:00");
  await p.waitForSelector("#calendar[data-ready=true]");
  await screen(p, "flexible-refused-lead-time");

  // A full slot.
  await p.fill("#f-date", "2026-01-22");
  await p.click("button:has-text('予約する')");
  await p.waitForSelector("[data-refusal] li[data-code=no_capacity]");
  assert.equal(await p.inputValue("#f-date"), "2026-01-22");
  assert.equal(await p.inputValue("#f-from"), "10:00");
  await p.waitForSelector("#calendar[data-ready=true]");
  assert.equal(await p.textContent("td[data-date='2026-01-22'][data-time='10:00'] button"), "0");
  await screen(p, "flexible-refused-full");

  // The calendar's choice, booked.
  await p.click("td[data-date='2026-01-21'][data-time='11:30'] button");
  await p.click("td[data-date='2026-01-21'][data-time='13:00'] button");
  await p.waitForSelector(".tsuen-answer [data-result=ok]");
  await Promise.all([p.waitForURL(/\/mypage\/bookings\/\d+\?done=booked/), p.click("button:has-text('予約する')")]);
  const card = p.locator("article.booking");
  assert.equal(await card.locator(".badge").allTextContents().then((b) => b.join(" ")), "仮予約");
  assert.match(await card.textContent(), /利用日\s*2026年01月21日/);
  assert.match(await card.textContent(), /利用時間\s*11:30～13:30 \(2時間\)/);
  assert.match(await card.textContent(), /料金\s*600円 \(目安\)/);
  await screen(p, "flexible-booked");
});

test("定期利用: weekday, band and weeks with the regular places left", async () => {
  const p = pages.parent;
  await p.goto(`${base}/facilities/daredemo?tab=book`);
  await p.selectOption("#f-child", { label: "たなかじろう" });
  await p.click("button:has-text('選択する')");
  await p.click("a.kind[data-kind=regular]");
  await p.fill("#f-date", "2026-01-26");
  await p.selectOption("#f-from", "09:00");
  await p.selectOption("#f-to", "11:00");
  await p.selectOption("#f-weeks", "4");
  await p.click("button:has-text('空き状況を確認する')");
  await p.waitForSelector("table.places");
  assert.equal(await p.locator("table.places tbody tr").count(), 4);
  assert.equal(await p.inputValue("#f-date"), "2026-01-26");
  await screen(p, "regular");
});

test("the facility confirms; マイページ shows 予約確定, the date, hours and 600円 (目安)", async () => {
  const s = pages.staff;
  await s.goto(`${base}/staff`);
  const row = s.locator("tr[data-status=provisional]", { hasText: "たなかじろう" });
  await row.locator("button[data-action=confirm]").click();
  await s.waitForSelector("text=予約を確定しました。");
  const p = pages.parent;
  await p.goto(`${base}/mypage`);
  const card = p.locator("article.booking", { hasText: "柔軟利用" }).first();
  assert.equal((await card.locator(".badge").allTextContents()).join(" "), "予約確定");
  assert.match(await card.textContent(), /料金\s*600円 \(目安\)/);
  assert.match(await card.textContent(), /施設名\s*誰でもこども園/);
  assert.match(await card.textContent(), /お子さま\s*たなかじろう さま/);
  await screen(p, "mypage");
});

test("on the day: 予約確定 予約日当日; a late cancellation warns of the fee, then キャンセル(当日)", async () => {
  await travel("2026-01-21T08:00");
  const s = pages.staff;
  await s.goto(`${base}/staff`);
  await s.locator("section:has(#today) tr", { hasText: "たなかじろう" }).waitFor();
  await screen(s, "staff-today");
  const p = pages.parent;
  await p.goto(`${base}/mypage`);
  const card = p.locator("article.booking", { hasText: "柔軟利用" }).first();
  assert.equal((await card.locator(".badge").allTextContents()).join(" "), "予約確定 予約日当日");
  await card.locator("text=予約の詳細を見る").click();
  await p.waitForSelector("[data-late]");
  assert.match(await p.textContent("[data-late]"), /キャンセル\(当日\)となり、料金 600円 \(目安\) がかかります/);
  await screen(p, "cancel-late-warning");
  await p.check("#f-agree");
  await p.click("button:has-text('予約をキャンセルする')");
  await p.waitForSelector("text=予約をキャンセルしました。");
  assert.equal((await p.locator("article.booking .badge").allTextContents()).join(" "), "キャンセル(当日)");
  await screen(p, "cancelled-late");
});

// The day of use needs the day-of-use API (GET/POST /api/checkin/{code}, the rotating code, records):
// where the server has none (the screens alone) these steps are skipped, and say so.
const hasDayOfUse = async () => JSON.stringify(await api("GET", "/openapi.json")).includes("/api/checkin/{code}");

test("登降園手続き behind the facility's 2D code: 利用開始, 利用終了, then 当日の様子 with a 行動記録", async (t) => {
  if (!(await hasDayOfUse())) {
    t.skip("no day-of-use API on this server (GET /api/checkin/{code})");
    return;
  }
  const p = pages.parent;
  const s = pages.staff;
  // A booking a week ahead, confirmed by the facility.
  await p.goto(`${base}/facilities/daredemo/flexible`);
  await p.selectOption("#f-child", { label: "たなかじろう" });
  await p.fill("#f-date", "2026-01-28");
  await p.selectOption("#f-from", "10:00");
  await p.selectOption("#f-to", "12:00");
  await Promise.all([p.waitForURL(/\/mypage\/bookings\/\d+/), p.click("button:has-text('予約する')")]);
  const number = Number(new URL(p.url()).pathname.split("/").pop());
  await s.goto(`${base}/staff`);
  await s.locator(`tr[data-number="${number}"] button[data-action=confirm]`).click();
  await s.waitForSelector("text=予約を確定しました。");

  // On the day: the parent opens the code's URL (as a phone does after scanning it).
  await travel("2026-01-28T09:55");
  const code = async () => new URL((await api("GET", "/api/facility/checkin-code", null, STAFF)).url).pathname;
  await p.goto(base + (await code()));
  await p.waitForSelector("h1:has-text('登降園手続き')");
  const row = p.locator(`tr[data-number="${number}"]`);
  assert.equal((await row.locator(".badge").allTextContents()).join(" "), "予約確定 予約日当日");
  await screen(p, "checkin");
  await row.locator("button[data-action=start]").click();
  await p.waitForSelector("text=利用開始を登録しました。");
  assert.equal((await p.locator(`tr[data-number="${number}"] .badge`).allTextContents()).join(" "), "予約確定 予約日当日 利用中");
  await screen(p, "checkin-in-use");
  // The staff's day: the code, the booking in use, a 行動記録 written from its form.
  await s.goto(`${base}/staff/day`);
  await s.locator(".qr svg").waitFor();
  await s.fill(`#b${number}-f-at`, "10:30");
  await s.fill(`#b${number}-f-kind`, "あそび");
  await s.fill(`#b${number}-f-text`, "積み木で遊びました。");
  await screen(s, "staff-day");
  await s.locator(`form[action="/staff/day/records/${number}"] button`).click();
  await s.waitForSelector("text=行動記録を登録しました。");

  await travel("2026-01-28T12:00");
  await p.goto(base + (await code()));
  await p.locator(`tr[data-number="${number}"] button[data-action=end]`).click();
  await p.waitForSelector("text=利用終了を登録しました。");
  assert.equal((await p.locator(`tr[data-number="${number}"] .badge`).allTextContents()).join(" "), "利用済");
  await p.goto(`${base}/mypage/bookings/${number}`);
  await p.waitForSelector("[data-day] >> text=積み木で遊びました。");
  await screen(p, "day-records");

  // The municipality's month: the use just completed is in the usage and the claim.
  const c = pages.city;
  await login(c, CITY);
  await c.goto(`${base}/city/claims?month=2026-01`);
  await c.locator("section:has(#usage-title) tr", { hasText: "たなかじろう" }).waitFor();
  await screen(c, "city-claims");
  await c.goto(`${base}/city/audit`);
  await c.locator("table.list tbody tr").first().waitFor();
  await screen(c, "city-audit");
});

test("a printed code at the door; extras at 降園 at the price list's prices; payment received; the facility's claim", async (t) => {
  if (!(await hasDayOfUse())) {
    t.skip("no day-of-use API on this server (GET /api/checkin/{code})");
    return;
  }
  const p = pages.parent;
  const s = pages.staff;
  await p.goto(`${base}/facilities/daredemo/flexible`);
  await p.selectOption("#f-child", { label: "たなかじろう" });
  await p.fill("#f-date", "2026-02-04");
  await p.selectOption("#f-from", "10:00");
  await p.selectOption("#f-to", "12:00");
  await Promise.all([p.waitForURL(/\/mypage\/bookings\/\d+/), p.click("button:has-text('予約する')")]);
  const number = Number(new URL(p.url()).pathname.split("/").pop());
  await s.goto(`${base}/staff`);
  await s.locator(`tr[data-number="${number}"] button[data-action=confirm]`).click();
  await s.waitForSelector("text=予約を確定しました。");

  // A printed code for the front door: its 2D code and URL are shown once.
  await travel("2026-02-04T09:55");
  await s.goto(`${base}/staff/codes`);
  await s.fill("#f-label", "正面玄関");
  await s.click("button[data-action=create-code]");
  await s.locator("[data-new-code] .qr svg").waitFor();
  const printed = new URL(await s.textContent("[data-new-code] code.url")).pathname;
  await screen(s, "staff-code-new");
  await p.goto(base + printed);
  await p.locator(`tr[data-number="${number}"] button[data-action=start]`).click();
  await p.waitForSelector("text=利用開始を登録しました。");

  // 降園 by the staff with a lunch and a snack at the price list's prices (昼食 300円, おやつ 100円).
  await travel("2026-02-04T12:00");
  await s.goto(`${base}/staff/day`);
  await s.fill(`#b${number}-f-x0`, "1");
  await s.fill(`#b${number}-f-x1`, "1");
  await screen(s, "staff-day-checkout");
  await s.locator(`tr[data-number="${number}"] button[data-action=check_out]`).click();
  await s.waitForSelector("text=降園を登録しました。");
  // The booking's staff view: 600 + 300 + 100 due, paid in full.
  await s.click(`a[href="/staff/bookings/${number}"]`);
  await s.waitForSelector("[data-fees]");
  assert.equal(await s.textContent("[data-total]"), "1000円");
  assert.equal(await s.textContent("[data-due]"), "1000円");
  assert.equal(await s.inputValue("#f-amount_yen"), "1000");
  await screen(s, "staff-booking-fees");
  await s.click("button[data-action=payment]");
  await s.waitForSelector("text=入金を登録しました。");
  assert.equal(await s.textContent("[data-due]"), "0円");
  await screen(s, "staff-booking-paid");
  // The parent sees the fee, the extras, what was paid and what is due.
  await p.goto(`${base}/mypage/bookings/${number}`);
  const day = await p.textContent("[data-day]");
  assert.match(day, /利用料\s*600円/);
  assert.match(day, /昼食\s*300円/);
  assert.match(day, /合計\s*1000円/);
  assert.match(day, /お支払い済\s*1000円/);
  assert.match(day, /お支払い残額\s*0円/);
  await screen(p, "day-fees");
  // The printed code revoked; the facility's claim for January (the use of the 28th).
  await s.goto(`${base}/staff/codes`);
  await s.locator("tr", { hasText: "正面玄関" }).locator("button[data-action=revoke]").click();
  await s.waitForSelector("text=コードを無効にしました。");
  await screen(s, "staff-codes");
  await s.goto(`${base}/staff/claim?month=2026-01`);
  await s.waitForSelector("[data-claim-total]");
  await screen(s, "staff-claim");
});

test("no page error, no console error", () => {
  assert.deepEqual(errors, []);
});
