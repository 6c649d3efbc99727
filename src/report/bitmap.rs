//! The PNG charts' drawing backend: plotters' bitmap backend with text laid out the way the
//! SVG files place it.
//!
//! plotters' own bitmap text (its `ab_glyph` font backend, 0.3.7) draws each glyph at the pen
//! position without its left side bearing, at whole-pixel pen steps and at a smaller em than
//! the SVG's `font-size`, so `16.7` read as `16·7` and `(CNY)` as `(CN Y)`. [`Png`] forwards
//! every drawing call to [`BitMapBackend`] except text, which it lays out here with
//! `ab_glyph` from the same bundled font: fractional pen positions with kerning, each
//! glyph's outline placed by its own bounds, the em the SVG names (`size / 1.24`, as
//! plotters' SVG backend writes it) and the SVG's baselines per anchor (`dy` of `0.76em`
//! for top, `0.5ex` for centre, `-0.5ex` for bottom). Layout estimates stay plotters' own,
//! so both formats lay out the same chart.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::OnceLock;

/// The bundled font, parsed once.
fn face() -> &'static FontRef<'static> {
    static FACE: OnceLock<FontRef<'static>> = OnceLock::new();
    FACE.get_or_init(|| {
        FontRef::try_from_slice(super::charts::FONT).expect("the bundled font parses (tested)")
    })
}

/// plotters' ratio of a text style's size to the SVG em.
const EM_RATIO: f64 = 1.24;
/// DejaVu Sans' x-height over its em (1120 / 2048 units), for the SVG's `ex`.
const EX: f32 = 1120.0 / 2048.0;

/// A bitmap backend whose text matches the SVG's.
pub struct Png<'a>(pub BitMapBackend<'a>);

type Err<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Png<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), Err<'a>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), Err<'a>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Err<'a>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Err<'a>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Err<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Err<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Err<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (w, h) = self.get_size();
        let coverage = laid_out(text, style.size(), style.anchor());
        for &(x, y, level) in coverage.iter() {
            let (x, y) = style.transform().transform(x, y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                let c = BackendColor {
                    alpha: color.alpha * f64::from(level) / f64::from(COVERAGE_LEVELS),
                    rgb: color.rgb,
                };
                self.0.draw_pixel((x, y), c)?;
            }
        }
        Ok(())
    }
}

/// `rgb` (rows of `w` pixels, 3 bytes each) as PNG bytes: indexed when it has at most 256
/// colours, as a chart nearly always has, else RGB.
///
/// An index is a third of a pixel's bytes, so the filter and the compressor have a third of
/// the work, and the files shrink to under half (10.1 → 4.4 MB; docs/benchmarks.md, "Charts
/// drawn for less"). Both use fdeflate's fast mode: a quarter of the default level's encoding time.
/// The Paeth filter turns flat areas and straight lines into runs of zeros in both
/// directions: for RGB its files were 0.37x the Sub filter's, encoded in 0.55x the time.
pub fn encode(rgb: &[u8], (w, h): (u32, u32)) -> Vec<u8> {
    let indexed = palette(rgb, w as usize);
    // A chart compresses to under a tenth of its pixels: one growth at most, not a dozen.
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Paeth);
        match &indexed {
            Some((colours, _)) => {
                enc.set_color(png::ColorType::Indexed);
                enc.set_palette(colours.as_slice());
            }
            None => enc.set_color(png::ColorType::Rgb),
        }
        let mut w = enc.write_header().expect("PNG header to memory");
        let data = indexed.as_ref().map_or(rgb, |(_, idx)| idx.as_slice());
        w.write_image_data(data).expect("PNG data to memory");
    }
    out
}

/// The palette (3 bytes a colour, in order of first appearance) and each pixel's index, or
/// None past 256 colours; `w` pixels a row.
fn palette(rgb: &[u8], w: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    // Open addressing over packed colours; 1024 slots keep 256 colours under a quarter full.
    const SLOTS: usize = 1024;
    const EMPTY: u32 = u32::MAX;
    let mut keys = [EMPTY; SLOTS];
    let mut vals = [0u8; SLOTS];
    let mut colours: Vec<u8> = Vec::with_capacity(256 * 3);
    let mut index = vec![0u8; rgb.len() / 3];
    let (mut last, mut last_i) = (EMPTY, 0u8);
    let row = w * 3;
    for r in 0..rgb.len() / row {
        let pixels = &rgb[r * row..(r + 1) * row];
        // A row like the one above (a chart's margins, its bars) takes the indices above.
        if r > 0 && pixels == &rgb[(r - 1) * row..r * row] {
            index.copy_within((r - 1) * w..r * w, r * w);
            continue;
        }
        // Most pixels repeat the one before: that test is the whole work for them.
        for (px, out) in pixels.chunks_exact(3).zip(&mut index[r * w..(r + 1) * w]) {
            let key = u32::from_le_bytes([px[0], px[1], px[2], 0]);
            if key != last {
                let mut slot = (key.wrapping_mul(0x9E37_79B1) >> 22) as usize;
                loop {
                    if keys[slot] == key {
                        break;
                    }
                    if keys[slot] == EMPTY {
                        let n = colours.len() / 3;
                        if n == 256 {
                            return None;
                        }
                        keys[slot] = key;
                        vals[slot] = n as u8;
                        colours.extend_from_slice(px);
                        break;
                    }
                    slot = (slot + 1) % SLOTS;
                }
                (last, last_i) = (key, vals[slot]);
            }
            *out = last_i;
        }
    }
    Some((colours, index))
}

