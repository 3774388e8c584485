//! Municipal rules: the wire form (given in part, defaults for the rest) and the resolved form.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;

/// A child's fee class (利用料の減免区分).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeClass {
    /// No reduction.
    #[default]
    Standard,
    /// 生活保護世帯.
    Welfare,
    /// 住民税非課税世帯.
    TaxExempt,
    /// 所得割 < 77,101 yen.
    LowIncome,
    /// 要支援・要保護.
    SupportNeeded,
}

impl FeeClass {
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Per-hour fee reductions by fee class, given in part.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FeeReductions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welfare: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_exempt: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_income: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_needed: Option<u32>,
}

/// Payment per child-hour by age class (公定価格), given in part.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRates {
    /// Age class 0.
    #[serde(rename = "0", default, skip_serializing_if = "Option::is_none")]
    pub age0: Option<u32>,
    /// Age class 1.
    #[serde(rename = "1", default, skip_serializing_if = "Option::is_none")]
    pub age1: Option<u32>,
    /// Age class 2.
    #[serde(rename = "2", default, skip_serializing_if = "Option::is_none")]
    pub age2: Option<u32>,
}

/// A municipality's rules as given: every rule optional, a missing one takes its default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSpec {
    /// Days of lead time for a usage booking (default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_days: Option<u32>,
    /// Time of day of the deadlines (default 24:00).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff_time: Option<Clock>,
    /// How far ahead a day may be booked (default 62).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<u32>,
    /// Days of lead time for an interview (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview_lead_days: Option<u32>,
    /// Months an approval stays valid after the later of the interview and the last use (default 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview_valid_months: Option<u32>,
    /// A parent's cancellation before (D − this) at the cut-off is free (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_cancel_days: Option<u32>,
    /// Shortest booking in minutes (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_booking_minutes: Option<u32>,
    /// Longest booking, and longest total per child, facility and day, in minutes (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_booking_minutes: Option<u32>,
    /// Most occurrences in a regular series (default 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_regular_weeks: Option<u32>,
    /// Hourly fee in yen (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_per_hour_yen: Option<u32>,
    /// Per child, per month, in minutes (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cap_minutes: Option<u32>,
    /// Per-hour reductions by fee class.
    #[serde(default, skip_serializing_if = "is_default")]
    pub fee_reductions_yen: FeeReductions,
    /// Payment per child-hour by age class.
    #[serde(default, skip_serializing_if = "is_default")]
    pub payment_per_hour_yen: PaymentRates,
}

/// The rules of a municipality with every default filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// See [`RulesSpec::lead_days`].
    pub lead_days: u32,
    /// See [`RulesSpec::cutoff_time`].
    pub cutoff_time: Clock,
    /// See [`RulesSpec::horizon_days`].
    pub horizon_days: u32,
    /// See [`RulesSpec::interview_lead_days`].
    pub interview_lead_days: u32,
    /// See [`RulesSpec::interview_valid_months`].
    pub interview_valid_months: u32,
    /// See [`RulesSpec::free_cancel_days`].
    pub free_cancel_days: u32,
    /// See [`RulesSpec::min_booking_minutes`].
    pub min_booking_minutes: u32,
    /// See [`RulesSpec::max_booking_minutes`].
    pub max_booking_minutes: Option<u32>,
    /// See [`RulesSpec::max_regular_weeks`].
    pub max_regular_weeks: u32,
    /// See [`RulesSpec::fee_per_hour_yen`].
    pub fee_per_hour_yen: u32,
    /// See [`RulesSpec::monthly_cap_minutes`].
    pub monthly_cap_minutes: u32,
    /// Reductions, indexed by [`FeeClass`].
    pub fee_reductions_yen: [u32; 5],
    /// Payment rates, indexed by age class.
    pub payment_per_hour_yen: [u32; 3],
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            lead_days: 7,
            cutoff_time: Clock::END_OF_DAY,
            horizon_days: 62,
            interview_lead_days: 1,
            interview_valid_months: 6,
            free_cancel_days: 1,
            min_booking_minutes: 30,
            max_booking_minutes: None,
            max_regular_weeks: 13,
            fee_per_hour_yen: 300,
            monthly_cap_minutes: 600,
            fee_reductions_yen: [0, 300, 240, 210, 150],
            payment_per_hour_yen: [1700, 1400, 1400],
        }
    }
}

