//! Charts as SVG and PNG bytes, drawn with plotters on its pure-Rust backends and the bundled
//! DejaVu Sans (`assets/DejaVuSans.ttf`, registered at run time), so they render on a machine
//! without system fonts or graphics libraries.
//!
//! The drawing functions take plain data (bars, bands, prices), not engine types, so the cost
//! charts can be fed from any cost model; [`charts`] turns finished [`ScenarioReport`]s into
//! the chart set `ecsim run` writes. Output is deterministic: the same data gives the same
//! bytes (no timestamps, fixed sizes, fixed colours, PNG encoded with fixed settings).

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};
use rayon::prelude::*;

use crate::catalog::ErrorKey;
use crate::cost::stats::percentile_sorted;
use crate::sim::costing::{CurrencyCosts, SpotRow};
use crate::sim::ScenarioReport;

/// The bundled font (Bitstream Vera license, `assets/DejaVuSans.LICENSE`).
pub(crate) static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Chart width and height in pixels (SVG user units).
pub const SIZE: (u32, u32) = (1000, 560);

/// Bytes reserved for a chart's SVG: the shipped scenarios' charts are 10-80 KB.
const SVG_CAPACITY: usize = 64 << 10;

/// Series colours, in order.
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];
const LIMIT: RGBColor = RGBColor(214, 39, 40);

/// The grid's colours: plotters' defaults (black at 20 % and 10 % opacity) blended over the
/// white background once, here. Opaque lines are filled as runs of pixels; translucent ones
/// were blended pixel by pixel, a fifth of the PNG charts' instructions (docs/benchmarks.md,
/// "Charts drawn for less").
const MESH_BOLD: RGBColor = RGBColor(204, 204, 204);
const MESH_LIGHT: RGBColor = RGBColor(230, 230, 230);

fn font() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            if register_font(FAMILY, style, FONT).is_err() {
                unreachable!("the bundled font parses (tested)");
            }
        }
    });
}

/// An image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// Draws with `$draw(&root)` on an SVG or bitmap backend of [`SIZE`] and returns the bytes.
macro_rules! render {
    ($format:expr, $draw:expr) => {{
        font();
        match $format {
            Format::Svg => {
                let mut s = String::with_capacity(SVG_CAPACITY);
                {
                    let root = SVGBackend::with_string(&mut s, SIZE).into_drawing_area();
                    root.fill(&WHITE).expect("drawing to memory");
                    $draw(&root).expect("drawing to memory");
                    root.present().expect("drawing to memory");
                }
                s.into_bytes()
            }
            Format::Png => {
                let mut rgb = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
                {
                    let root = super::bitmap::Png(BitMapBackend::with_buffer(&mut rgb, SIZE))
                        .into_drawing_area();
                    root.fill(&WHITE).expect("drawing to memory");
                    $draw(&root).expect("drawing to memory");
                    root.present().expect("drawing to memory");
                }
                super::bitmap::encode(&rgb, SIZE)
            }
        }
    }};
}

/// A title's font size: 22 px, smaller for long titles (scenario variants' names grow with
/// their sweep), so the title fits the chart's width (the font averages ~0.56 em per
/// character).
fn title_size(title: &str) -> u32 {
    let fit = (f64::from(SIZE.0) - 40.0) / (0.56 * title.chars().count().max(1) as f64);
    fit.clamp(12.0, 22.0) as u32
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Horizontal bars: one row per category, one bar per series in each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    /// The value axis, with its unit: "trials affected (%)".
    pub x_desc: String,
    pub categories: Vec<String>,
    /// (series name, one value per category).
    pub series: Vec<(String, Vec<f64>)>,
    /// The most the value axis can show (100 for a share in %): the axis never runs past it.
    pub axis_max: Option<f64>,
}

/// A horizontal bar chart (failures by code, comparison, cost breakdown).
pub fn bars(b: &Bars, format: Format) -> Vec<u8> {
    render!(format, |root: &DrawingArea<_, Shift>| draw_bars(root, b))
}

fn draw_bars<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, b: &Bars) -> DrawResult<DB> {
    let n = b.categories.len().max(1);
    let k = b.series.len().max(1);
    let max = b
        .series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    // the legend sits above the plot, so the bars need only room for their value labels
    let top = if max > 0.0 { max * 1.12 } else { 1.0 };
    let top = match b.axis_max {
        Some(m) if m > 0.0 => top.min(m),
        _ => top,
    };
    let (_, top) = sane_range(0.0, top);
    let root = root.titled(&b.title, (FAMILY, title_size(&b.title)))?;
    let items: Vec<(String, Mark)> = if k > 1 {
        b.series
            .iter()
            .enumerate()
            .map(|(si, (name, _))| {
                (
                    name.clone(),
                    Mark::Fill(PALETTE[si % PALETTE.len()].to_rgba()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let plot = with_legend(&root, &items)?;
    let longest = b.categories.iter().map(|c| c.len()).max().unwrap_or(4);
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size((longest as u32 * 8 + 16).clamp(60, 420))
        .build_cartesian_2d(0.0..top, 0.0..n as f64)?;
    let cats = b.categories.clone();
    chart
        .configure_mesh()
        .bold_line_style(MESH_BOLD)
        .light_line_style(MESH_LIGHT)
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .y_label_formatter(&move |y: &f64| {
            let f = y - y.floor();
            if (f - 0.5).abs() < 1e-6 {
                // rows run top to bottom
                let i = n - 1 - y.floor() as usize;
                cats.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x: &f64| format_value(*x))
        .x_desc(&b.x_desc)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let slot = 0.8 / k as f64;
    for (si, (_, values)) in b.series.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        let rects = values.iter().enumerate().map(move |(i, &v)| {
            let row = (n - 1 - i) as f64;
            let y0 = row + 0.9 - slot * (si + 1) as f64;
            Rectangle::new(
                [(0.0, y0), (within(v, 0.0, top), y0 + slot * 0.9)],
                colour.filled(),
            )
        });
        chart.draw_series(rects)?;
        let texts = values.iter().enumerate().map(move |(i, &v)| {
            let row = (n - 1 - i) as f64;
            let y = row + 0.9 - slot * (si + 1) as f64 + slot * 0.45;
            let end = within(v, 0.0, top);
            // a bar reaching the axis' end gets its label inside, in white
            let (x, style) = if end > top * 0.9 {
                (
                    end - top * 0.005,
                    TextStyle::from((FAMILY, 13).into_font())
                        .color(&WHITE)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                )
            } else {
                (
                    end + top * 0.005,
                    TextStyle::from((FAMILY, 13).into_font())
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )
            };
            Text::new(format_value(v), (x, y), style)
        });
        chart.draw_series(texts)?;
    }
    Ok(())
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A filled box.
    Fill(RGBAColor),
}

/// The height of one row of legend entries, in pixels.
const LEGEND_ROW: u32 = 22;

fn legend_font() -> TextStyle<'static> {
    TextStyle::from((FAMILY, 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center))
}

/// Each entry's (row, x): left to right, wrapping at the area's width.
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, Mark)],
) -> Vec<(u32, i32)> {
    let width = area.dim_in_pixel().0 as i32;
    let font = legend_font();
    let (mut row, mut x) = (0u32, 16i32);
    items
        .iter()
        .map(|(label, _)| {
            let text = area
                .estimate_text_size(label, &font)
                .map_or(label.len() as u32 * 8, |s| s.0) as i32;
            let w = 22 + text + 28;
            if x > 16 && x + w > width - 16 {
                row += 1;
                x = 16;
            }
            let at = (row, x);
            x += w;
            at
        })
        .collect()
}

/// Draws the legend in rows across the top of `area` and returns the area below it, so no
/// legend ever covers the data (no entries: `area` itself).
fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, Mark)],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    if items.is_empty() {
        return Ok(area.clone());
    }
    let layout = legend_layout(area, items);
    let rows = layout.iter().map(|l| l.0).max().unwrap_or(0) + 1;
    let (top, rest) = area.split_vertically(rows * LEGEND_ROW + 6);
    for ((label, mark), (row, x)) in items.iter().zip(layout) {
        let y = (row * LEGEND_ROW + LEGEND_ROW / 2) as i32 + 4;
        match *mark {
            Mark::Line(c, w) => top.draw(&PathElement::new(
                vec![(x, y), (x + 16, y)],
                c.stroke_width(w),
            ))?,
            Mark::Fill(c) => {
                top.draw(&Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()))?
            }
        }
        top.draw(&Text::new(label.clone(), (x + 22, y), legend_font()))?;
    }
    Ok(rest)
}

