/** A date, `YYYY-MM-DD`. */
export type DateString = string;
/** A time of day, `HH:MM`, `00:00` to `24:00` (bands on `:00` or `:30`). */
export type TimeString = string;
/** "Now": `YYYY-MM-DD` (00:00) or `YYYY-MM-DDTHH:MM` (before 24:00). The engine never reads a clock. */
export type NowString = string;
/** A month, `YYYY-MM`. */
export type MonthString = string;

/** The stable codes of SPEC.md: the twelve rules first, then the codes of requests that cannot be judged. */
export type ErrorCode =
  | "not_certified"
  | "age_ineligible"
  | "interview_required"
  | "lead_time"
  | "beyond_horizon"
  | "facility_closed"
  | "outside_hours"
  | "kind_not_offered"
  | "no_capacity"
  | "overlap"
  | "monthly_cap"
  | "duration"
  | "invalid_request"
  | "unknown_facility"
  | "unknown_child"
  | "unknown_booking"
  | "invalid_state"
  | "not_today"
  | "duplicate_id";

/**
 * Every error this package throws: an `Error` whose `message` is the engine's Japanese message (one line
 * per code, then the detail), with the codes in SPEC's order. Test with `isTsuenError(e)`.
 */
export interface TsuenError extends Error {
  readonly name: "TsuenError";
  readonly codes: ErrorCode[];
  /** Which field was wrong and why, where known. */
  readonly detail: string | null;
}

/** True when `e` is an error thrown by this package. */
export function isTsuenError(e: unknown): e is TsuenError;

/** Booking kinds: 初回面談, 定期利用, 柔軟利用. */
export type Kind = "interview" | "regular" | "flexible";
/** The two quotas. */
export type UsageKind = "regular" | "flexible";
/** 仮予約, 予約確定, 利用中, 利用済, キャンセル, キャンセル(当日), 欠席, and an interview's outcome. */
export type BookingStatus =
  | "provisional"
  | "confirmed"
  | "in_use"
  | "completed"
  | "cancelled"
  | "cancelled_late"
  | "no_show"
  | "approved"
  | "declined";
/** 利用料の減免区分. */
export type FeeClass = "standard" | "welfare" | "tax_exempt" | "low_income" | "support_needed";
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type CancelBy = "parent" | "facility";

/** Per-hour fee reductions by fee class (given in part). */
export interface FeeReductions {
  standard?: number;
  welfare?: number;
  tax_exempt?: number;
  low_income?: number;
  support_needed?: number;
}

/** Per age class (`"0"`, `"1"`, `"2"`): payment rates, or places in an age-class limit. */
export interface ByAgeClass {
  "0"?: number;
  "1"?: number;
  "2"?: number;
}

/** A municipality's rules, given in part (SPEC.md: a missing rule takes its default). */
export interface RulesSpec {
  lead_days?: number;
  cutoff_time?: TimeString;
  horizon_days?: number;
  interview_lead_days?: number;
  interview_valid_months?: number;
  free_cancel_days?: number;
  min_booking_minutes?: number;
  /** `null`: no maximum. */
  max_booking_minutes?: number | null;
  max_regular_weeks?: number;
  fee_per_hour_yen?: number;
  monthly_cap_minutes?: number;
  fee_reductions_yen?: FeeReductions;
  payment_per_hour_yen?: ByAgeClass;
}

/** A municipality (自治体). */
export interface MunicipalitySpec {
  /** 全国地方公共団体コード, e.g. `131016`. */
  code: string;
  name: string;
  prefecture: string;
  online: boolean;
  rules?: RulesSpec;
}

/** Opening hours per weekday; a weekday left out is closed. */
export type Hours = { [D in Weekday]?: [TimeString, TimeString] };

/** Places of both quotas for some weekdays and a band (a quota left out has 0 places). */
export interface CapacityBand {
  days: Weekday[];
  from: TimeString;
  to: TimeString;
  regular?: number;
  flexible?: number;
}

/** A date override of the quotas it names. */
export interface CapacityOverride {
  date: DateString;
  from: TimeString;
  to: TimeString;
  regular?: number;
  flexible?: number;
}

/** Age-class limits per quota. */
export interface AgeLimits {
  regular?: ByAgeClass;
  flexible?: ByAgeClass;
}

/** An interview slot (面談枠). */
export interface InterviewSlot {
  date: DateString;
  from: TimeString;
  to: TimeString;
  places: number;
}

/** A facility (施設): the same object adds it or replaces it. */
export interface FacilitySpec {
  id: string;
  name: string;
  municipality: string;
  /** Default both. */
  kinds?: UsageKind[];
  hours: Hours;
  closed?: DateString[];
  closed_on_holidays?: boolean;
  fee_per_hour_yen?: number;
  capacity: CapacityBand[];
  capacity_overrides?: CapacityOverride[];
  age_limits?: AgeLimits;
  interview_slots?: InterviewSlot[];
  auto_confirm?: boolean;
  max_booking_minutes?: number;
}

