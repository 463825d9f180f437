//! The flags are drawn here, not downloaded: a small GIF per country code,
//! the same bytes every time for the same code, different for each country
//! (a layout and three colours derived from the code, and the code itself
//! written on the flag in a tiny pixel font). Each is encoded once and cached.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use crate::countries::country_codes;

const WIDTH: u16 = 240;
const HEIGHT: u16 = 160;

/// Flag colours, as RGB triplets; index 0 is white and 1 is black (the text).
const PALETTE: [[u8; 3]; 16] = [
    [255, 255, 255], // white
    [0, 0, 0],       // black
    [206, 17, 38],   // red
    [0, 56, 147],    // blue
    [0, 122, 61],    // green
    [252, 209, 22],  // yellow
    [255, 130, 0],   // orange
    [117, 170, 219], // sky blue
    [128, 0, 32],    // maroon
    [0, 99, 65],     // dark green
    [0, 35, 102],    // navy
    [239, 51, 64],   // scarlet
    [92, 45, 145],   // purple
    [0, 158, 224],   // cyan
    [200, 160, 80],  // gold
    [90, 90, 90],    // grey
];

/// A 3x5 pixel font for A..Z: five rows of three bits, top row first.
const FONT: [[u8; 5]; 26] = [
    [0b010, 0b101, 0b111, 0b101, 0b101], // A
    [0b110, 0b101, 0b110, 0b101, 0b110], // B
    [0b011, 0b100, 0b100, 0b100, 0b011], // C
    [0b110, 0b101, 0b101, 0b101, 0b110], // D
    [0b111, 0b100, 0b110, 0b100, 0b111], // E
    [0b111, 0b100, 0b110, 0b100, 0b100], // F
    [0b011, 0b100, 0b101, 0b101, 0b011], // G
    [0b101, 0b101, 0b111, 0b101, 0b101], // H
    [0b111, 0b010, 0b010, 0b010, 0b111], // I
    [0b001, 0b001, 0b001, 0b101, 0b010], // J
    [0b101, 0b101, 0b110, 0b101, 0b101], // K
    [0b100, 0b100, 0b100, 0b100, 0b111], // L
    [0b101, 0b111, 0b111, 0b101, 0b101], // M
    [0b110, 0b101, 0b101, 0b101, 0b101], // N
    [0b010, 0b101, 0b101, 0b101, 0b010], // O
    [0b110, 0b101, 0b110, 0b100, 0b100], // P
    [0b010, 0b101, 0b101, 0b110, 0b011], // Q
    [0b110, 0b101, 0b110, 0b101, 0b101], // R
    [0b011, 0b100, 0b010, 0b001, 0b110], // S
    [0b111, 0b010, 0b010, 0b010, 0b010], // T
    [0b101, 0b101, 0b101, 0b101, 0b111], // U
    [0b101, 0b101, 0b101, 0b101, 0b010], // V
    [0b101, 0b101, 0b111, 0b111, 0b101], // W
    [0b101, 0b101, 0b010, 0b101, 0b101], // X
    [0b101, 0b101, 0b010, 0b010, 0b010], // Y
    [0b111, 0b001, 0b010, 0b100, 0b111], // Z
];

/// One slot per known code (lower case), filled the first time it is asked for.
static CACHE: LazyLock<HashMap<String, OnceLock<Vec<u8>>>> = LazyLock::new(|| {
    country_codes()
        .iter()
        .map(|cc| (cc.to_lowercase(), OnceLock::new()))
        .collect()
});

/// The GIF of a known country code (either case), or `None`.
pub fn flag_gif(cc: &str) -> Option<&'static [u8]> {
    let slot = CACHE.get(&cc.to_lowercase())?;
    Some(slot.get_or_init(|| draw(&cc.to_uppercase())))
}