/// The largest magnitude an axis reaches: beyond it, plotters' tick layout loses precision
/// (or, for a non-finite range, never ends). Values past it are drawn at the edge.
pub const AXIS_LIMIT: f64 = 1e15;

/// An axis range plotters can lay out for any data: finite (NaN reads as 0, infinities and
/// magnitudes past [`AXIS_LIMIT`] are clamped), ordered, and at least a billionth of its
/// magnitude wide (so a tick step is never lost in rounding).
pub fn sane_range(lo: f64, hi: f64) -> (f64, f64) {
    let clamp = |v: f64| {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (mut lo, mut hi) = (clamp(lo), clamp(hi));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    let min_width = (lo.abs().max(hi.abs()) * 1e-9).max(1e-9);
    if hi - lo < min_width {
        let mid = lo / 2.0 + hi / 2.0;
        (lo, hi) = (mid - min_width, mid + min_width);
    }
    (lo, hi)
}

/// `v` held within `lo..=hi` (NaN at `lo`), for drawing values past a clamped axis.
fn within(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() {
        lo
    } else {
        v.clamp(lo, hi)
    }
}

fn format_value(v: f64) -> String {
    if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// One resource at one time, over the trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Hours since the scenario's start.
    pub hours: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// One resource's use over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub resource: String,
    /// The unit of use: "vCPUs", "instances", "Mbit/s", "instances in stock".
    pub unit: String,
    pub limit: Option<f64>,
    pub points: Vec<Band>,
}

/// Resource use over time: one panel per resource, stacked; mean, p90, the p50..p99 band and
/// the limit as a line.
pub fn usage(title: &str, panels: &[Panel], format: Format) -> Vec<u8> {
    render!(format, |root: &DrawingArea<_, Shift>| draw_usage(
        root, title, panels
    ))
}

fn draw_usage<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    panels: &[Panel],
) -> DrawResult<DB> {
    let root = root.titled(title, (FAMILY, title_size(title)))?;
    let c = PALETTE[0];
    let c90 = PALETTE[1];
    let mut items = vec![
        ("p50..p99 band".to_string(), Mark::Fill(c.mix(0.2))),
        ("mean".to_string(), Mark::Line(c, 2)),
        ("p90".to_string(), Mark::Line(c90, 1)),
    ];
    if panels.iter().any(|p| p.limit.is_some()) {
        items.push(("limit".to_string(), Mark::Line(LIMIT, 2)));
    }
    let root = with_legend(&root, &items)?;
    let areas = root.split_evenly((panels.len().max(1), 1));
    for (area, p) in areas.iter().zip(panels) {
        let x_max = p.points.iter().map(|b| b.hours).fold(0.0f64, f64::max);
        let y_top = p
            .points
            .iter()
            .map(|b| b.p99.max(b.mean))
            .chain(p.limit)
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let y_top = if y_top > 0.0 { y_top * 1.12 } else { 1.0 };
        let (_, x_end) = sane_range(0.0, x_max.max(1e-9));
        let (_, y_top) = sane_range(0.0, y_top);
        let at = |x: f64, y: f64| (within(x, 0.0, x_end), within(y, 0.0, y_top));
        let caption = match p.limit {
            Some(l) => format!("{} (limit {})", p.resource, format_value(l)),
            None => p.resource.clone(),
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&caption, (FAMILY, 16))
            .margin(8)
            .margin_right(20)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_end, 0.0..y_top)?;
        chart
            .configure_mesh()
            .bold_line_style(MESH_BOLD)
            .light_line_style(MESH_LIGHT)
            .x_desc("hours since start")
            .y_desc(&p.unit)
            .label_style((FAMILY, 12))
            .axis_desc_style((FAMILY, 13))
            .draw()?;
        let mut band: Vec<(f64, f64)> = p.points.iter().map(|b| at(b.hours, b.p99)).collect();
        band.extend(p.points.iter().rev().map(|b| at(b.hours, b.p50)));
        chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))?;
        chart.draw_series(LineSeries::new(
            p.points.iter().map(|b| at(b.hours, b.mean)),
            c.stroke_width(2),
        ))?;
        chart.draw_series(LineSeries::new(
            p.points.iter().map(|b| at(b.hours, b.p90)),
            c90.stroke_width(1),
        ))?;
        if let Some(l) = p.limit {
            chart.draw_series(LineSeries::new(
                [at(0.0, l), at(x_max, l)],
                LIMIT.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// The distribution of a value over trials (total cost): a histogram with the P50 and P95
/// marked (interpolated as in [`crate::cost::stats`], like the cost tables).
pub fn distribution(title: &str, x_desc: &str, values: &[f64], format: Format) -> Vec<u8> {
    render!(format, |root: &DrawingArea<_, Shift>| draw_distribution(
        root, title, x_desc, values
    ))
}

fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    values: &[f64],
) -> DrawResult<DB> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (lo, hi) = match (sorted.first(), sorted.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        (Some(&a), _) => (a - 0.5, a + 0.5),
        _ => (0.0, 1.0),
    };
    let (lo, hi) = sane_range(lo, hi);
    const BINS: usize = 30;
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0u32; BINS];
    for v in &sorted {
        let i = (((v - lo) / width) as usize).min(BINS - 1);
        counts[i] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1).max(1)) * 1.1;
    let c = PALETTE[0];
    // the percentiles of the cost summaries (costs.csv, the page), so the marks match them
    let marks: Vec<(&str, f64, RGBColor)> = if sorted.is_empty() {
        Vec::new()
    } else {
        [("P50", 0.5, PALETTE[1]), ("P95", 0.95, LIMIT)]
            .into_iter()
            .map(|(name, p, colour)| (name, percentile_sorted(&sorted, p), colour))
            .collect()
    };
    let mut items = vec![("trials per bin".to_string(), Mark::Fill(c.mix(0.7)))];
    for &(name, v, colour) in &marks {
        items.push((format!("{name} {}", format_value(v)), Mark::Line(colour, 2)));
    }
    let root = root.titled(title, (FAMILY, title_size(title)))?;
    let plot = with_legend(&root, &items)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, 0.0..top)?;
    chart
        .configure_mesh()
        .bold_line_style(MESH_BOLD)
        .light_line_style(MESH_LIGHT)
        .x_desc(x_desc)
        .y_desc("trials")
        .y_label_formatter(&|y: &f64| format_value(*y))
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    chart.draw_series(counts.iter().enumerate().map(|(i, &n)| {
        let x0 = lo + width * i as f64;
        Rectangle::new([(x0, 0.0), (x0 + width, f64::from(n))], c.mix(0.7).filled())
    }))?;
    for (_, v, colour) in marks {
        let x = within(v, lo, hi);
        chart.draw_series(LineSeries::new(
            [(x, 0.0), (x, top)],
            colour.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// The spot market price over time and the bid limit (left axis); on the right axis, the
/// share of trials interrupted by each time with its 95 % band, and the distribution of the
/// trials' first interruption times.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotSeries {
    pub title: String,
    /// The price axis, with its unit: "price (CNY/hour)".
    pub y_desc: String,
    /// (hours since start, price).
    pub price: Vec<(f64, f64)>,
    pub limit: Option<f64>,
    /// (hours since start, % of trials interrupted by then, its 95 % low, high).
    pub interrupted: Vec<(f64, f64, f64, f64)>,
    /// (from hour, to hour, % of trials first interrupted in that span).
    pub histogram: Vec<(f64, f64, f64)>,
}

/// Points of the share-interrupted curve, and bins of the interruption-time histogram.
const SPOT_POINTS: usize = 200;
const SPOT_BINS: usize = 24;

/// The spot price chart.
pub fn spot(s: &SpotSeries, format: Format) -> Vec<u8> {
    render!(format, |root: &DrawingArea<_, Shift>| draw_spot(root, s))
}

fn draw_spot<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &SpotSeries) -> DrawResult<DB> {
    let x_max = s.price.iter().map(|p| p.0).fold(0.0f64, f64::max).max(1e-9);
    let y_top = s
        .price
        .iter()
        .map(|p| p.1)
        .chain(s.limit)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let y_top = if y_top > 0.0 { y_top * 1.15 } else { 1.0 };
    let (_, x_max) = sane_range(0.0, x_max);
    let (_, y_top) = sane_range(0.0, y_top);
    let at = |x: f64, y: f64| (within(x, 0.0, x_max), within(y, 0.0, y_top));
    let (c, hist, curve) = (PALETTE[0], PALETTE[3], PALETTE[2]);
    let mut items = vec![("market price".to_string(), Mark::Line(c, 2))];
    if let Some(l) = s.limit {
        items.push((
            format!("price limit {}", format_value(l)),
            Mark::Line(LIMIT, 2),
        ));
    }
    if !s.histogram.is_empty() {
        items.push((
            "first interruption times (% of trials per bin)".to_string(),
            Mark::Fill(hist.mix(0.35)),
        ));
    }
    if !s.interrupted.is_empty() {
        items.push((
            "trials interrupted by then (95% band)".to_string(),
            Mark::Line(curve, 2),
        ));
    }
    let root = root.titled(&s.title, (FAMILY, title_size(&s.title)))?;
    let plot = with_legend(&root, &items)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .right_y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..y_top)?;
    chart
        .configure_mesh()
        .bold_line_style(MESH_BOLD)
        .light_line_style(MESH_LIGHT)
        .x_desc("hours since start")
        .y_desc(&s.y_desc)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    chart.draw_series(LineSeries::new(
        s.price.iter().map(|&(x, y)| at(x, y)),
        c.stroke_width(2),
    ))?;
    if let Some(l) = s.limit {
        chart.draw_series(LineSeries::new(
            [at(0.0, l), at(x_max, l)],
            LIMIT.stroke_width(2),
        ))?;
    }
    let mut chart = chart.set_secondary_coord(0.0..x_max, 0.0..100.0);
    chart
        .configure_secondary_axes()
        .y_desc("% of trials")
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let pc = |x: f64, y: f64| (within(x, 0.0, x_max), within(y, 0.0, 100.0));
    if !s.histogram.is_empty() {
        chart.draw_secondary_series(
            s.histogram
                .iter()
                .map(|&(a, b, v)| Rectangle::new([pc(a, 0.0), pc(b, v)], hist.mix(0.35).filled())),
        )?;
    }
    if !s.interrupted.is_empty() {
        let band: Vec<(f64, f64)> = s
            .interrupted
            .iter()
            .map(|&(h, _, lo, _)| pc(h, lo))
            .chain(s.interrupted.iter().rev().map(|&(h, _, _, hi)| pc(h, hi)))
            .collect();
        chart
            .draw_secondary_series(std::iter::once(Polygon::new(band, curve.mix(0.2).filled())))?;
        chart.draw_secondary_series(LineSeries::new(
            s.interrupted.iter().map(|&(h, v, _, _)| pc(h, v)),
            curve.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// What a chart shows. The page puts a scenario's cost charts in its Costs section and the
/// others in its Charts section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{scenario}.failures`
    Failures,
    /// `{scenario}.usage`
    Usage,
    /// `{scenario}.cost-distribution[-{currency}]`
    CostDistribution,
    /// `{scenario}.cost-breakdown[-{currency}]`
    CostBreakdown,
    /// `{scenario}.spot-{n}`
    Spot,
    /// `comparison`
    Comparison,
    /// `comparison-cost`
    ComparisonCost,
}

impl Kind {
    /// Whether the chart belongs with the costs.
    pub fn is_cost(self) -> bool {
        matches!(
            self,
            Kind::CostDistribution | Kind::CostBreakdown | Kind::Spot | Kind::ComparisonCost
        )
    }
}

/// One chart of a run, in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name without extension, unique in the run: `quota-wave.failures`.
    pub stem: String,
    pub kind: Kind,
    /// The index of the scenario's report it belongs to, in the reports given to
    /// [`charts`]; None for the comparison. An index, not a name: names can collide once
    /// made into file names.
    pub scenario: Option<usize>,
    pub title: String,
    pub svg: Vec<u8>,
    pub png: Vec<u8>,
}

/// A scenario name as a file name: letters, digits, `.`, `-` and `_` kept, runs of anything
/// else become one `-` (`web[Amount=5]` -> `web-Amount-5`).
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-') {
            s.push(ch);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let t = s.trim_matches('-');
    if t.is_empty() {
        "scenario".into()
    } else {
        t.into()
    }
}

/// Whether a code is a failure (a passing dry run answers DryRunOperation, which is not).
pub fn is_failure(k: ErrorKey) -> bool {
    k != ErrorKey::DryRunOperation
}

/// The failures-by-code bars of one scenario: share of trials in which some request got
/// each code.
pub fn failure_bars(r: &ScenarioReport) -> Bars {
    let codes: Vec<_> = r.codes.iter().filter(|c| is_failure(c.key)).collect();
    Bars {
        title: format!("{}: failures by error code", r.name),
        x_desc: "trials in which some request got the code (%)".into(),
        categories: codes
            .iter()
            .map(|c| format!("{} {}", c.key.http_status(), c.key.code()))
            .collect(),
        series: vec![(
            "trials affected".into(),
            codes
                .iter()
                .map(|c| 100.0 * f64::from(c.trials_affected) / f64::from(r.trials))
                .collect(),
        )],
        axis_max: Some(100.0),
    }
}

/// The unit of a timeline gauge, from its name (`quota:cn-hangzhou:vcpus`).
pub fn unit_of(resource: &str) -> &'static str {
    match resource.split(':').next() {
        Some("quota") if resource.ends_with(":vcpus") => "vCPUs",
        Some("bandwidth") => "Mbit/s",
        Some("stock") => "instances in stock",
        _ => "instances",
    }
}

