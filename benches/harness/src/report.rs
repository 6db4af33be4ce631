//! The report: sections of rows "measure | anchor | anchor's figure | ours | ratio", each
//! figure a median with its spread, rendered as markdown.

use crate::measure::{figure, ratios, Sample};
use std::fmt::Write;

/// What a figure counts, which also says whether lower or higher is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    Ns,
    Us,
    Ms,
    BytesPerKey,
    BytesPerByte,
    Megabytes,
    /// Operations (queries, writes) per second: higher is better.
    PerSec,
}

impl Unit {
    fn higher_is_better(self) -> bool {
        self == Unit::PerSec
    }

    fn format(self, v: f64) -> String {
        match self {
            Unit::Ns => format!("{} ns", sig(v)),
            Unit::Us => format!("{} us", sig(v)),
            Unit::Ms => format!("{} ms", sig(v)),
            Unit::BytesPerKey => format!("{v:.2} B/key"),
            Unit::BytesPerByte => format!("{v:.1} B/byte"),
            Unit::Megabytes => format!("{v:.1} MB"),
            Unit::PerSec if v >= 1e6 => format!("{:.2}M/s", v / 1e6),
            Unit::PerSec if v >= 1e3 => format!("{:.1}k/s", v / 1e3),
            Unit::PerSec => format!("{v:.0}/s"),
        }
    }
}

/// Three significant digits at most, without exponent; thousands stay whole.
fn sig(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A figure, or why there is none (a rival without that operation, a run skipped in quick
/// mode, something not built). Never a placeholder number.
#[derive(Clone, Debug)]
pub enum Cell {
    Value(Sample),
    Missing(String),
}

impl Cell {
    fn render(&self, unit: Unit) -> String {
        match self {
            Cell::Value(s) if s.runs > 1 && s.spread() >= 0.005 => {
                format!("{} ±{:.0}%", unit.format(s.median), s.spread() * 100.0)
            }
            Cell::Value(s) => unit.format(s.median),
            Cell::Missing(why) => format!("({why})"),
        }
    }

    fn value(&self) -> Option<f64> {
        match self {
            Cell::Value(s) => Some(s.median),
            Cell::Missing(_) => None,
        }
    }
}

impl From<Sample> for Cell {
    fn from(s: Sample) -> Cell {
        Cell::Value(s)
    }
}

pub struct Row {
    pub measure: String,
    pub anchor: String,
    pub anchor_value: Cell,
    pub ours_name: String,
    pub ours: Cell,
    pub unit: Unit,
    /// ours ÷ anchor in each round, when both ran in the same rounds
    /// ([`crate::measure::Reps::rounds`]): the ratio reported is its median.
    pub paired: Option<Sample>,
}

impl Row {
    /// ours ÷ anchor, and whether that is better for us (respecting the unit's direction).
    pub fn ratio(&self) -> Option<(f64, bool)> {
        let r = match self.paired {
            Some(p) => p.median,
            None => {
                let (o, a) = (self.ours.value()?, self.anchor_value.value()?);
                if a == 0.0 {
                    return None;
                }
                o / a
            }
        };
        Some((
            r,
            if self.unit.higher_is_better() {
                r > 1.0
            } else {
                r < 1.0
            },
        ))
    }

    fn render_ratio(&self) -> String {
        let verdict = match self.ratio() {
            None => return "-".into(),
            Some((r, _)) if (0.97..=1.03).contains(&r) => format!("{r:.2} (even"),
            Some((r, true)) => format!("**{r:.2}** (better"),
            Some((r, false)) => format!("{r:.2} (worse"),
        };
        match self.paired {
            Some(p) if p.runs > 1 => format!("{verdict}; rounds {:.2}-{:.2})", p.min, p.max),
            _ => format!("{verdict})"),
        }
    }
}

pub struct Section {
    pub title: String,
    /// What was measured and how: data, sizes, settings; printed above the table.
    pub about: Vec<String>,
    pub rows: Vec<Row>,
    /// Our own figures no rival has (open time, recovery), printed under the table.
    pub notes: Vec<String>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            about: Vec::new(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn about(&mut self, line: impl Into<String>) {
        self.about.push(line.into());
    }

    pub fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }

    /// One row per anchor for `measure`, all against the same figure of ours.
    pub fn compare(
        &mut self,
        measure: &str,
        unit: Unit,
        ours: (&str, Cell),
        anchors: Vec<(&str, Cell)>,
    ) {
        for (name, cell) in anchors {
            self.rows.push(Row {
                measure: measure.to_string(),
                anchor: name.to_string(),
                anchor_value: cell,
                ours_name: ours.0.to_string(),
                ours: ours.1.clone(),
                unit,
                paired: None,
            });
        }
    }

    /// One row for `measure` whose two figures were taken in the same rounds; `paired` is
    /// ours ÷ anchor round by round ([`crate::measure::ratios`]).
    pub fn compare_paired(
        &mut self,
        measure: &str,
        unit: Unit,
        ours: (&str, Sample),
        anchor: (&str, Sample),
        paired: Sample,
    ) {
        self.rows.push(Row {
            measure: measure.to_string(),
            anchor: anchor.0.to_string(),
            anchor_value: anchor.1.into(),
            ours_name: ours.0.to_string(),
            ours: ours.1.into(),
            unit,
            paired: Some(paired),
        });
    }

    /// The row "`ours` against `anchor`" for contenders `o` and `a` of the same rounds of
    /// one-figure runs ([`crate::measure::Reps::rounds`]).
    pub fn compare_in_rounds(
        &mut self,
        measure: &str,
        unit: Unit,
        rounds: &[Vec<[f64; 1]>],
        (ours, o): (&str, usize),
        (anchor, a): (&str, usize),
    ) {
        self.compare_paired(
            measure,
            unit,
            (ours, figure(&rounds[o], 0)),
            (anchor, figure(&rounds[a], 0)),
            ratios(&rounds[o], &rounds[a], 0),
        );
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### {}\n", self.title);
        for a in &self.about {
            let _ = writeln!(s, "{a}");
        }
        if !self.about.is_empty() {
            s.push('\n');
        }
        if !self.rows.is_empty() {
            s.push_str(
                "| measure | anchor | anchor's figure | ours | our figure | ours / anchor |\n",
            );
            s.push_str("|---|---|---|---|---|---|\n");
            for r in &self.rows {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} |",
                    r.measure,
                    r.anchor,
                    r.anchor_value.render(r.unit),
                    r.ours_name,
                    r.ours.render(r.unit),
                    r.render_ratio()
                );
            }
            s.push('\n');
        }
        for n in &self.notes {
            let _ = writeln!(s, "- {n}");
        }
        if !self.notes.is_empty() {
            s.push('\n');
        }
        s
    }
}

