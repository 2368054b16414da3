//! The Mandelbrot set, drawn tile by tile: one closure per tile, so that
//! the pool's views, and the picture itself, say which worker drew what.
//! Tiles inside the set cost far more than tiles outside it, so how a pool
//! spreads them shows.
//!
//! ```
//! use poolscope_example_tiles::mandelbrot::{Frame, View};
//! let frame = Frame::new(64, 48, 16, View::named("full").unwrap()).unwrap();
//! assert_eq!(frame.tiles(), 12);
//! let tile = frame.render_tile(5); // RGBA, row by row
//! assert_eq!(tile.len(), 16 * 16 * 4);
//! ```

/// A part of the complex plane, and how hard to look at it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub center_re: f64,
    pub center_im: f64,
    /// How wide a span of the plane the image shows.
    pub span: f64,
    pub max_iterations: u32,
}

impl View {
    /// The views the page offers: `full` (the whole set), `seahorse` and
    /// `spiral` (zoomed in, where most pixels take many iterations).
    pub const NAMES: [&'static str; 3] = ["full", "seahorse", "spiral"];

    pub fn named(name: &str) -> Option<View> {
        let (center_re, center_im, span, max_iterations) = match name {
            "full" => (-0.75, 0.0, 3.5, 256),
            "seahorse" => (-0.7436, 0.1318, 0.03, 1_000),
            "spiral" => (-0.761_574, -0.084_759_6, 0.006, 2_000),
            _ => return None,
        };
        Some(View {
            center_re,
            center_im,
            span,
            max_iterations,
        })
    }
}

/// The smallest and largest image side, and tile side, in pixels.
pub const SIDE_RANGE: (u32, u32) = (16, 4096);
pub const TILE_RANGE: (u32, u32) = (8, 1024);

/// An image of a view, cut into square tiles (the last column and row may
/// be narrower).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub tile: u32,
    pub view: View,
}

impl Frame {
    /// Checks the sizes: sides from 16 to 4096, tiles from 8 to 1024.
    /// The message names the value and the range.
    pub fn new(width: u32, height: u32, tile: u32, view: View) -> Result<Frame, String> {
        let check = |what: &str, value: u32, (min, max): (u32, u32)| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{what} {value} is out of range: it must be from {min} to {max}"
                ))
            }
        };
        check("image width", width, SIDE_RANGE)?;
        check("image height", height, SIDE_RANGE)?;
        check("tile size", tile, TILE_RANGE)?;
        Ok(Frame {
            width,
            height,
            tile,
            view,
        })
    }

    /// `new` for a view given by name (`View::NAMES`): what the page's
    /// exports and the fallback's kernels both take.
    pub fn with_view(width: u32, height: u32, tile: u32, view: &str) -> Result<Frame, String> {
        let named =
            View::named(view).ok_or_else(|| format!("view {view:?} is not one of {}", View::NAMES.join(", ")))?;
        Frame::new(width, height, tile, named)
    }

    pub fn columns(&self) -> u32 {
        self.width.div_ceil(self.tile)
    }

    pub fn tiles(&self) -> u32 {
        self.columns() * self.height.div_ceil(self.tile)
    }

    /// Tile `index`'s column and row.
    pub fn tile_position(&self, index: u32) -> (u32, u32) {
        (index % self.columns(), index / self.columns())
    }

    /// Tile `index`'s rectangle in pixels: `(x, y, width, height)`.
    pub fn tile_rect(&self, index: u32) -> (u32, u32, u32, u32) {
        let (column, row) = self.tile_position(index);
        let (x, y) = (column * self.tile, row * self.tile);
        (x, y, self.tile.min(self.width - x), self.tile.min(self.height - y))
    }

    /// Tile `index`'s pixels, RGBA row by row: what each job computes.
    pub fn render_tile(&self, index: u32) -> Vec<u8> {
        self.render_rect(self.tile_rect(index))
    }

    /// The whole image drawn at once, the same way pixel for pixel: what a
    /// tiled render is checked against.
    pub fn render_whole(&self) -> Vec<u8> {
        self.render_rect((0, 0, self.width, self.height))
    }

    fn render_rect(&self, (x0, y0, width, height): (u32, u32, u32, u32)) -> Vec<u8> {
        let step = self.view.span / f64::from(self.width);
        let left = self.view.center_re - step * f64::from(self.width) / 2.0;
        let top = self.view.center_im - step * f64::from(self.height) / 2.0;
        let mut pixels = Vec::with_capacity((width * height * 4) as usize);
        for y in y0..y0 + height {
            let im = top + step * f64::from(y);
            for x in x0..x0 + width {
                let re = left + step * f64::from(x);
                pixels.extend_from_slice(&colour(
                    escape_time(re, im, self.view.max_iterations),
                    self.view.max_iterations,
                ));
            }
        }
        pixels
    }
}

/// How many steps of z := z² + c it takes to leave the circle of radius 2
/// (`max` if it never does: inside the set, as far as we looked).
fn escape_time(re: f64, im: f64, max: u32) -> u32 {
    let (mut x, mut y, mut steps) = (0.0f64, 0.0f64, 0);
    while steps < max && x * x + y * y <= 4.0 {
        (x, y) = (x * x - y * y + re, 2.0 * x * y + im);
        steps += 1;
    }
    steps
}

/// Black inside the set; outside, dark blue through orange to pale yellow.
fn colour(steps: u32, max: u32) -> [u8; 4] {
    if steps >= max {
        return [0, 0, 0, 255];
    }
    let t = (f64::from(steps) / f64::from(max)).sqrt();
    let channel = |value: f64| (value.clamp(0.0, 1.0) * 255.0) as u8;
    [
        channel(9.0 * (1.0 - t) * t.powi(3)),
        channel(15.0 * (1.0 - t).powi(2) * t * t),
        channel(8.5 * (1.0 - t).powi(3) * t),
        255,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_image_once_and_match_the_whole_render() {
        let frame = Frame::new(100, 70, 32, View::named("seahorse").unwrap()).unwrap();
        let whole = frame.render_whole();
        let mut assembled = vec![0u8; whole.len()];
        let mut covered = vec![0u8; (frame.width * frame.height) as usize];
        for index in 0..frame.tiles() {
            let (x0, y0, width, height) = frame.tile_rect(index);
            let pixels = frame.render_tile(index);
            for row in 0..height {
                let from = (row * width * 4) as usize;
                let to = (((y0 + row) * frame.width + x0) * 4) as usize;
                assembled[to..to + (width * 4) as usize].copy_from_slice(&pixels[from..from + (width * 4) as usize]);
                (0..width).for_each(|x| covered[((y0 + row) * frame.width + x0 + x) as usize] += 1);
            }
        }
        assert!(
            covered.iter().all(|&times| times == 1),
            "every pixel in exactly one tile"
        );
        assert!(
            assembled == whole,
            "the tiles put together are the whole render, pixel for pixel"
        );
    }

    #[test]
    fn bad_sizes_are_named_with_their_range() {
        let full = View::named("full").unwrap();
        assert_eq!(
            Frame::new(0, 100, 32, full).unwrap_err(),
            "image width 0 is out of range: it must be from 16 to 4096"
        );
        assert_eq!(
            Frame::new(100, 100, 2000, full).unwrap_err(),
            "tile size 2000 is out of range: it must be from 8 to 1024"
        );
        assert_eq!(View::named("abc"), None);
    }
}