/// The most constrained resources of a scenario, at most `max`: gauges with a limit by peak
/// p99 use over the limit, stock pools by how far their p50 level falls below the start
/// (a pool emptied ranks first). Ties go by name.
pub fn usage_panels(r: &ScenarioReport, max: usize) -> Vec<Panel> {
    let mut names: Vec<&str> = Vec::new();
    for p in &r.timeline {
        if !names.contains(&p.resource.as_str()) {
            names.push(&p.resource);
        }
    }
    let mut scored: Vec<(f64, Panel)> = names
        .iter()
        .map(|name| {
            let pts: Vec<_> = r.timeline.iter().filter(|p| p.resource == *name).collect();
            let limit = pts.iter().find_map(|p| p.limit).map(f64::from);
            let points: Vec<Band> = pts
                .iter()
                .map(|p| Band {
                    hours: (p.at - r.start).num_seconds() as f64 / 3600.0,
                    mean: p.mean,
                    p50: f64::from(p.p50),
                    p90: f64::from(p.p90),
                    p99: f64::from(p.p99),
                })
                .collect();
            let score = match limit {
                Some(l) if l > 0.0 => points.iter().map(|b| b.p99).fold(0.0, f64::max) / l,
                Some(_) => 0.0,
                None => {
                    let first = points.first().map_or(0.0, |b| b.p50);
                    let low = points.iter().map(|b| b.p50).fold(f64::INFINITY, f64::min);
                    if first > 0.0 {
                        1.0 - low / first
                    } else {
                        0.0
                    }
                }
            };
            (
                score,
                Panel {
                    resource: name.to_string(),
                    unit: unit_of(name).into(),
                    limit,
                    points,
                },
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.resource.cmp(&b.1.resource)));
    scored.into_iter().take(max).map(|(_, p)| p).collect()
}

/// Resource panels per usage chart.
pub const PANELS: usize = 3;

/// The comparison bars: per scenario, the share of trials with some failure (counted by the
/// engine; see `compare`) and the share of answers that failed.
pub fn comparison_bars(reports: &[ScenarioReport]) -> Bars {
    let rows = super::compare::rows(reports);
    Bars {
        title: "Scenarios compared: failures".into(),
        x_desc: "share (%)".into(),
        categories: rows.iter().map(|r| r.scenario.clone()).collect(),
        series: vec![
            (
                "trials with a failure".into(),
                rows.iter().map(|r| 100.0 * r.p_any_failure).collect(),
            ),
            (
                "answers that failed".into(),
                rows.iter().map(|r| 100.0 * r.failed_share).collect(),
            ),
        ],
        axis_max: Some(100.0),
    }
}

/// The cost breakdown of one scenario in one currency: the mean cost per trial of each
/// component, with internet under each method side by side (compute and disks are the same in
/// both series). None when every component is 0.
pub fn cost_bars(r: &ScenarioReport, c: &CurrencyCosts) -> Option<Bars> {
    let s = &c.summary;
    let fixed = [s.compute.mean, s.system_disk.mean, s.data_disks.mean];
    let traffic: Vec<f64> = fixed
        .iter()
        .copied()
        .chain([s.pay_by_traffic.mean])
        .collect();
    let bandwidth: Vec<f64> = fixed
        .iter()
        .copied()
        .chain([s.pay_by_bandwidth.mean])
        .collect();
    if traffic
        .iter()
        .chain(&bandwidth)
        .all(|v| *v == 0.0 || !v.is_finite())
    {
        return None;
    }
    let cur = c.currency.as_str();
    Some(Bars {
        title: format!(
            "{}: cost over the horizon by component ({cur}), internet under each method",
            r.name
        ),
        x_desc: format!("mean cost over the horizon ({cur})"),
        categories: ["compute", "system disk", "data disks", "internet"]
            .map(String::from)
            .to_vec(),
        series: vec![
            ("PayByTraffic".into(), traffic),
            ("PayByBandwidth".into(), bandwidth),
        ],
        axis_max: None,
    })
}

/// The spot chart of one spot group: the market price as steps (each price holds until the
/// next record, the last one to the horizon), the bid's limit, the share of all trials
/// interrupted by each time (with its 95 % interval) and the histogram of the trials' first
/// interruption times. None when the group has no trace.
pub fn spot_series(r: &ScenarioReport, row: &SpotRow) -> Option<SpotSeries> {
    let hours = |secs: i64| secs as f64 / 3600.0;
    let mut price: Vec<(f64, f64)> = Vec::with_capacity(row.trace.len() * 2 + 1);
    for p in &row.trace {
        let h = hours((p.at - r.start).num_seconds());
        if let Some(&(_, prev)) = price.last() {
            price.push((h, prev));
        }
        price.push((h, p.price));
    }
    let &(last_h, last_p) = price.last()?;
    let end = hours(r.horizon.num_seconds());
    if end > last_h {
        price.push((end, last_p));
    }
    let n = u64::from(r.trials.max(1));
    let firsts: Vec<f64> = row.first_interruptions.iter().map(|&a| hours(a)).collect();
    let (interrupted, histogram) = if end > 0.0 {
        let curve = (0..=SPOT_POINTS)
            .map(|i| {
                let h = end * i as f64 / SPOT_POINTS as f64;
                let k = firsts.partition_point(|&f| f <= h) as u64;
                let sh = crate::stats::share(k, n, crate::stats::LEVEL);
                (h, 100.0 * sh.estimate, 100.0 * sh.lo, 100.0 * sh.hi)
            })
            .collect();
        let width = end / SPOT_BINS as f64;
        let mut counts = [0u64; SPOT_BINS];
        for &f in &firsts {
            counts[((f / width) as usize).min(SPOT_BINS - 1)] += 1;
        }
        let bins = counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| {
                let a = width * i as f64;
                (a, a + width, 100.0 * c as f64 / n as f64)
            })
            .collect();
        (curve, bins)
    } else {
        (Vec::new(), Vec::new())
    };
    let g = &row.group;
    Some(SpotSeries {
        title: format!(
            "{}: spot price of {} in {}{}; interruptions over {} trials",
            r.name,
            g.instance_type,
            g.zone,
            g.label
                .as_deref()
                .map_or(String::new(), |l| format!(" ({l})")),
            r.trials
        ),
        y_desc: format!("price ({}/hour)", g.currency.as_str()),
        price,
        limit: g.bid.limit(),
        interrupted,
        histogram,
    })
}