/// Renders a figure alone (for notes).
pub fn fmt(unit: Unit, s: Sample) -> String {
    Cell::Value(s).render(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(unit: Unit, ours: f64, anchor: f64) -> Row {
        Row {
            measure: "m".into(),
            anchor: "a".into(),
            anchor_value: Sample::once(anchor).into(),
            ours_name: "o".into(),
            ours: Sample::once(ours).into(),
            unit,
            paired: None,
        }
    }

    /// The verdict follows the unit: lower time is better, higher rate is better.
    #[test]
    fn ratio_direction_follows_the_unit() {
        assert_eq!(row(Unit::Ns, 50.0, 100.0).ratio(), Some((0.5, true)));
        assert_eq!(row(Unit::Ns, 200.0, 100.0).ratio(), Some((2.0, false)));
        assert_eq!(row(Unit::PerSec, 200.0, 100.0).ratio(), Some((2.0, true)));
        assert_eq!(row(Unit::PerSec, 50.0, 100.0).ratio(), Some((0.5, false)));
        assert!(row(Unit::Ns, 1.0, 0.0).ratio().is_none());
    }

    /// A paired row reports the median of its round ratios, not the ratio of the medians,
    /// and shows how far the rounds ranged.
    #[test]
    fn paired_rows_report_the_median_round_ratio() {
        let mut s = Section::new("t");
        let ours = Sample::of(vec![100.0, 200.0, 300.0]);
        let anchor = Sample::of(vec![100.0, 100.0, 400.0]);
        let paired = Sample::of(vec![1.0, 2.0, 0.75]);
        s.compare_paired("m", Unit::PerSec, ("o", ours), ("a", anchor), paired);
        assert_eq!(s.rows[0].ratio(), Some((1.0, false)));
        let text = s.render();
        assert!(text.contains("1.00 (even; rounds 0.75-2.00)"), "{text}");
    }

    /// A missing figure renders its reason and yields no ratio, never a number.
    #[test]
    fn missing_cells_have_no_ratio() {
        let mut r = row(Unit::Ms, 1.0, 1.0);
        r.anchor_value = Cell::Missing("not built".into());
        assert!(r.ratio().is_none());
        let mut s = Section::new("t");
        s.rows.push(r);
        let text = s.render();
        assert!(text.contains("| (not built) |"), "{text}");
        assert!(text.contains("| - |"), "{text}");
    }

    #[test]
    fn spread_is_shown_only_for_repeated_runs() {
        let one = Cell::Value(Sample::once(10.0));
        assert_eq!(one.render(Unit::Ns), "10.0 ns");
        let many = Cell::Value(Sample::of(vec![9.0, 10.0, 11.0]));
        assert_eq!(many.render(Unit::Ns), "10.0 ns ±10%");
        assert_eq!(
            Cell::Value(Sample::once(1234.0)).render(Unit::PerSec),
            "1.2k/s"
        );
    }
}