/** A passed interview at a facility. */
export interface ApprovalSpec {
  facility: string;
  interview_date: DateString;
  last_use?: DateString;
}

/** A child (こども): the same object adds it or replaces it. */
export interface ChildSpec {
  id: string;
  /** The household. */
  parent?: string;
  name: string;
  birth_date: DateString;
  municipality: string;
  /** Inclusive; absent or `null`: not certified. */
  certified?: [DateString, DateString] | null;
  fee_class?: FeeClass;
  /** When replacing a child, absent keeps the approvals it has. */
  approvals?: ApprovalSpec[];
}

/** A world's setup, as at the top of a scenario file. */
export interface Setup {
  today: NowString;
  municipalities: MunicipalitySpec[];
  facilities: FacilitySpec[];
  children: ChildSpec[];
}

/** A booking request, also the value of a dry run. */
export interface BookRequest {
  /** A series' occurrences get `id#1`, `id#2`, … */
  id: string;
  child: string;
  facility: string;
  kind: Kind;
  /** The day (the first occurrence of a series). */
  date: DateString;
  from: TimeString;
  to: TimeString;
  /** Weeks of a regular series (required for `regular`, refused otherwise). */
  weeks?: number;
}

/** A booking's whole state. */
export interface BookingRecord {
  id: string;
  child: string;
  facility: string;
  kind: Kind;
  date: DateString;
  from: TimeString;
  to: TimeString;
  status: BookingStatus;
  check_in?: TimeString;
  check_out?: TimeString;
}

/** A booking cancelled, and the status it ended in. */
export interface Cancelled {
  id: string;
  status: BookingStatus;
}

/** A dry run's answer: `ok`, or the codes it would be refused with and their Japanese messages. */
export interface DryRun {
  ok: boolean;
  codes: ErrorCode[];
  /** One Japanese message per code. */
  messages: string[];
  detail: string | null;
}

export interface CalendarQuery {
  facility: string;
  from: DateString;
  days: number;
  /** A child whose age-class limit applies. */
  child?: string;
}

/** The flexible calendar, friendly form: per date, per open cell, the places left (closed cells left out). */
export type CalendarMap = Record<DateString, Record<TimeString, number>>;

export interface RegularQuery {
  facility: string;
  date: DateString;
  weeks: number;
  from: TimeString;
  to: TimeString;
  child?: string;
}

export interface SearchQuery {
  municipality: string;
  kind: UsageKind;
  date: DateString;
  from: TimeString;
  to: TimeString;
  child?: string;
}

/** A child's minutes counted against the monthly cap. */
export interface Usage {
  minutes: number;
  cap_minutes: number;
  left_minutes: number;
}

/** A facility's claim for a month. */
export interface Claim {
  total_yen: number;
  by_municipality: Record<string, number>;
  bookings: number;
}

/** A saved world (`save()` / `World.restore`). */
export interface Snapshot {
  now: NowString;
  municipalities: MunicipalitySpec[];
  facilities: FacilitySpec[];
  children: ChildSpec[];
  bookings: BookingRecord[];
}

/** What a household's view is asked for. */
export interface ViewQuery {
  parent: string;
  /** All when absent; the household's bookings' and approvals' facilities are always included. */
  facilities?: string[];
  from: DateString;
  days: number;
}

/** Interview places held in one band. */
export interface InterviewLoad {
  from: TimeString;
  to: TimeString;
  held: number;
}

/** Places held on one day at one facility by every family together (counts only). */
export interface LoadRecord {
  facility: string;
  date: DateString;
  /** 48 numbers. */
  regular: number[];
  /** 48 numbers. */
  flexible: number[];
  /** Per quota (regular, flexible), per age class (0, 1, 2): 48 numbers. */
  by_class?: [number[][], number[][]];
  interviews?: InterviewLoad[];
}

/** What a household's browser may see: the facilities, held counts, and only its own children and bookings. */
export interface HouseholdView {
  now: NowString;
  parent: string;
  municipalities: MunicipalitySpec[];
  facilities: FacilitySpec[];
  children: ChildSpec[];
  bookings: BookingRecord[];
  loads: LoadRecord[];
}

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An expectation of a scenario not met. */
export interface ScenarioFailure {
  /** The step's index, from 0. */
  step: number;
  op: string;
  expected: JsonValue;
  actual: JsonValue;
}

/** The result of a scenario file (SCENARIOS.md). */
export interface ScenarioResult {
  name: string;
  passed: number;
  failed: number;
  failures: ScenarioFailure[];
}
