// 柔軟利用: the week calendar of places left (the WebAssembly component of bindings-wasm, working from the
// household's view, GET /api/view), filling the booking form below it. The form works without it.
import { mountCalendar } from "/static/calendar.js";

const root = document.getElementById("calendar");
const form = document.getElementById("booking-form");
const field = (name) => form.querySelector(`[name="${name}"]`);

async function start() {
  const { facility, child, week, from, days } = root.dataset;
  const [tsuen, view] = await Promise.all([
    import("/static/pkg/tsuen_wasm.js").then(async (m) => {
      await m.default({ module_or_path: "/static/pkg/tsuen_wasm_bg.wasm" });
      return m;
    }),
    fetch(`/api/view?from=${from}&days=${days}&facility=${encodeURIComponent(facility)}`, { credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json();
      }),
  ]);
  const world = tsuen.World.fromView(view);
  const chosen = field("child").value || child || view.children[0]?.id;
  const cal = mountCalendar(root, { tsuen, world, view, facility, child: chosen, week });
  field("child").addEventListener("change", () => field("child").value && cal.setChild(field("child").value));
  root.addEventListener("tsuen-select", (e) => {
    const { request } = e.detail;
    field("date").value = request.date;
    field("from").value = request.from;
    field("to").value = request.to;
  });
  root.dataset.ready = "true";
}

start().catch((e) => {
  root.dataset.ready = "error";
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = `空き状況カレンダーを表示できません（${e.message}）。下の欄に日付と時間を入力して予約できます。`;
  root.replaceChildren(p);
});
