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
        for &(x, y, coverage) in coverage.iter() {
            let (x, y) = style.transform().transform(x, y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                let c = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                self.0.draw_pixel((x, y), c)?;
            }
        }
        Ok(())
    }
}

/// A text's inked pixels relative to its anchor, before rotation: `(x, y, coverage)`.
type Coverage = std::rc::Rc<[(i32, i32, f32)]>;

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
            if coverage > 0.0 {
                pixels.push((x, y, coverage));
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

    #[test]
    fn a_cached_text_has_the_pixels_of_a_fresh_layout_per_size_and_anchor() {
        let fresh = |text: &str, size: f64, anchor| {
            let mut px = Vec::new();
            for_each_pixel(text, size, anchor, |x, y, c| {
                if c > 0.0 {
                    px.push((x, y, c));
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
