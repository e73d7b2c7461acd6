//! A squarified treemap (Bruls, Huizing and van Wijk): rectangles with areas proportional to
//! the values and aspect ratios near 1, laid out row by row along the shorter side.

use serde::Serialize;

/// One rectangle: the index of its value, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tile {
    pub item: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Lay out `values` (indices kept; zeros left out) in a `width` × `height` box.
pub fn squarify(values: &[u64], width: f64, height: f64) -> Vec<Tile> {
    let mut items: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .map(|(i, v)| (i, *v as f64))
        .collect();
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: f64 = items.iter().map(|i| i.1).sum();
    if total == 0.0 {
        return Vec::new();
    }
    let scale = width * height / total;
    let areas: Vec<(usize, f64)> = items.into_iter().map(|(i, v)| (i, v * scale)).collect();
    let mut tiles = Vec::new();
    let (mut x, mut y, mut w, mut h) = (0.0, 0.0, width, height);
    let mut start = 0;
    while start < areas.len() {
        let side = w.min(h);
        let mut end = start + 1;
        while end < areas.len()
            && worst(&areas[start..=end], side) <= worst(&areas[start..end], side)
        {
            end += 1;
        }
        let row = &areas[start..end];
        let sum: f64 = row.iter().map(|a| a.1).sum();
        let thickness = sum / side;
        let mut offset = 0.0;
        for &(item, area) in row {
            let length = area / thickness;
            let tile = if w >= h {
                Tile {
                    item,
                    x,
                    y: y + offset,
                    w: thickness,
                    h: length,
                }
            } else {
                Tile {
                    item,
                    x: x + offset,
                    y,
                    w: length,
                    h: thickness,
                }
            };
            tiles.push(tile);
            offset += length;
        }
        if w >= h {
            x += thickness;
            w -= thickness;
        } else {
            y += thickness;
            h -= thickness;
        }
        start = end;
    }
    tiles
}

/// The worst aspect ratio of a row of `areas` laid along `side`.
fn worst(areas: &[(usize, f64)], side: f64) -> f64 {
    let sum: f64 = areas.iter().map(|a| a.1).sum();
    let (max, min) = areas
        .iter()
        .fold((0.0f64, f64::MAX), |(mx, mn), a| (mx.max(a.1), mn.min(a.1)));
    let s2 = side * side;
    (s2 * max / (sum * sum)).max(sum * sum / (s2 * min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_proportional_and_tiles_fill_the_box() {
        let values = [6, 6, 4, 3, 2, 2, 1, 0];
        let tiles = squarify(&values, 600.0, 400.0);
        assert_eq!(tiles.len(), 7, "the zero is left out");
        let total: f64 = tiles.iter().map(|t| t.w * t.h).sum();
        assert!((total - 240_000.0).abs() < 1e-6);
        for t in &tiles {
            let expected = values[t.item] as f64 / 24.0 * 240_000.0;
            assert!((t.w * t.h - expected).abs() < 1e-6, "{t:?}");
            assert!(
                t.x >= -1e-9
                    && t.y >= -1e-9
                    && t.x + t.w <= 600.0 + 1e-6
                    && t.y + t.h <= 400.0 + 1e-6
            );
        }
        assert!(squarify(&[0, 0], 10.0, 10.0).is_empty());
    }
}
