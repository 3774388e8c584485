// The flexible-booking week calendar (空き状況カレンダー) of a facility: a dependency-free component on
// the tsuen WebAssembly package. Days are columns (月 火 水 …), 30-minute rows (7:00, 7:30, …); each open
// cell shows the places left in the flexible quota, closed cells are empty; days the engine would refuse
// for their date (inside the lead time or past the cut-off: 受付終了; beyond the horizon: 受付前) are
// shown as not bookable. The user picks a start cell and an end cell; the engine dry-runs the request
// and the component shows "bookable" or the refusal reasons in Japanese. Every number and every
// judgement comes from the engine (World.calendarFast, World.dryRun): nothing is computed here.
//
//   import init, * as tsuen from "../pkg/web/tsuen_wasm.js";
//   await init();
//   const world = tsuen.World.fromView(view);             // the household's view, from the server
//   const cal = mountCalendar(element, { tsuen, world, view, facility: "daredemo", child: "jiro" });
//   element.addEventListener("tsuen-select", (e) => console.log(e.detail)); // {request, result}
//
// Options: tsuen (the package's module: World, holidayName, NO_CELL is -1), world, view (for names and
// hours), facility, child, week (any date of the first week shown; default: the week of now), kind
// ("flexible"). Returns {showWeek(date), week(), destroy()}.

const SLOTS = 48;
const NO_CELL = -1;
const WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日"];
/** Ids the dry runs use: the server gives the real booking its id. */
const DRAFT_ID = "__tsuen_calendar_draft__";

/** Day arithmetic on `YYYY-MM-DD` strings (UTC, no time zone involved). */
function parseDate(s) {
  const [y, m, d] = s.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}