/// Draws the flags of `codes` now rather than on first request, so that a
/// client's clock does not count the drawing (a few milliseconds a flag in
/// a debug build); codes without a flag are skipped.
pub fn draw_flags<S: AsRef<str>>(codes: &[S]) {
    for cc in codes {
        let _ = flag_gif(cc.as_ref());
    }
}

/// FNV-1a: a fixed, portable hash, so a code always gets the same flag.
fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn draw(cc: &str) -> Vec<u8> {
    let h = hash(cc);
    // Three different colours, never white or black (those are for the text).
    let mut colours = Vec::with_capacity(3);
    let mut pick = h;
    while colours.len() < 3 {
        let colour = 2 + (pick % 14) as u8;
        if !colours.contains(&colour) {
            colours.push(colour);
        }
        pick = pick / 14 + 7;
    }
    let layout = (h >> 24) % 4;
    let (w, hgt) = (usize::from(WIDTH), usize::from(HEIGHT));
    let mut pixels = vec![0u8; w * hgt];
    for y in 0..hgt {
        for x in 0..w {
            let band = match layout {
                0 => y * 3 / hgt, // horizontal tricolour
                1 => x * 3 / w,   // vertical tricolour
                2 => usize::from(y * 2 >= hgt) + usize::from(x < w / 3 && y < hgt / 2), // canton
                _ => {
                    usize::from(
                        (x * 2).abs_diff(w * 2 / 5) < w / 6 || (y * 2).abs_diff(hgt) < hgt / 6,
                    ) * 2
                } // cross
            };
            pixels[y * w + x] = colours[band.min(2)];
        }
    }
    write_code(&mut pixels, cc);
    encode(&pixels)
}

/// Writes the code, 8x scale, white on black, in the lower right corner.
fn write_code(pixels: &mut [u8], cc: &str) {
    const SCALE: usize = 8;
    let w = usize::from(WIDTH);
    let (box_w, box_h) = (SCALE * 8 + 2 * SCALE, SCALE * 5 + 2 * SCALE);
    let (left, top) = (w - box_w - SCALE, usize::from(HEIGHT) - box_h - SCALE);
    for y in top..top + box_h {
        pixels[y * w + left..y * w + left + box_w].fill(1);
    }
    for (i, letter) in cc.bytes().enumerate() {
        let Some(glyph) = FONT.get(usize::from(letter.wrapping_sub(b'A'))) else {
            continue;
        };
        let x0 = left + SCALE + i * 4 * SCALE + SCALE / 2;
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    for dy in 0..SCALE {
                        let y = top + SCALE + row * SCALE + dy;
                        let x = x0 + col * SCALE;
                        pixels[y * w + x..y * w + x + SCALE].fill(0);
                    }
                }
            }
        }
    }
}

fn encode(pixels: &[u8]) -> Vec<u8> {
    let palette: Vec<u8> = PALETTE.iter().flatten().copied().collect();
    let mut gif = Vec::new();
    {
        // Writing into a Vec cannot fail, and the frame matches the canvas.
        let mut encoder = gif::Encoder::new(&mut gif, WIDTH, HEIGHT, &palette)
            .expect("a GIF header fits in memory");
        let frame = gif::Frame::from_indexed_pixels(WIDTH, HEIGHT, pixels.to_vec(), None);
        encoder
            .write_frame(&frame)
            .expect("a GIF frame fits in memory");
    }
    gif
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_a_small_valid_gif_and_they_differ() {
        let mut seen = std::collections::HashSet::new();
        for cc in country_codes() {
            let bytes = flag_gif(cc).unwrap();
            assert!(bytes.starts_with(b"GIF89a"), "{cc}");
            let mut decoder = gif::DecodeOptions::new().read_info(bytes).unwrap();
            let frame = decoder.read_next_frame().unwrap().unwrap();
            assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
            assert!(seen.insert(bytes.to_vec()), "{cc} looks like another flag");
        }
        assert_eq!(flag_gif("cn"), flag_gif("CN"));
        assert_eq!(flag_gif("xx"), None);
    }
}