impl RulesSpec {
    /// Checks the values' ranges.
    ///
    /// # Errors
    /// The rule's name and what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.min_booking_minutes == Some(0) {
            return Err("min_booking_minutes: must be at least 1".into());
        }
        if self.max_regular_weeks == Some(0) {
            return Err("max_regular_weeks: must be at least 1".into());
        }
        if matches!(self.max_booking_minutes, Some(m) if m < 30) {
            return Err("max_booking_minutes: must be at least 30, or null".into());
        }
        Ok(())
    }

    /// The rules with every default filled in.
    pub fn resolve(&self) -> Rules {
        let d = Rules::default();
        let r = &self.fee_reductions_yen;
        let p = &self.payment_per_hour_yen;
        let dr = d.fee_reductions_yen;
        let dp = d.payment_per_hour_yen;
        Rules {
            lead_days: self.lead_days.unwrap_or(d.lead_days),
            cutoff_time: self.cutoff_time.unwrap_or(d.cutoff_time),
            horizon_days: self.horizon_days.unwrap_or(d.horizon_days),
            interview_lead_days: self.interview_lead_days.unwrap_or(d.interview_lead_days),
            interview_valid_months: self.interview_valid_months.unwrap_or(d.interview_valid_months),
            free_cancel_days: self.free_cancel_days.unwrap_or(d.free_cancel_days),
            min_booking_minutes: self.min_booking_minutes.unwrap_or(d.min_booking_minutes),
            max_booking_minutes: self.max_booking_minutes,
            max_regular_weeks: self.max_regular_weeks.unwrap_or(d.max_regular_weeks),
            fee_per_hour_yen: self.fee_per_hour_yen.unwrap_or(d.fee_per_hour_yen),
            monthly_cap_minutes: self.monthly_cap_minutes.unwrap_or(d.monthly_cap_minutes),
            fee_reductions_yen: [
                r.standard.unwrap_or(dr[0]),
                r.welfare.unwrap_or(dr[1]),
                r.tax_exempt.unwrap_or(dr[2]),
                r.low_income.unwrap_or(dr[3]),
                r.support_needed.unwrap_or(dr[4]),
            ],
            payment_per_hour_yen: [p.age0.unwrap_or(dp[0]), p.age1.unwrap_or(dp[1]), p.age2.unwrap_or(dp[2])],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_maps_override_only_their_keys() {
        let spec: RulesSpec =
            serde_json::from_str(r#"{"fee_reductions_yen": {"welfare": 100}, "payment_per_hour_yen": {"1": 1500}}"#)
                .unwrap();
        let r = spec.resolve();
        assert_eq!(r.fee_reductions_yen, [0, 100, 240, 210, 150]);
        assert_eq!(r.payment_per_hour_yen, [1700, 1500, 1400]);
        assert_eq!(r.lead_days, 7);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(serde_json::from_str::<RulesSpec>(r#"{"fee_reductions_yen": {"rich": 1}}"#).is_err());
        assert!(serde_json::from_str::<RulesSpec>(r#"{"lead_dayz": 1}"#).is_err());
        assert!(serde_json::from_str::<RulesSpec>(r#"{"lead_days": -1}"#).is_err());
        let s: RulesSpec = serde_json::from_str(r#"{"max_booking_minutes": 20}"#).unwrap();
        assert!(s.validate().is_err());
        let s: RulesSpec = serde_json::from_str(r#"{"max_booking_minutes": null}"#).unwrap();
        assert_eq!(s.resolve().max_booking_minutes, None);
    }
}
