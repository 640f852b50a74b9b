//! A kept page, gzip-compressed once, for the browsers' `Accept-Encoding: gzip`: each answer's
//! own nonce would otherwise make every answer compressed anew. Each part between the nonces
//! is compressed on its own (raw deflate ending in a full flush, so it ends on a byte boundary
//! and no later part refers back into it); an answer joins the compressed parts with its nonce
//! as a stored block between each two, ends the stream with an empty final block, and wraps it
//! in a gzip member whose CRC-32 is combined from the parts' and the nonce's. Layouts: RFC 1951
//! §3.2.3-3.2.4 (block header, stored blocks) and RFC 1952 §2.3 (member header and trailer).

use bytes::{BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, FlushCompress};
use trellis_services::page_cache::Deflated;

/// gzip member header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty final block (fixed Huffman codes: just the end-of-block code).
const LAST_BLOCK: [u8; 2] = [0x03, 0x00];

/// `parts` compressed one by one, with each one's CRC-32 and length.
pub fn deflate(parts: &[Bytes]) -> Option<Deflated> {
    let mut out = Deflated::default();
    for part in parts {
        let mut compress = Compress::new(Compression::new(6), false);
        let mut buf = Vec::with_capacity(part.len() + 64);
        loop {
            let read = usize::try_from(compress.total_in()).ok()?;
            if buf.capacity() - buf.len() < 64 {
                buf.reserve(4096);
            }
            compress
                .compress_vec(part.get(read..)?, &mut buf, FlushCompress::Full)
                .ok()?;
            // Flushed whole once every byte is in and the output did not fill the buffer.
            let all_in = usize::try_from(compress.total_in()).ok()? == part.len();
            if all_in && buf.len() < buf.capacity() {
                break;
            }
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(part);
        out.parts.push(Bytes::from(buf));
        out.crcs.push(crc.finalize());
        out.lens.push(part.len() as u64);
    }
    Some(out)
}

/// The gzip member of the page whose parts are `d`, joined by `nonce`.
pub fn answer(d: &Deflated, nonce: &str) -> Bytes {
    let nonce = nonce.as_bytes();
    let stored = u16::try_from(nonce.len()).unwrap_or(u16::MAX);
    let compressed: usize = d.parts.iter().map(Bytes::len).sum();
    let mut out = BytesMut::with_capacity(compressed + d.parts.len() * (nonce.len() + 5) + 20);
    out.put_slice(&HEADER);
    let mut crc = crc32fast::Hasher::new();
    let mut nonce_crc = crc32fast::Hasher::new();
    nonce_crc.update(&nonce[..usize::from(stored)]);
    let mut total: u64 = 0;
    for (i, part) in d.parts.iter().enumerate() {
        if i > 0 {
            // A stored block, not final: header bits 000 then padding, LEN, NLEN, the bytes.
            out.put_u8(0);
            out.put_u16_le(stored);
            out.put_u16_le(!stored);
            out.put_slice(&nonce[..usize::from(stored)]);
            crc.combine(&nonce_crc);
            total += u64::from(stored);
        }
        out.put_slice(part);
        let (sum, len) = (d.crcs.get(i).copied(), d.lens.get(i).copied());
        let part_crc = crc32fast::Hasher::new_with_initial_len(sum.unwrap_or(0), len.unwrap_or(0));
        crc.combine(&part_crc);
        total += len.unwrap_or(0);
    }
    out.put_slice(&LAST_BLOCK);
    out.put_u32_le(crc.finalize());
    out.put_u32_le(total as u32);
    out.freeze()
}

/// Whether `accept` (an `Accept-Encoding` value) takes gzip: named with a weight above 0, or
/// not named and `*` taken (RFC 9110 §12.5.3).
pub fn accepts_gzip(accept: &str) -> bool {
    let weight = |coding: &str| {
        accept.split(',').find_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            name.eq_ignore_ascii_case(coding).then(|| {
                let q = parts.find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                });
                q.unwrap_or(1.0)
            })
        })
    };
    match weight("gzip") {
        Some(q) => q > 0.0,
        None => weight("*").is_some_and(|q| q > 0.0),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    }

    #[test]
    fn an_answer_unzips_to_the_page_with_its_nonce() {
        let nonce = "AbCdEfGhIjKlMnOpQr12sT";
        let card = "<li class=\"pr\">Tune the ranking model</li>".repeat(300);
        let page = format!(
            "<html><script nonce=\"{nonce}\">a()</script>{card}<script nonce=\"{nonce}\">b()</script></html>"
        );
        let parts = crate::page_cache::cut(page.as_bytes(), nonce).expect("utf-8");
        let deflated = deflate(&parts).expect("deflate");
        let other = "ZyXwVuTsRqPoNmLkJiHgFe";
        let zipped = answer(&deflated, other);
        assert_eq!(gunzip(&zipped), page.replace(nonce, other).into_bytes());
        assert!(
            zipped.len() < page.len() / 5,
            "{} of {}",
            zipped.len(),
            page.len()
        );
        // One part (no nonce at all), and an empty page.
        let plain = [Bytes::from_static(b"<p>no scripts</p>")];
        assert_eq!(
            gunzip(&answer(&deflate(&plain).expect("deflate"), other)),
            b"<p>no scripts</p>"
        );
        let empty = [Bytes::new()];
        assert_eq!(
            gunzip(&answer(&deflate(&empty).expect("deflate"), other)),
            b""
        );
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0, br"));
        assert!(
            !accepts_gzip("gzip;q=0, *"),
            "a refusal by name wins over *"
        );
        assert!(!accepts_gzip("*;q=0"));
        assert!(!accepts_gzip("br, zstd"));
        assert!(!accepts_gzip(""));
    }
}
