//! The media formats Asterisk 22 knows (what `allow=all` expands to, in its order). Any of them is accepted
//! in `allow` even without a codec module loaded.

/// Every codec name Asterisk 22 accepts in `allow` / `disallow`.
pub const KNOWN: &[&str] = &[
    "codec2", "g723", "ulaw", "alaw", "gsm", "g726", "g726aal2", "adpcm", "slin", "slin12",
    "slin16", "slin24", "slin32", "slin44", "slin48", "slin96", "slin192", "lpc10", "g729",
    "speex", "speex16", "speex32", "ilbc", "g722", "siren7", "siren14", "g719", "opus", "jpeg",
    "png", "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9", "red", "t140", "t38",
    "silk8", "silk12", "silk16", "silk24",
];

/// The codec names of an `allow`/`disallow` value, or the first token that is not a codec.
/// `(a|b)` (GET's rendering) is accepted; `!x` removes; `all` stands for every codec.
pub fn parse(value: &str) -> Result<Vec<(bool, String)>, String> {
    let v = value.trim();
    let inner = v
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(v);
    let mut out = Vec::new();
    for item in inner
        .split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (remove, name) = match item.strip_prefix('!') {
            Some(n) => (true, n.trim()),
            None => (false, item),
        };
        let name = name.to_ascii_lowercase();
        if name != "all" && !KNOWN.contains(&name.as_str()) {
            return Err(item.to_string());
        }
        out.push((remove, name));
    }
    Ok(out)
}