function fmtDate(d) {
  return d.toISOString().slice(0, 10);
}
export function addDays(s, n) {
  const d = parseDate(s);
  d.setUTCDate(d.getUTCDate() + n);
  return fmtDate(d);
}
/** Monday of the week of `s`. */
export function mondayOf(s) {
  const wd = (parseDate(s).getUTCDay() + 6) % 7; // 0 = Monday
  return addDays(s, -wd);
}
/** Slot index → `HH:MM` (the wire format); 48 → `24:00`. */
export function slotTime(slot) {
  return `${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
}
/** Slot index → the label of a row, as the seed shows it (7:00, 7:30, …). */
function slotLabel(slot) {
  return `${Math.floor(slot / 2)}:${slot % 2 ? "30" : "00"}`;
}
function dayLabel(date) {
  const d = parseDate(date);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function mountCalendar(root, options) {
  const { tsuen, world, view } = options;
  const kind = options.kind ?? "flexible";
  let facility = options.facility;
  let child = options.child;
  let monday = mondayOf(options.week ?? world.now().slice(0, 10));
  let selection = null; // {date, start, end} (slots, end inclusive) or {date, start}
  let cells = null; // Int16Array of the week shown

  const facilityName = () => view?.facilities?.find((f) => f.id === facility)?.name ?? facility;

  /** The engine's answer for a band of a day (a dry run: nothing changes). */
  function judge(date, from, to) {
    return world.dryRun({ id: DRAFT_ID, child, facility, kind, date, from: slotTime(from), to: slotTime(to) });
  }

  /** Whether the engine would refuse any booking that day for its date alone (lead time, horizon). */
  function dayStatus(d) {
    const row = cells.subarray(d * SLOTS, (d + 1) * SLOTS);
    const open = row.findIndex((v) => v !== NO_CELL);
    if (open < 0) return { open: false };
    const r = judge(addDays(monday, d), open, open + 1);
    if (r.codes.includes("lead_time")) return { open: true, bookable: false, label: "受付終了", code: "lead_time" };
    if (r.codes.includes("beyond_horizon")) {
      return { open: true, bookable: false, label: "受付前", code: "beyond_horizon" };
    }
    return { open: true, bookable: true };
  }

  function select(date, slot) {
    if (!selection || selection.end !== undefined || selection.date !== date) {
      selection = { date, start: slot };
    } else {
      const [a, b] = selection.start <= slot ? [selection.start, slot] : [slot, selection.start];
      const request = { id: DRAFT_ID, child, facility, kind, date, from: slotTime(a), to: slotTime(b + 1) };
      const result = world.dryRun(request);
      selection = { date, start: a, end: b, result };
      root.dispatchEvent(new CustomEvent("tsuen-select", { detail: { request, result }, bubbles: true }));
    }
    render();
  }

  function resultPanel() {
    if (!selection) return el("p", { class: "tsuen-hint" }, "開始の枠と終了の枠を選んでください。");
    const { date, start, end, result: r } = selection;
    const wd = WEEKDAYS[(parseDate(date).getUTCDay() + 6) % 7];
    if (end === undefined) {
      return el("p", { class: "tsuen-hint" }, `${dayLabel(date)}（${wd}）${slotLabel(start)} から：終了の枠を選んでください。`);
    }
    const band = `${dayLabel(date)}（${wd}）${slotLabel(start)}〜${slotLabel(end + 1)}`;
    if (r.ok) {
      return el("div", { class: "tsuen-result tsuen-ok", "data-result": "ok" }, el("p", {}, `${band} は予約できます。`));
    }
    return el(
      "div",
      { class: "tsuen-result tsuen-refused", "data-result": "refused" },
      el("p", {}, `${band} は予約できません。`),
      el("ul", {}, r.codes.map((code, i) => el("li", { "data-code": code }, r.messages[i]))),
    );
  }

  function render() {
    cells = world.calendarFast(facility, monday, 7, child ?? null);
    const days = [...Array(7).keys()].map((d) => ({ date: addDays(monday, d), ...dayStatus(d) }));
    let first = SLOTS;
    let last = -1;
    for (let i = 0; i < cells.length; i++) {
      if (cells[i] !== NO_CELL) {
        first = Math.min(first, i % SLOTS);
        last = Math.max(last, i % SLOTS);
      }
    }
    const head = el(
      "tr",
      {},
      el("th", { class: "tsuen-corner" }),
      days.map(({ date, open, bookable, label, code }, d) => {
        const holiday = tsuen.holidayName(date);
        const cls = [
          "tsuen-day",
          d === 6 || holiday ? "tsuen-sun" : d === 5 ? "tsuen-sat" : "",
          open ? "" : "tsuen-closed",
          open && !bookable ? "tsuen-unbookable" : "",
        ];
        return el(
          "th",
          {
            class: cls.filter(Boolean).join(" "),
            "data-date": date,
            "data-bookable": open ? String(bookable) : null,
            "data-refusal": code,
          },
          el("span", { class: "tsuen-date" }, `${dayLabel(date)}（${WEEKDAYS[d]}）`),
          holiday ? el("span", { class: "tsuen-holiday" }, holiday) : null,
          !open ? el("span", { class: "tsuen-badge" }, "休園") : label ? el("span", { class: "tsuen-badge" }, label) : null,
        );
      }),
    );
    const rows = [];
    for (let s = first; s <= last; s++) {
      rows.push(
        el(
          "tr",
          {},
          el("th", { class: "tsuen-time", scope: "row" }, slotLabel(s)),
          days.map(({ date, bookable }, d) => {
            const v = cells[d * SLOTS + s];
            if (v === NO_CELL) {
              return el("td", { class: "tsuen-cell tsuen-none", "data-date": date, "data-time": slotTime(s) });
            }
            const sel = selection && selection.date === date && s >= selection.start && s <= (selection.end ?? selection.start);
            const cls = ["tsuen-cell", v === 0 ? "tsuen-full" : "", bookable ? "" : "tsuen-unbookable", sel ? "tsuen-selected" : ""];
            return el(
              "td",
              { class: cls.filter(Boolean).join(" "), "data-date": date, "data-time": slotTime(s), "data-places": v },
              el("button", {
                type: "button",
                "aria-label": `${dayLabel(date)} ${slotLabel(s)} 残り${v}`,
                "aria-pressed": sel ? "true" : "false",
                onclick: () => select(date, s),
              }, String(v)),
            );
          }),
        ),
      );
    }
    const table = last < 0
      ? el("p", { class: "tsuen-empty" }, "この週は開所日がありません。")
      : el("table", { class: "tsuen-grid" }, el("thead", {}, head), el("tbody", {}, rows));
    root.replaceChildren(
      el(
        "div",
        { class: "tsuen-calendar" },
        el(
          "div",
          { class: "tsuen-nav" },
          el("button", { type: "button", class: "tsuen-prev", onclick: () => showWeek(addDays(monday, -7)) }, "‹ 前の週"),
          el("h2", { class: "tsuen-title" }, `${facilityName()}　${dayLabel(monday)}〜${dayLabel(addDays(monday, 6))} の空き状況`),
          el("button", { type: "button", class: "tsuen-next", onclick: () => showWeek(addDays(monday, 7)) }, "次の週 ›"),
        ),
        el("p", { class: "tsuen-legend" }, "数字は残りの枠数（柔軟利用）。空欄は休園・時間外です。"),
        table,
        el("div", { class: "tsuen-answer", "aria-live": "polite" }, resultPanel()),
      ),
    );
  }

  function showWeek(date) {
    monday = mondayOf(date);
    selection = null;
    render();
  }

  render();
  return {
    showWeek,
    week: () => monday,
    setChild(id) {
      child = id;
      selection = null;
      render();
    },
    setFacility(id) {
      facility = id;
      selection = null;
      render();
    },
    destroy() {
      root.replaceChildren();
    },
  };
}
