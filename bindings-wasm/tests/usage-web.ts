// Typed use of the web package (what the calendar page does), checked with `tsc --strict --noEmit`.
import init, { World, codesOf, isTsuenError, type DryRun, type ErrorCode, type HouseholdView } from "../pkg/web/tsuen_wasm.js";

export async function calendarOf(view: HouseholdView, facility: string, child: string): Promise<Int16Array> {
  await init();
  const world = World.fromView(view);
  try {
    const dry: DryRun = world.dryRun({ id: "draft", child, facility, kind: "flexible", date: "2026-01-21", from: "13:00", to: "14:30" });
    if (!dry.ok) console.log(dry.messages.join("\n"));
    const mask: number = world.checkFast("draft", child, facility, "flexible", "2026-01-21", "13:00", "14:30");
    const codes: ErrorCode[] = codesOf(mask);
    // @ts-expect-error: the kind is checked
    world.checkFast("draft", child, facility, "weekly", "2026-01-21", "13:00", "14:30");
    console.log(codes);
    return world.calendarFast(facility, "2026-01-19", 7, child);
  } catch (e: unknown) {
    if (isTsuenError(e)) console.log(e.codes);
    throw e;
  } finally {
    world.free();
  }
}

// @ts-expect-error: the web package has no book (the server books; the page dry-runs)
export const book = (w: World) => w.book;
