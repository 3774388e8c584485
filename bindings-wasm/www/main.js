// The calendar page: loads the household's view (never other families' data), builds the engine's world
// from it in the browser, and mounts the calendar component.
import init, * as tsuen from "../pkg/web/tsuen_wasm.js";
import { mountCalendar } from "./calendar.js";

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

try {
  const [view] = await Promise.all([
    fetch(params.get("view") ?? "view.json").then((r) => {
      if (!r.ok) throw new Error(`view: HTTP ${r.status}`);
      return r.json();
    }),
    init(),
  ]);
  const world = tsuen.World.fromView(view);
  const facilities = view.facilities.filter((f) => (f.kinds ?? ["regular", "flexible"]).includes("flexible"));
  const facility = params.get("facility") ?? facilities[0]?.id;
  const child = params.get("child") ?? view.children[0]?.id;
  const fSel = document.getElementById("facility");
  const cSel = document.getElementById("child");
  fSel.append(...facilities.map((f) => option(f.id, f.name)));
  cSel.append(...view.children.map((c) => option(c.id, c.name)));
  fSel.value = facility;
  cSel.value = child;
  const root = document.getElementById("calendar");
  const cal = mountCalendar(root, { tsuen, world, view, facility, child, week: params.get("week") ?? undefined });
  fSel.addEventListener("change", () => cal.setFacility(fSel.value));
  cSel.addEventListener("change", () => cal.setChild(cSel.value));
  status.textContent = `現在 ${world.now().replace("T", " ")}`;
  document.body.dataset.ready = "true";
} catch (e) {
  status.dataset.error = "";
  status.textContent = `読み込めませんでした: ${e.message}`;
  document.body.dataset.ready = "error";
  throw e;
}
