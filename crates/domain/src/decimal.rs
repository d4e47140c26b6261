//! Decimal inputs, checked against the column they are written to.
//!
//! A `decimal(p, s)` column keeps `s` places and `p - s` integer digits.
//! PostgreSQL rounds a value with more places on the way in, so `0.001`
//! written to a `decimal(5,2) CHECK (x > 0)` column becomes `0.00` and
//! fails the CHECK as an internal error, and SQLite would keep the extra
//! places the other backend drops. Every decimal argument is therefore
//! checked here, with the precision and scale read from the entity's
//! column definition (generated from the migration), before it is
//! written: more places than the column keeps, more integer digits than it
//! holds, or a value outside the column's CHECK range is `BAD_USER_INPUT`
//! naming the argument. Nothing is rounded silently.

use sea_orm::{ColumnTrait, ColumnType, prelude::Decimal};

use crate::{DomainError, Result};

/// The lower end of a decimal column's CHECK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Least {
    /// `>= 0`.
    Zero,
    /// `> 0`.
    AboveZero,
}

/// `v` as a value of `col`: at most the column's scale in places, within
/// its precision, at least `least` and at most `most` (when given; the
/// column's own maximum otherwise). `name` is the argument, for the
/// message. The value is returned at the column's scale (`49.5` → `49.50`),
/// the form both backends store.
pub fn checked<C: ColumnTrait>(
    name: &str,
    col: C,
    v: Decimal,
    least: Least,
    most: Option<Decimal>,
) -> Result<Decimal> {
    let (precision, scale) = match col.def().get_column_type() {
        ColumnType::Decimal(Some((p, s))) | ColumnType::Money(Some((p, s))) => (*p, *s),
        // No declared precision: any value the type holds.
        _ => (28, 28),
    };
    let largest = column_max(precision, scale);
    let most = most.map_or(largest, |m| m.min(largest));
    let places = v.normalize().scale();
    let low_ok = match least {
        Least::Zero => v >= Decimal::ZERO,
        Least::AboveZero => v > Decimal::ZERO,
    };
    if low_ok && v <= most && places <= scale {
        let mut v = v;
        v.rescale(scale);
        return Ok(v);
    }
    let low = match least {
        Least::Zero => "at least 0",
        Least::AboveZero => "greater than 0",
    };
    Err(DomainError::BadInput(format!(
        "{name} must be {low} and at most {most}, with at most {scale} decimal places"
    )))
}

/// The largest value of a `decimal(precision, scale)`: `10^(p-s) - 10^-s`.
fn column_max(precision: u32, scale: u32) -> Decimal {
    let digits = precision.min(28);
    // `digits` nines with `scale` of them after the point.
    let nines = (0..digits).fold(0i128, |n, _| n * 10 + 9);
    Decimal::from_i128_with_scale(nines, scale.min(digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{assessment_answers, engagements, workshops};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn bounds_come_from_the_column() {
        assert_eq!(column_max(5, 2), d("999.99"));
        assert_eq!(column_max(10, 2), d("99999999.99"));
        assert_eq!(column_max(3, 2), d("9.99"));
        let weight = assessment_answers::Column::QuestionWeight;
        assert_eq!(
            checked("weight", weight, d("1.5"), Least::AboveZero, None).unwrap(),
            d("1.50")
        );
        assert_eq!(
            checked("weight", weight, d("999.99"), Least::AboveZero, None).unwrap(),
            d("999.99")
        );
        // Trailing zeros beyond the scale are not places.
        assert!(checked("weight", weight, d("2.5000"), Least::AboveZero, None).is_ok());
    }

    #[test]
    fn what_the_column_would_round_or_refuse_is_bad_input() {
        let weight = assessment_answers::Column::QuestionWeight;
        for bad in ["0.001", "0.005", "1.234", "1000", "0", "-1"] {
            let e = checked("weight", weight, d(bad), Least::AboveZero, None).unwrap_err();
            assert!(
                matches!(&e, DomainError::BadInput(m) if m.contains("weight must be greater than 0 and at most 999.99, with at most 2 decimal places")),
                "{bad}: {e:?}"
            );
        }
        let hours = engagements::Column::HoursTotal;
        assert!(checked("hoursTotal", hours, d("99999.99"), Least::AboveZero, None).is_ok());
        assert!(checked("hoursTotal", hours, d("100000"), Least::AboveZero, None).is_err());
        let price = workshops::Column::PriceAmount;
        assert!(checked("priceAmount", price, d("0"), Least::Zero, None).is_ok());
        assert!(checked("priceAmount", price, d("-0.01"), Least::Zero, None).is_err());
    }

    #[test]
    fn a_tighter_maximum_applies() {
        let weight = assessment_answers::Column::QuestionWeight;
        assert!(checked("weight", weight, d("100"), Least::AboveZero, Some(d("100"))).is_ok());
        let e = checked(
            "weight",
            weight,
            d("100.01"),
            Least::AboveZero,
            Some(d("100")),
        );
        assert!(
            matches!(&e, Err(DomainError::BadInput(m)) if m.contains("at most 100,")),
            "{e:?}"
        );
    }
}