/// Spot charts per scenario, at most (the first spot groups, in report order).
pub const SPOT_CHARTS: usize = 4;

/// The cost comparison bars: per scenario with costs, the P50 and P95 of the total cost per
/// day (the total over the horizon divided by the horizon in days, so a 2-hour and a 7-day
/// scenario compare) in the scenario's first currency (named beside the scenario when the run
/// mixes currencies). None when no scenario has costs.
pub fn comparison_cost_bars(reports: &[ScenarioReport]) -> Option<Bars> {
    let cols: Vec<(&str, f64, super::compare::CostCols)> = reports
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                super::money::days(r.horizon),
                super::compare::cost_cols(r),
            )
        })
        .filter(|(_, _, c)| c.currency.is_some())
        .collect();
    let first = cols.first()?.2.currency;
    let mixed = cols.iter().any(|(_, _, c)| c.currency != first);
    let x_desc = match first {
        Some(cur) if !mixed => format!("total cost per day ({cur})"),
        _ => "total cost per day (each scenario's currency)".into(),
    };
    let per_day = |v: Option<f64>, days: f64| v.unwrap_or(0.0) / days;
    Some(Bars {
        title: "Scenarios compared: total cost per day".into(),
        x_desc,
        categories: cols
            .iter()
            .map(|(name, _, c)| match c.currency {
                Some(cur) if mixed => format!("{name} ({cur})"),
                _ => name.to_string(),
            })
            .collect(),
        series: vec![
            (
                "cost P50".into(),
                cols.iter()
                    .map(|(_, d, c)| per_day(c.cost_p50, *d))
                    .collect(),
            ),
            (
                "cost P95".into(),
                cols.iter()
                    .map(|(_, d, c)| per_day(c.cost_p95, *d))
                    .collect(),
            ),
        ],
        axis_max: None,
    })
}

