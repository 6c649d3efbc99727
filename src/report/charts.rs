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
use plotters::style::{register_font, FontStyle};

use crate::catalog::ErrorKey;
use crate::sim::ScenarioReport;

/// The bundled font (Bitstream Vera license, `assets/DejaVuSans.LICENSE`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Chart width and height in pixels (SVG user units).
pub const SIZE: (u32, u32) = (1000, 560);

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
                let mut s = String::new();
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
                    let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
                    root.fill(&WHITE).expect("drawing to memory");
                    $draw(&root).expect("drawing to memory");
                    root.present().expect("drawing to memory");
                }
                encode_png(&rgb, SIZE)
            }
        }
    }};
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let mut w = enc.write_header().expect("PNG header to memory");
        w.write_image_data(rgb).expect("PNG data to memory");
    }
    out
}

/// Horizontal bars: one row per category, one bar per series in each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    /// The value axis, with its unit: "trials affected (%)".
    pub x_desc: String,
    pub categories: Vec<String>,
    /// (series name, one value per category).
    pub series: Vec<(String, Vec<f64>)>,
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
        .fold(0.0f64, f64::max);
    // with a legend, room on the right for it beside the longest bar
    let room = if k > 1 { 1.5 } else { 1.15 };
    let top = if max > 0.0 { max * room } else { 1.0 };
    let longest = b.categories.iter().map(|c| c.len()).max().unwrap_or(4);
    let mut chart = ChartBuilder::on(root)
        .caption(&b.title, (FAMILY, 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size((longest as u32 * 8 + 16).clamp(60, 420))
        .build_cartesian_2d(0.0..top, 0.0..n as f64)?;
    let cats = b.categories.clone();
    chart
        .configure_mesh()
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
        .x_desc(&b.x_desc)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let slot = 0.8 / k as f64;
    for (si, (name, values)) in b.series.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        let rects = values.iter().enumerate().map(move |(i, &v)| {
            let row = (n - 1 - i) as f64;
            let y0 = row + 0.9 - slot * (si + 1) as f64;
            Rectangle::new([(0.0, y0), (v, y0 + slot * 0.9)], colour.filled())
        });
        let drawn = chart.draw_series(rects)?;
        if k > 1 {
            drawn.label(name.as_str()).legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
            });
        }
        let texts = values.iter().enumerate().map(move |(i, &v)| {
            let row = (n - 1 - i) as f64;
            let y = row + 0.9 - slot * (si + 1) as f64 + slot * 0.45;
            Text::new(format_value(v), (v + top * 0.005, y), (FAMILY, 13))
        });
        chart.draw_series(texts)?;
    }
    if k > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FAMILY, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
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
    let root = root.titled(title, (FAMILY, 22))?;
    let areas = root.split_evenly((panels.len().max(1), 1));
    for (area, p) in areas.iter().zip(panels) {
        let x_max = p.points.iter().map(|b| b.hours).fold(0.0f64, f64::max);
        let y_top = p
            .points
            .iter()
            .map(|b| b.p99.max(b.mean))
            .chain(p.limit)
            .fold(0.0f64, f64::max);
        let y_top = if y_top > 0.0 { y_top * 1.12 } else { 1.0 };
        let mut chart = ChartBuilder::on(area)
            .caption(&p.resource, (FAMILY, 16))
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max.max(1e-9), 0.0..y_top)?;
        chart
            .configure_mesh()
            .x_desc("hours since start")
            .y_desc(&p.unit)
            .label_style((FAMILY, 12))
            .axis_desc_style((FAMILY, 13))
            .draw()?;
        let c = PALETTE[0];
        let mut band: Vec<(f64, f64)> = p.points.iter().map(|b| (b.hours, b.p99)).collect();
        band.extend(p.points.iter().rev().map(|b| (b.hours, b.p50)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))?
            .label("p50..p99 band")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.mix(0.2).filled())
            });
        chart
            .draw_series(LineSeries::new(
                p.points.iter().map(|b| (b.hours, b.mean)),
                c.stroke_width(2),
            ))?
            .label("mean")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], c.stroke_width(2)));
        let c90 = PALETTE[1];
        chart
            .draw_series(LineSeries::new(
                p.points.iter().map(|b| (b.hours, b.p90)),
                c90.stroke_width(1),
            ))?
            .label("p90")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], c90.stroke_width(1)));
        if let Some(l) = p.limit {
            chart
                .draw_series(LineSeries::new(
                    [(0.0, l), (x_max, l)],
                    LIMIT.stroke_width(2),
                ))?
                .label(format!("limit {}", format_value(l)))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], LIMIT.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FAMILY, 12))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}

