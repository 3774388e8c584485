// The demo household's view for the calendar page (and its tests): a world like the seed's (誰でもこども園,
// the week of 2026-01-19, now 2026-01-13 09:00, 7 days of lead time), with bookings of other families,
// seen by the household "tanaka" (child じろう). Built with the Node package: `node www/demo-view.mjs
// > www/view.json` (after build.sh) writes it for `node www/serve.mjs`.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

export const PARENT = "tanaka";
export const FACILITY = "daredemo";
export const CHILD = "jiro";

const weekdays = (from, to) => Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [from, to]]));

/** The whole demo world's setup (every family). */
export const SETUP = {
  today: "2026-01-13T09:00",
  municipalities: [
    { code: "131016", name: "千代田区", prefecture: "東京都", online: true, rules: { lead_days: 7, monthly_cap_minutes: 600 } },
  ],
  facilities: [
    {
      id: FACILITY,
      name: "誰でもこども園",
      municipality: "131016",
      kinds: ["flexible"],
      hours: { ...weekdays("07:00", "19:00"), sat: ["08:00", "13:00"] },
      closed: ["2026-02-11"],
      closed_on_holidays: true,
      capacity: [
        { days: ["mon", "tue", "wed", "thu", "fri"], from: "07:00", to: "19:00", flexible: 3 },
        { days: ["sat"], from: "08:00", to: "13:00", flexible: 2 },
      ],
      capacity_overrides: [{ date: "2026-01-23", from: "14:00", to: "16:00", flexible: 1 }],
    },
    {
      id: "toranomon",
      name: "虎ノ門幼稚園",
      municipality: "131016",
      hours: weekdays("08:00", "18:00"),
      capacity: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "18:00", regular: 2, flexible: 2 }],
    },
  ],
  children: [
    {
      id: CHILD, parent: PARENT, name: "たなかじろう", birth_date: "2024-05-01", municipality: "131016",
      certified: ["2025-04-01", "2026-03-31"],
      approvals: [{ facility: FACILITY, interview_date: "2025-12-01", last_use: "2025-12-20" }],
    },
    {
      id: "hanako", parent: "sato", name: "さとうはなこ", birth_date: "2024-09-15", municipality: "131016",
      certified: ["2025-04-01", "2026-03-31"], approvals: [{ facility: FACILITY, interview_date: "2025-12-03" }],
    },
    {
      id: "sota", parent: "suzuki", name: "すずきそうた", birth_date: "2025-03-10", municipality: "131016",
      certified: ["2025-09-10", "2026-03-31"], approvals: [{ facility: FACILITY, interview_date: "2025-12-05" }],
    },
  ],
};

/** Bookings made before the view is taken: two other families' and one of the household's own. */
export const BOOKINGS = [
  { id: "b1", child: "hanako", date: "2026-01-20", from: "11:30", to: "13:30" },
  { id: "b2", child: "sota", date: "2026-01-21", from: "09:00", to: "12:00" },
  { id: "b3", child: "hanako", date: "2026-01-21", from: "10:00", to: "11:00" },
  { id: "b4", child: "sota", date: "2026-01-23", from: "14:00", to: "15:00" },
  { id: "b5", child: CHILD, date: "2026-01-22", from: "10:00", to: "12:00" },
].map((b) => ({ ...b, facility: FACILITY, kind: "flexible" }));

/** The whole demo world (Node package). */
export function demoWorld(tsuen = require("../pkg/node/tsuen_wasm.js")) {
  const world = tsuen.World.fromSetup(SETUP);
  for (const b of BOOKINGS) world.book(b);
  return world;
}

/** The household's view: what its browser may see. */
export function demoView(tsuen) {
  const world = demoWorld(tsuen);
  try {
    return world.householdView({ parent: PARENT, from: "2026-01-12", days: 70 });
  } finally {
    world.free();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(demoView(), null, 1) + "\n");
}