/// What to draw for one chart, borrowing the report's data; drawn in both formats by
/// [`Spec::render`].
enum Spec<'a> {
    Bars(Bars),
    Usage(String, Vec<Panel>),
    Distribution {
        title: String,
        x_desc: String,
        values: &'a [f64],
    },
    Spot(SpotSeries),
}

impl Spec<'_> {
    fn title(&self) -> &str {
        match self {
            Spec::Bars(b) => &b.title,
            Spec::Usage(t, _) => t,
            Spec::Distribution { title, .. } => title,
            Spec::Spot(s) => &s.title,
        }
    }

    fn render(&self, format: Format) -> Vec<u8> {
        match self {
            Spec::Bars(b) => bars(b, format),
            Spec::Usage(title, panels) => usage(title, panels, format),
            Spec::Distribution {
                title,
                x_desc,
                values,
            } => distribution(title, x_desc, values, format),
            Spec::Spot(s) => spot(s, format),
        }
    }
}

/// A chart to draw: where it goes and what it shows.
struct Job<'a> {
    stem: String,
    kind: Kind,
    scenario: Option<usize>,
    spec: Spec<'a>,
}

/// The cost charts of one scenario: per currency the distribution of the total per trial
/// (unless every trial cost 0) and the breakdown by component; the first currency's stems have
/// no suffix, further currencies add `-usd`. Then one spot chart per spot group with a trace,
/// at most [`SPOT_CHARTS`].
fn cost_charts<'a>(r: &'a ScenarioReport, index: usize, base: &str, out: &mut Vec<Job<'a>>) {
    let Some(costs) = &r.costs else { return };
    let scenario = Some(index);
    for (i, c) in costs.currencies.iter().enumerate() {
        let cur = c.currency.as_str();
        let suffix = if i == 0 {
            String::new()
        } else {
            format!("-{}", cur.to_ascii_lowercase())
        };
        if c.per_trial.iter().any(|v| *v != 0.0) {
            out.push(Job {
                stem: format!("{base}.cost-distribution{suffix}"),
                kind: Kind::CostDistribution,
                scenario,
                spec: Spec::Distribution {
                    title: format!(
                        "{}: total cost over the horizon ({cur}), {} trials",
                        r.name,
                        c.per_trial.len()
                    ),
                    x_desc: format!("total cost over the horizon ({cur})"),
                    values: &c.per_trial,
                },
            });
        }
        if let Some(b) = cost_bars(r, c) {
            out.push(Job {
                stem: format!("{base}.cost-breakdown{suffix}"),
                kind: Kind::CostBreakdown,
                scenario,
                spec: Spec::Bars(b),
            });
        }
    }
    let series = costs.spot.iter().filter_map(|row| spot_series(r, row));
    for (i, s) in series.take(SPOT_CHARTS).enumerate() {
        out.push(Job {
            stem: format!("{base}.spot-{}", i + 1),
            kind: Kind::Spot,
            scenario,
            spec: Spec::Spot(s),
        });
    }
}