/// Steps of a glyph's edge coverage: 32 shades between paper and ink are more than the eye
/// tells apart at these sizes, and they keep a chart under 256 colours, so its PNG is
/// indexed ([`encode`]); ab_glyph's own 256 made nearly every chart 257 to 263 colours.
const COVERAGE_LEVELS: u8 = 32;

/// `coverage` in steps of 1 / [`COVERAGE_LEVELS`] (0: no ink).
fn level(coverage: f32) -> u8 {
    (coverage.clamp(0.0, 1.0) * f32::from(COVERAGE_LEVELS)).round() as u8
}

/// A text's inked pixels relative to its anchor, before rotation: `(x, y, level)`, the level
/// of coverage in 1..=[`COVERAGE_LEVELS`].
type Coverage = std::rc::Rc<[(i32, i32, u8)]>;

/// Texts laid out on this thread, by size and anchor, then text. Tick labels, axis names and
/// legends repeat across a run's charts; their pixels depend only on these three, so each is
/// rasterised once per thread (the same pixels, so the same bytes, whatever the threads).
type Laid = std::collections::HashMap<(u64, u8, u8), std::collections::HashMap<String, Coverage>>;

/// Texts kept per thread at most before the cache starts over (a run's distinct short labels
/// are a few hundred; each keeps about a hundred pixels a character).
const LAID_MAX: usize = 4096;

/// The longest text kept, in bytes: tick labels, units and legends repeat; titles, which
/// name their scenario, do not, and would only hold memory.
const LAID_LEN: usize = 24;

/// [`for_each_pixel`]'s pixels for `text`, from this thread's cache when it has them.
fn laid_out(text: &str, size: f64, anchor: plotters_backend::text_anchor::Pos) -> Coverage {
    thread_local! {
        static LAID: std::cell::RefCell<(Laid, usize)> = Default::default();
    }
    let h = match anchor.h_pos {
        HPos::Left => 0,
        HPos::Center => 1,
        HPos::Right => 2,
    };
    let v = match anchor.v_pos {
        VPos::Top => 0,
        VPos::Center => 1,
        VPos::Bottom => 2,
    };
    let key = (size.to_bits(), h, v);
    let fresh = || {
        let mut pixels = Vec::new();
        for_each_pixel(text, size, anchor, |x, y, coverage| {
            let l = level(coverage);
            if l > 0 {
                pixels.push((x, y, l));
            }
        });
        Coverage::from(pixels)
    };
    if text.len() > LAID_LEN {
        return fresh();
    }
    LAID.with_borrow_mut(|(laid, count)| {
        if let Some(c) = laid.get(&key).and_then(|m| m.get(text)) {
            return c.clone();
        }
        let c = fresh();
        if *count >= LAID_MAX {
            laid.clear();
            *count = 0;
        }
        *count += 1;
        laid.entry(key)
            .or_default()
            .insert(text.to_string(), c.clone());
        c
    })
}

