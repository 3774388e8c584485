// Typed use of the Node package, checked with `tsc --strict --noEmit` (tests/tsconfig.json): the types
// are real (requests, setups and results are checked; wrong values are refused), and nothing is `any`.
import {
  World,
  isTsuenError,
  messageJa,
  runScenario,
  type BookRequest,
  type BookingStatus,
  type CalendarMap,
  type DryRun,
  type ErrorCode,
  type HouseholdView,
  type ScenarioResult,
  type Setup,
  type Snapshot,
  type Usage,
} from "../pkg/node/tsuen_wasm.js";

const setup: Setup = {
  today: "2026-01-13T09:00",
  municipalities: [{ code: "131016", name: "千代田区", prefecture: "東京都", online: true, rules: { lead_days: 7 } }],
  facilities: [
    {
      id: "daredemo",
      name: "誰でもこども園",
      municipality: "131016",
      kinds: ["flexible"],
      hours: { mon: ["07:00", "19:00"], sat: ["08:00", "13:00"] },
      capacity: [{ days: ["mon"], from: "07:00", to: "19:00", flexible: 3 }],
      age_limits: { flexible: { "0": 1 } },
    },
  ],
  children: [
    {
      id: "jiro",
      parent: "tanaka",
      name: "たなかじろう",
      birth_date: "2024-05-01",
      municipality: "131016",
      certified: ["2025-04-01", "2026-03-31"],
      fee_class: "standard",
      approvals: [{ facility: "daredemo", interview_date: "2025-12-01" }],
    },
  ],
};

const world: World = World.fromSetup(setup);
const request: BookRequest = {
  id: "f1",
  child: "jiro",
  facility: "daredemo",
  kind: "flexible",
  date: "2026-01-26",
  from: "10:00",
  to: "12:00",
};
const status: BookingStatus = world.book(request);
const dry: DryRun = world.dryRun({ ...request, id: "f2" });
const codes: ErrorCode[] = dry.codes;
const cells: Int16Array = world.calendarFast("daredemo", "2026-01-26", 7, "jiro");
const map: CalendarMap = world.calendar({ facility: "daredemo", from: "2026-01-26", days: 7 });
const places: number | undefined = map["2026-01-26"]?.["10:00"];
const usage: Usage = world.usage("jiro", "2026-01");
const left: number = usage.left_minutes;
const view: HouseholdView = world.householdView({ parent: "tanaka", from: "2026-01-12", days: 30 });
const mine: World = World.fromView(view);
const saved: Snapshot = world.save();
const again: World = World.restore(saved);
const result: ScenarioResult = runScenario(JSON.stringify({ name: "empty", ...setup, steps: [] }));
const failed: number = result.failed;

try {
  world.check(request);
} catch (e: unknown) {
  if (isTsuenError(e)) {
    const first: ErrorCode | undefined = e.codes[0];
    const text: string = first ? messageJa(first) : e.message;
    const detail: string | null = e.detail;
    console.log(text, detail, e.name satisfies "TsuenError");
  }
}

// Wrong values do not type-check:
// @ts-expect-error: "weekly" is not a kind
const badKind: BookRequest = { ...request, kind: "weekly" };
// @ts-expect-error: a request needs its facility
const missing: BookRequest = { id: "x", child: "jiro", kind: "flexible", date: "2026-01-26", from: "10:00", to: "11:00" };
// @ts-expect-error: not a code of SPEC.md
messageJa("too_late");
// @ts-expect-error: places are numbers, not strings
const wrongPlaces: string = cells[0];
// @ts-expect-error: hours are [from, to] pairs by weekday
const badHours: Setup["facilities"][number]["hours"] = { monday: ["07:00", "19:00"] };

console.log(status, codes, places, left, failed, badKind, missing, wrongPlaces, badHours);
for (const w of [world, mine, again]) w.free();