/// Every chart of a run: per scenario failures by code (when it has any), resource use (when
/// it has a timeline) and its cost charts (when it has costs); the comparisons of failures and
/// of cost when there are several scenarios. Drawn in parallel (each chart, each format, a
/// task of the current rayon pool) and collected in this order, so the bytes do not depend on
/// the threads.
pub fn charts(reports: &[ScenarioReport]) -> Vec<Chart> {
    let mut jobs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (index, r) in reports.iter().enumerate() {
        let mut base = slug(&r.name);
        if seen.contains(&base) {
            base = format!("{base}-{}", seen.len() + 1);
        }
        seen.push(base.clone());
        let fb = failure_bars(r);
        if !fb.categories.is_empty() {
            jobs.push(Job {
                stem: format!("{base}.failures"),
                kind: Kind::Failures,
                scenario: Some(index),
                spec: Spec::Bars(fb),
            });
        }
        let panels = usage_panels(r, PANELS);
        if !panels.is_empty() {
            let title = format!("{}: resource use over {} trials", r.name, r.trials);
            jobs.push(Job {
                stem: format!("{base}.usage"),
                kind: Kind::Usage,
                scenario: Some(index),
                spec: Spec::Usage(title, panels),
            });
        }
        cost_charts(r, index, &base, &mut jobs);
    }
    if reports.len() > 1 {
        jobs.push(Job {
            stem: "comparison".into(),
            kind: Kind::Comparison,
            scenario: None,
            spec: Spec::Bars(comparison_bars(reports)),
        });
        if let Some(cc) = comparison_cost_bars(reports) {
            jobs.push(Job {
                stem: "comparison-cost".into(),
                kind: Kind::ComparisonCost,
                scenario: None,
                spec: Spec::Bars(cc),
            });
        }
    }
    jobs.into_par_iter()
        .map(|j| {
            let (svg, png) =
                rayon::join(|| j.spec.render(Format::Svg), || j.spec.render(Format::Png));
            Chart {
                title: j.spec.title().to_string(),
                stem: j.stem,
                kind: j.kind,
                scenario: j.scenario,
                svg,
                png,
            }
        })
        .collect()
}

