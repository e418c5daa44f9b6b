//! What apps need of an uploaded picture besides the file itself: its size,
//! a small copy to show first (`preview_url`) and a blurhash to paint while
//! it loads. Made once, when the picture is uploaded, off the async threads.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// Largest width or height read (a bigger "picture" is a decompression
/// bomb, or not worth a small copy).
const LARGEST_SIDE: u32 = 16_384;
/// Most memory decoding one picture may take.
const MOST_DECODING_BYTES: u64 = 512 * 1024 * 1024;
/// The small copy fits in a square this wide.
const SMALL_SIDE: u32 = 640;

/// A picture's size, small copy (JPEG) and blurhash.
pub struct Described {
    pub width: u32,
    pub height: u32,
    pub blurhash: String,
    pub small: Vec<u8>,
    pub small_width: u32,
    pub small_height: u32,
}

/// Reads a PNG, JPEG, GIF or WebP picture; `None` when it cannot be read
/// within the limits (the file is kept all the same, without a preview).
pub fn describe(bytes: &[u8]) -> Option<Described> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(LARGEST_SIDE);
    limits.max_image_height = Some(LARGEST_SIDE);
    limits.max_alloc = Some(MOST_DECODING_BYTES);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    // Made smaller, never larger.
    let small = match picture.width().max(picture.height()) > SMALL_SIDE {
        true => picture.thumbnail(SMALL_SIDE, SMALL_SIDE),
        false => picture.clone(),
    };
    // A blurhash is made from a few pixels: a tiny copy is as good and fast.
    let tiny = small.thumbnail(32, 32).to_rgba8();
    let blurhash = blurhash::encode(4, 3, tiny.width(), tiny.height(), tiny.as_raw()).ok()?;
    let mut jpeg = Vec::new();
    small
        .to_rgb8()
        .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .ok()?;
    Some(Described {
        width: picture.width(),
        height: picture.height(),
        blurhash,
        small_width: small.width(),
        small_height: small.height(),
        small: jpeg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn a_picture_gets_its_size_a_small_copy_and_a_blurhash() {
        let found = describe(&png(1600, 900)).expect("a PNG is read");
        assert_eq!((found.width, found.height), (1600, 900));
        assert_eq!((found.small_width, found.small_height), (640, 360));
        assert_eq!(&found.small[..3], &[0xff, 0xd8, 0xff], "a JPEG");
        // Size flag, maximum, the average colour, 11 more components.
        assert_eq!(found.blurhash.len(), 1 + 1 + 4 + 2 * 11);
        let small_one = describe(&png(10, 20)).unwrap();
        assert_eq!((small_one.small_width, small_one.small_height), (10, 20));
    }

    #[test]
    fn what_is_not_a_picture_or_too_large_is_not_described() {
        assert!(describe(b"%PDF-1.7 not a picture").is_none());
        // A PNG header claiming 100,000 pixels square is not decoded.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(describe(&bomb).is_none());
    }
}