/// The distribution of a value over trials (total cost): a histogram with the P50 and P95
/// marked.
pub fn distribution(title: &str, x_desc: &str, values: &[f64], format: Format) -> Vec<u8> {
    render!(format, |root: &DrawingArea<_, Shift>| draw_distribution(
        root, title, x_desc, values
    ))
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
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
    const BINS: usize = 30;
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0u32; BINS];
    for v in &sorted {
        let i = (((v - lo) / width) as usize).min(BINS - 1);
        counts[i] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1).max(1)) * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FAMILY, 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("trials")
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let c = PALETTE[0];
    chart
        .draw_series(counts.iter().enumerate().map(|(i, &n)| {
            let x0 = lo + width * i as f64;
            Rectangle::new([(x0, 0.0), (x0 + width, f64::from(n))], c.mix(0.7).filled())
        }))?
        .label("trials per bin")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.mix(0.7).filled()));
    for (name, p, colour) in [("P50", 0.5, PALETTE[1]), ("P95", 0.95, LIMIT)] {
        let v = percentile(&sorted, p);
        chart
            .draw_series(LineSeries::new(
                [(v, 0.0), (v, top)],
                colour.stroke_width(2),
            ))?
            .label(format!("{name} {}", format_value(v)))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// The spot market price over time, the bid limit as a line, interruptions marked.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotSeries {
    pub title: String,
    /// The price axis, with its unit: "price (CNY/hour)".
    pub y_desc: String,
    /// (hours since start, price).
    pub price: Vec<(f64, f64)>,
    pub limit: Option<f64>,
    /// Hours since start at which instances were interrupted.
    pub interruptions: Vec<f64>,
}

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
        .fold(0.0f64, f64::max);
    let y_top = if y_top > 0.0 { y_top * 1.2 } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(&s.title, (FAMILY, 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..y_top)?;
    chart
        .configure_mesh()
        .x_desc("hours since start")
        .y_desc(&s.y_desc)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let c = PALETTE[0];
    chart
        .draw_series(LineSeries::new(s.price.iter().copied(), c.stroke_width(2)))?
        .label("market price")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], c.stroke_width(2)));
    if let Some(l) = s.limit {
        chart
            .draw_series(LineSeries::new(
                [(0.0, l), (x_max, l)],
                LIMIT.stroke_width(2),
            ))?
            .label(format!("price limit {}", format_value(l)))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], LIMIT.stroke_width(2)));
    }
    if !s.interruptions.is_empty() {
        let m = PALETTE[3];
        chart
            .draw_series(
                s.interruptions
                    .iter()
                    .map(|&h| PathElement::new([(h, 0.0), (h, y_top)], m.stroke_width(1))),
            )?
            .label(format!("interruption ({})", s.interruptions.len()))
            .legend(move |(x, y)| {
                PathElement::new([(x + 7, y - 6), (x + 7, y + 6)], m.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// One chart of a run, in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name without extension, unique in the run: `quota-wave.failures`.
    pub stem: String,
    /// The scenario it belongs to; None for the comparison.
    pub scenario: Option<String>,
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

/// The comparison bars: per scenario, the share of trials with some failure (at least the
/// most frequent code's share; see `compare`) and the share of answers that failed.
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
    }
}

/// Every chart of a run: per scenario failures by code (when it has any) and resource use
/// (when it has a timeline); the comparison when there are several scenarios.
pub fn charts(reports: &[ScenarioReport]) -> Vec<Chart> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for r in reports {
        let mut base = slug(&r.name);
        if seen.contains(&base) {
            base = format!("{base}-{}", seen.len() + 1);
        }
        seen.push(base.clone());
        let fb = failure_bars(r);
        if !fb.categories.is_empty() {
            out.push(Chart {
                stem: format!("{base}.failures"),
                scenario: Some(r.name.clone()),
                title: fb.title.clone(),
                svg: bars(&fb, Format::Svg),
                png: bars(&fb, Format::Png),
            });
        }
        let panels = usage_panels(r, PANELS);
        if !panels.is_empty() {
            let title = format!("{}: resource use over {} trials", r.name, r.trials);
            out.push(Chart {
                stem: format!("{base}.usage"),
                scenario: Some(r.name.clone()),
                svg: usage(&title, &panels, Format::Svg),
                png: usage(&title, &panels, Format::Png),
                title,
            });
        }
    }
    if reports.len() > 1 {
        let cb = comparison_bars(reports);
        out.push(Chart {
            stem: "comparison".into(),
            scenario: None,
            title: cb.title.clone(),
            svg: bars(&cb, Format::Svg),
            png: bars(&cb, Format::Png),
        });
    }
    out
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
            interruptions: vec![3.0, 8.0],
        };
        let svg = String::from_utf8(spot(&s, Format::Svg)).unwrap();
        for want in [
            "market price",
            "price limit 0.350",
            "interruption (2)",
            "price (CNY/hour)",
        ] {
            assert!(svg.contains(want), "{want}");
        }
        assert_eq!(png_size(&spot(&s, Format::Png)), SIZE);
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
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.95), 95.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