/// Synthetic reports for the writers' tests: one scenario with costs in CNY, an internet
/// group that should switch to PayByTraffic and a spot group with two interruption times.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{DateTime, Duration, TimeDelta, Utc};

    use crate::cost::{self, BreakEven, Currency, PricePoint, SpotBid, Totals};
    use crate::request::typed::InternetChargeType;
    use crate::sim::costing::{
        CostReport, CurrencyCosts, InternetGroup, InternetRow, SpotGroup, SpotRow,
    };
    use crate::sim::ScenarioReport;

    pub fn start() -> DateTime<Utc> {
        "2026-12-01T08:00:00Z".parse().unwrap()
    }

    /// Five trials' totals: compute 30..34, disks 10 + 2, internet 550.8 as requested (3.84 if
    /// all PayByTraffic).
    pub fn currency(c: Currency, scale: f64) -> CurrencyCosts {
        let trials: Vec<Totals> = (0..5)
            .map(|i| {
                let mut t = Totals {
                    compute: (30.0 + f64::from(i)) * scale,
                    system_disk: 10.0 * scale,
                    data_disks: 2.0 * scale,
                    internet: 550.8 * scale,
                    pay_by_traffic: 3.84 * scale,
                    pay_by_bandwidth: 550.8 * scale,
                    ..Totals::default()
                };
                t.total = t.compute + t.system_disk + t.data_disks + t.internet;
                t
            })
            .collect();
        CurrencyCosts {
            prices: Default::default(),
            currency: c,
            summary: cost::summarise(&trials),
            per_trial: trials.iter().map(|t| t.total).collect(),
            interruptions: cost::summary(&mut [0.0; 5]),
        }
    }

    pub fn costs() -> CostReport {
        let at = |h: i64, price: f64| PricePoint {
            at: start() + Duration::hours(h),
            price,
        };
        CostReport {
            currencies: vec![currency(Currency::CNY, 1.0)],
            internet: vec![InternetRow {
                group: InternetGroup {
                    label: Some("web<1>".into()),
                    region: "cn-hangzhou".into(),
                    currency: Currency::CNY,
                    mbps: 50,
                    chosen: InternetChargeType::PayByBandwidth,
                    break_even: BreakEven::At(0.6375),
                },
                instances: 4.0,
                gb_out: 4.8,
                pay_by_traffic: 3.84,
                pay_by_bandwidth: 550.8,
                traffic_cheaper_share: 1.0,
            }],
            spot: vec![SpotRow {
                group: SpotGroup {
                    label: Some("batch".into()),
                    zone: "cn-hangzhou-i".into(),
                    instance_type: "ecs.g7.large".into(),
                    pool: 0,
                    bid: SpotBid::WithPriceLimit { limit: 0.3 },
                    currency: Currency::CNY,
                },
                instances: 6.0,
                interruptions: 2.5,
                interrupted_share: 0.4,
                lost_instance_hours: 7.25,
                spot_cost: 8.92,
                payg_cost: 42.42,
                trace: vec![at(0, 0.2), at(3, 0.35), at(5, 0.25)],
                sample_interruptions: vec![(3 * 3600, 4), (3 * 3600, 2), (8 * 3600, 1)],
                interrupted_trials: 2,
                first_interruptions: vec![3 * 3600, 8 * 3600],
            }],
            warnings: vec!["no price for ecs.x9.huge in cn-hangzhou".into()],
        }
    }

    pub fn report(name: &str, costs: Option<CostReport>) -> ScenarioReport {
        ScenarioReport {
            edition: Default::default(),
            stopping: None,
            name: name.into(),
            source: format!("{name}.json"),
            start: start(),
            horizon: TimeDelta::hours(12),
            trials: 5,
            seed: 1,
            requests: Default::default(),
            stats: Vec::new(),
            codes: Vec::new(),
            trials_failed: 0,
            timeline: Vec::new(),
            logs: Vec::new(),
            expectations: Vec::new(),
            costs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let dec = png::Decoder::new(bytes);
        let reader = dec.read_info().expect("PNG decodes");
        (reader.info().width, reader.info().height)
    }

    fn sample_bars() -> Bars {
        Bars {
            title: "wave: failures by error code".into(),
            x_desc: "trials affected (%)".into(),
            categories: vec![
                "403 OperationDenied.NoStock".into(),
                "400 QuotaExceed.AfterpayInstance".into(),
            ],
            series: vec![("trials affected".into(), vec![100.0, 12.5])],
            axis_max: None,
        }
    }

    #[test]
    fn the_bundled_font_parses() {
        assert!(plotters::style::register_font("probe", FontStyle::Normal, FONT).is_ok());
    }

    #[test]
    fn bars_are_valid_images_with_their_labels() {
        let b = sample_bars();
        let svg = String::from_utf8(bars(&b, Format::Svg)).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60]);
        assert!(svg.trim_end().ends_with("</svg>"));
        for want in ["OperationDenied.NoStock", "trials affected (%)", "12.5"] {
            assert!(svg.contains(want), "{want}");
        }
        assert_eq!(png_size(&bars(&b, Format::Png)), SIZE);
    }

    #[test]
    fn the_same_data_gives_the_same_bytes() {
        let b = sample_bars();
        assert_eq!(bars(&b, Format::Png), bars(&b, Format::Png));
        assert_eq!(bars(&b, Format::Svg), bars(&b, Format::Svg));
    }

    #[test]
    fn usage_has_bands_and_the_limit() {
        let pts: Vec<Band> = (0..10)
            .map(|i| Band {
                hours: f64::from(i),
                mean: f64::from(i * 10),
                p50: f64::from(i * 10),
                p90: f64::from(i * 11),
                p99: f64::from(i * 12),
            })
            .collect();
        let panels = vec![Panel {
            resource: "quota:cn-hangzhou:vcpus".into(),
            unit: "vCPUs".into(),
            limit: Some(100.0),
            points: pts,
        }];
        let svg = String::from_utf8(usage("use", &panels, Format::Svg)).unwrap();
        for want in [
            "p50..p99 band",
            "mean",
            "p90",
            "limit 100",
            "vCPUs",
            "hours since start",
        ] {
            assert!(svg.contains(want), "{want}");
        }
        assert_eq!(png_size(&usage("use", &panels, Format::Png)), SIZE);
    }

    #[test]
    fn cost_charts_draw_synthetic_data() {
        let totals: Vec<f64> = (0..200).map(|i| 100.0 + f64::from(i % 37)).collect();
        let svg = String::from_utf8(distribution(
            "total cost",
            "total cost (CNY)",
            &totals,
            Format::Svg,
        ))
        .unwrap();
        assert!(svg.contains("P50") && svg.contains("P95") && svg.contains("total cost (CNY)"));
        assert_eq!(
            png_size(&distribution("t", "x", &totals, Format::Png)),
            SIZE
        );
        // one value, and none, still draw
        distribution("t", "x", &[5.0], Format::Svg);
        distribution("t", "x", &[], Format::Svg);

        let breakdown = Bars {
            title: "cost breakdown".into(),
            x_desc: "cost P50 (CNY)".into(),
            categories: vec!["instances".into(), "internet".into(), "disks".into()],
            series: vec![
                ("PayByTraffic".into(), vec![120.0, 30.5, 10.0]),
                ("PayByBandwidth".into(), vec![120.0, 55.0, 10.0]),
            ],
            axis_max: None,
        };
        let svg = String::from_utf8(bars(&breakdown, Format::Svg)).unwrap();
        assert!(svg.contains("PayByTraffic") && svg.contains("PayByBandwidth"));

        let s = SpotSeries {
            title: "spot price".into(),
            y_desc: "price (CNY/hour)".into(),
            price: (0..24)
                .map(|h| (f64::from(h), 0.2 + f64::from(h % 5) * 0.05))
                .collect(),
            limit: Some(0.35),
            interrupted: vec![(0.0, 0.0, 0.0, 3.0), (12.0, 40.0, 20.0, 60.0)],
            histogram: vec![(3.0, 4.0, 20.0), (8.0, 9.0, 20.0)],
        };
        let svg = String::from_utf8(spot(&s, Format::Svg)).unwrap();
        for want in [
            "market price",
            "price limit 0.350",
            "trials interrupted by then (95% band)",
            "first interruption times",
            "% of trials",
            "price (CNY/hour)",
        ] {
            assert!(svg.contains(want), "{want}");
        }
        assert_eq!(png_size(&spot(&s, Format::Png)), SIZE);
    }

    fn svg_of(c: &Chart) -> String {
        let svg = String::from_utf8(c.svg.clone()).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(png_size(&c.png), SIZE, "{}", c.stem);
        svg
    }

    fn find<'a>(charts: &'a [Chart], stem: &str) -> &'a Chart {
        charts
            .iter()
            .find(|c| c.stem == stem)
            .unwrap_or_else(|| panic!("no chart {stem}"))
    }

    #[test]
    fn a_scenario_with_costs_gets_its_cost_charts() {
        let r = fixtures::report("web tier", Some(fixtures::costs()));
        let all = charts(std::slice::from_ref(&r));
        let stems: Vec<&str> = all.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(
            stems,
            [
                "web-tier.cost-distribution",
                "web-tier.cost-breakdown",
                "web-tier.spot-1"
            ]
        );
        assert!(all
            .iter()
            .all(|c| c.kind.is_cost() && c.scenario == Some(0)));

        let d = svg_of(find(&all, "web-tier.cost-distribution"));
        // totals 592.8 .. 596.8: P50 594.8, P95 596.6 (interpolated), drawn rounded
        for want in [
            "web tier: total cost over the horizon (CNY), 5 trials",
            "total cost over the horizon (CNY)",
            "P50 595",
            "P95 597",
            "trials per bin",
        ] {
            assert!(d.contains(want), "distribution lacks {want}");
        }

        let b = svg_of(find(&all, "web-tier.cost-breakdown"));
        for want in [
            "PayByTraffic",
            "PayByBandwidth",
            "compute",
            "system disk",
            "data disks",
            "internet",
            "mean cost over the horizon (CNY)",
            "\n551\n",
            "\n3.8\n",
        ] {
            assert!(b.contains(want), "breakdown lacks {want}");
        }

        let sp = svg_of(find(&all, "web-tier.spot-1"));
        for want in [
            "ecs.g7.large in cn-hangzhou-i (batch)",
            "price (CNY/hour)",
            "market price",
            "price limit 0.300",
            "trials interrupted by then (95% band)",
            "interruptions over 5 trials",
        ] {
            assert!(sp.contains(want), "spot chart lacks {want}");
        }
    }

    #[test]
    fn cost_bars_put_internet_under_each_method_beside_the_same_compute_and_disks() {
        let r = fixtures::report("x", None);
        let b = cost_bars(&r, &fixtures::currency(crate::cost::Currency::CNY, 1.0)).unwrap();
        assert_eq!(
            b.categories,
            ["compute", "system disk", "data disks", "internet"]
        );
        assert_eq!(b.series[0].0, "PayByTraffic");
        assert_eq!(b.series[1].0, "PayByBandwidth");
        assert_eq!(b.series[0].1[..3], b.series[1].1[..3]);
        assert_eq!(b.series[0].1[0], 32.0);
        assert_eq!(b.series[0].1[3], 3.84);
        assert_eq!(b.series[1].1[3], 550.8);
        assert!(cost_bars(&r, &fixtures::currency(crate::cost::Currency::CNY, 0.0)).is_none());
    }

    #[test]
    fn costs_off_or_all_zero_draw_no_cost_chart_and_a_second_currency_gets_a_suffix() {
        use crate::cost::Currency;
        assert!(charts(&[fixtures::report("a", None)]).is_empty());

        let mut c = fixtures::costs();
        c.currencies = vec![
            fixtures::currency(Currency::CNY, 0.0),
            fixtures::currency(Currency::USD, 0.1),
        ];
        c.spot.clear();
        let all = charts(&[fixtures::report("a", Some(c))]);
        let stems: Vec<&str> = all.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(stems, ["a.cost-distribution-usd", "a.cost-breakdown-usd"]);
        assert!(svg_of(&all[0]).contains("total cost over the horizon (USD)"));
    }

    #[test]
    fn spot_prices_are_steps_to_the_horizon_with_each_interruption_time_once() {
        let r = fixtures::report("x", None);
        let mut row = fixtures::costs().spot.remove(0);
        let s = spot_series(&r, &row).unwrap();
        assert_eq!(
            s.price,
            [
                (0.0, 0.2),
                (3.0, 0.2),
                (3.0, 0.35),
                (5.0, 0.35),
                (5.0, 0.25),
                (12.0, 0.25)
            ]
        );
        assert_eq!(s.limit, Some(0.3));
        // Two of the five trials interrupted, first at 3 h and 8 h: 0 % before 3 h, 20 % from
        // 3 h, 40 % from 8 h to the horizon (12 h), each with its interval; 24 bins of 0.5 h.
        let at = |h: f64| s.interrupted.iter().find(|p| p.0 >= h).unwrap();
        assert_eq!(at(2.9).1, 0.0);
        assert_eq!(at(3.0).1, 20.0);
        assert_eq!(at(8.0).1, 40.0);
        let last = s.interrupted.last().unwrap();
        assert_eq!(last.0, 12.0);
        let want = crate::stats::share(2, 5, 0.95);
        assert!((last.2 - 100.0 * want.lo).abs() < 1e-9 && (last.3 - 100.0 * want.hi).abs() < 1e-9);
        assert_eq!(s.histogram, [(3.0, 3.5, 20.0), (8.0, 8.5, 20.0)]);
        assert!(
            s.title.ends_with("interruptions over 5 trials"),
            "{}",
            s.title
        );
        row.group.bid = crate::cost::SpotBid::WithPriceLimit {
            limit: f64::INFINITY,
        };
        assert_eq!(spot_series(&r, &row).unwrap().limit, None);
        row.group.bid = crate::cost::SpotBid::AsPriceGo;
        assert_eq!(spot_series(&r, &row).unwrap().limit, None);
        row.trace.clear();
        assert!(spot_series(&r, &row).is_none());
    }

    #[test]
    fn several_scenarios_compare_their_cost_when_one_has_costs() {
        let with = fixtures::report("priced", Some(fixtures::costs()));
        let without = fixtures::report("unpriced", None);
        let all = charts(&[with.clone(), without.clone()]);
        let cc = find(&all, "comparison-cost");
        assert_eq!(cc.kind, Kind::ComparisonCost);
        assert_eq!(cc.scenario, None);
        let svg = svg_of(cc);
        for want in ["cost P50", "cost P95", "priced", "total cost per day (CNY)"] {
            assert!(svg.contains(want), "comparison-cost lacks {want}");
        }
        assert!(
            !svg.contains("unpriced"),
            "a scenario without costs is left out"
        );
        let b = comparison_cost_bars(&[with, without.clone()]).unwrap();
        // per day: the fixture's horizon is 12 hours
        assert_eq!(b.series[0].1, [1189.6]);
        assert_eq!(b.series[1].1, [1193.2]);
        let both_off = charts(&[without.clone(), without]);
        assert!(both_off.iter().all(|c| c.stem != "comparison-cost"));
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("quota-wave"), "quota-wave");
        assert_eq!(
            slug("web[InternetMaxBandwidthOut=5]"),
            "web-InternetMaxBandwidthOut-5"
        );
        assert_eq!(slug("[]"), "scenario");
    }

    #[test]
    fn the_distribution_marks_the_percentiles_of_the_cost_tables() {
        // 1..=100: interpolated P95 is 95.05 (nearest rank would say 95)
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let svg = String::from_utf8(distribution("t", "x", &v, Format::Svg)).unwrap();
        let s = crate::cost::summary(&mut v.clone());
        assert_eq!((s.p50, s.p95), (50.5, 95.05));
        assert!(
            svg.contains("P50 50.5") && svg.contains("P95 95.0"),
            "{svg}"
        );
        assert!(!String::from_utf8(distribution("t", "x", &[], Format::Svg))
            .unwrap()
            .contains("P50"));
    }

    #[test]
    fn charts_of_huge_or_infinite_values_finish() {
        // A spot price of 1e308 (x 1.2 is infinite) looped for ever in plotters' axis layout.
        let s = SpotSeries {
            title: "spot".into(),
            y_desc: "price (CNY/hour)".into(),
            price: vec![(0.0, 0.1), (1.0, 1.7e308), (2.0, f64::NAN), (3.0, 0.1)],
            limit: Some(f64::INFINITY),
            interrupted: vec![(1.0, 50.0, f64::NAN, f64::INFINITY)],
            histogram: vec![(1.0, f64::INFINITY, 1e308)],
        };
        assert!(!spot(&s, Format::Svg).is_empty());
        let b = Bars {
            title: "costs".into(),
            x_desc: "CNY".into(),
            categories: vec!["compute".into(), "disks".into()],
            series: vec![("mean".into(), vec![f64::INFINITY, 1e300])],
            axis_max: None,
        };
        assert!(!bars(&b, Format::Svg).is_empty());
        let d = distribution(
            "cost",
            "CNY",
            &[-1e308, 1e308, 1e15, 1e15 + 1.0],
            Format::Svg,
        );
        assert!(!d.is_empty());
        let p = Panel {
            resource: "vCPUs".into(),
            unit: "vCPUs".into(),
            limit: Some(f64::INFINITY),
            points: vec![Band {
                hours: 0.0,
                mean: 1e308,
                p50: f64::NAN,
                p90: 1.0,
                p99: f64::INFINITY,
            }],
        };
        assert!(!usage("use", &[p], Format::Png).is_empty());
    }

    #[test]
    fn axis_ranges_are_finite_ordered_and_wide_enough() {
        assert_eq!(sane_range(0.0, f64::INFINITY), (0.0, AXIS_LIMIT));
        assert_eq!(sane_range(f64::NAN, 1.0), (0.0, 1.0));
        assert_eq!(sane_range(2.0, 1.0), (1.0, 2.0));
        let (lo, hi) = sane_range(1e14, 1e14);
        assert!(hi - lo >= 1e5 && lo < 1e14 && hi > 1e14, "{lo} {hi}");
        assert_eq!(sane_range(0.0, 5.0), (0.0, 5.0));
    }
}