/// Calls `f(x, y, coverage)` for every pixel of `text` drawn at a style size of `size`,
/// relative to the anchor point, before any rotation.
fn for_each_pixel(
    text: &str,
    size: f64,
    anchor: plotters_backend::text_anchor::Pos,
    mut f: impl FnMut(i32, i32, f32),
) {
    let font = face();
    let em = (size / EM_RATIO) as f32;
    let units = font.units_per_em().unwrap_or(2048.0);
    // ab_glyph scales by the font's height (ascent - descent); the SVG by its em.
    let scale = PxScale::from(em * font.height_unscaled() / units);
    let scaled = font.as_scaled(scale);
    let mut pen = 0.0f32;
    let mut placed = Vec::with_capacity(text.len());
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        placed.push((id, pen));
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    let dx = match anchor.h_pos {
        HPos::Left => 0.0,
        HPos::Center => -pen / 2.0,
        HPos::Right => -pen,
    };
    let baseline = match anchor.v_pos {
        VPos::Top => 0.76 * em,
        VPos::Center => 0.5 * EX * em,
        VPos::Bottom => -0.5 * EX * em,
    };
    for (id, x) in placed {
        let glyph = id.with_scale_and_position(scale, point(dx + x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            let (x0, y0) = (b.min.x as i32, b.min.y as i32);
            outline.draw(|x, y, c| f(x0 + x as i32, y0 + y as i32, c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes PNG bytes to RGB (palettes expanded) and the colour type as stored.
    fn decode(bytes: &[u8]) -> (Vec<u8>, png::ColorType) {
        let mut dec = png::Decoder::new(bytes);
        dec.set_transformations(png::Transformations::EXPAND);
        let mut r = dec.read_info().expect("a PNG");
        let stored = r.info().color_type;
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).expect("its pixels");
        buf.truncate(info.buffer_size());
        (buf, stored)
    }

    #[test]
    fn pngs_are_indexed_up_to_256_colours_and_rgb_past_them_with_the_same_pixels() {
        let (w, h) = (40u32, 30u32);
        for colours in [1u32, 2, 255, 256, 257, 1000] {
            let rgb: Vec<u8> = (0..w * h)
                .flat_map(|i| {
                    let c = (i * 7919) % colours;
                    [(c % 256) as u8, (c / 256) as u8, 200]
                })
                .collect();
            let (back, stored) = decode(&encode(&rgb, (w, h)));
            assert_eq!(back, rgb, "{colours} colours");
            let want = if colours <= 256 {
                png::ColorType::Indexed
            } else {
                png::ColorType::Rgb
            };
            assert_eq!(stored, want, "{colours} colours");
        }
    }

    #[test]
    fn a_cached_text_has_the_pixels_of_a_fresh_layout_per_size_and_anchor() {
        let fresh = |text: &str, size: f64, anchor| {
            let mut px = Vec::new();
            for_each_pixel(text, size, anchor, |x, y, c| {
                if level(c) > 0 {
                    px.push((x, y, level(c)));
                }
            });
            px
        };
        let left = plotters_backend::text_anchor::Pos::new(HPos::Left, VPos::Top);
        let right = plotters_backend::text_anchor::Pos::new(HPos::Right, VPos::Center);
        for _ in 0..2 {
            for (text, size, anchor) in [
                ("16.7", 14.0, left),
                ("16.7", 14.0, right),
                ("16.7", 20.0, left),
                ("(CNY)", 14.0, left),
                ("quota-wave: resource use over 200 trials", 22.0, left),
            ] {
                assert_eq!(
                    &*laid_out(text, size, anchor),
                    fresh(text, size, anchor).as_slice()
                );
            }
        }
        assert_ne!(laid_out("16.7", 14.0, left), laid_out("16.7", 14.0, right));
    }

    /// The columns with ink of `text`, left to right.
    fn ink_columns(text: &str) -> Vec<i32> {
        let mut cols = std::collections::BTreeSet::new();
        for_each_pixel(
            text,
            20.0,
            plotters_backend::text_anchor::Pos::new(HPos::Left, VPos::Top),
            |x, _, c| {
                if c > 0.3 {
                    cols.insert(x);
                }
            },
        );
        cols.into_iter().collect()
    }

    /// The lowest row with ink of `text`.
    fn bottom(text: &str) -> i32 {
        let mut low = i32::MIN;
        for_each_pixel(
            text,
            20.0,
            plotters_backend::text_anchor::Pos::new(HPos::Left, VPos::Top),
            |_, y, c| {
                if c > 0.3 {
                    low = low.max(y);
                }
            },
        );
        low
    }

    #[test]
    fn a_decimal_point_sits_on_the_baseline_of_its_digits() {
        // `16·7`: the point was drawn above the digits' baseline.
        assert!((bottom(".") - bottom("1")).abs() <= 1);
        assert!((bottom("16.7") - bottom("1")).abs() <= 1);
    }

    #[test]
    fn letters_keep_their_spacing() {
        // `(CN Y)`: a gap as wide as a space opened inside words. No run of empty columns
        // inside `CNY` is wider than 2 px at this size.
        let cols = ink_columns("CNY");
        let widest_gap = cols.windows(2).map(|w| w[1] - w[0] - 1).max().unwrap();
        assert!(widest_gap <= 2, "{cols:?}");
        // and a space does leave a gap
        let spaced = ink_columns("C Y");
        let gap = spaced.windows(2).map(|w| w[1] - w[0] - 1).max().unwrap();
        assert!(gap >= 3, "{spaced:?}");
    }
}
