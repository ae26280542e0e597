//! Media types: how a body of a given type is read or written (JSON, form, multipart, text,
//! bytes), which entry of a `content` map is preferred, and the header value sent.

/// The media type without parameters, in lower case (`text/plain; charset=utf-8` ->
/// `text/plain`).
pub(super) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

pub(super) fn is_text(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
}

/// How a body of some media type is read or written, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Media {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

pub(super) fn media_of(media_type: &str) -> Media {
    let essence = essence(media_type);
    if is_json(media_type) {
        Media::Json
    } else if essence == "application/x-www-form-urlencoded" {
        Media::Form
    } else if essence == "multipart/form-data" {
        Media::Multipart
    } else if is_text(media_type) {
        Media::Text
    } else {
        Media::Bytes
    }
}

/// The preferred entry of a `content` map (JSON first, raw bytes last; spec order between
/// equals), with how it is read or written.
pub(super) fn preferred<'c, T>(
    content: &'c indexmap::IndexMap<String, T>,
    allowed: &[Media],
) -> Option<(&'c String, &'c T, Media)> {
    content
        .iter()
        .map(|(media, item)| (media, item, media_of(media)))
        .filter(|(_, _, kind)| allowed.contains(kind))
        .min_by_key(|(_, _, kind)| *kind)
}

/// A concrete media type to send in a header: the spec's, unless it has a wildcard or
/// characters a header cannot carry.
pub(super) fn concrete(media_type: &str, fallback: &str) -> String {
    let essence = essence(media_type);
    if essence.contains('/') && !essence.contains('*') && is_header_text(&essence) {
        essence
    } else {
        fallback.to_string()
    }
}

pub(super) fn is_header_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::{Media, concrete, essence, media_of, preferred};

    #[test]
    fn media_types_are_sorted_by_how_they_are_read() {
        assert_eq!(essence("Text/Plain; charset=utf-8"), "text/plain");
        assert_eq!(media_of("application/problem+json"), Media::Json);
        assert_eq!(media_of("*/*"), Media::Json);
        assert_eq!(media_of("application/x-www-form-urlencoded"), Media::Form);
        assert_eq!(
            media_of("multipart/form-data; boundary=x"),
            Media::Multipart
        );
        assert_eq!(media_of("application/xml"), Media::Text);
        assert_eq!(media_of("image/png"), Media::Bytes);
    }

    #[test]
    fn json_is_preferred_and_wildcards_are_not_sent() {
        let mut content = IndexMap::new();
        content.insert("text/plain".to_string(), 1);
        content.insert("application/json".to_string(), 2);
        let best = preferred(&content, &[Media::Json, Media::Text]);
        assert_eq!(
            best.map(|(media, _, _)| media.as_str()),
            Some("application/json")
        );
        assert!(preferred(&content, &[Media::Bytes]).is_none());
        assert_eq!(
            concrete("image/*", "application/octet-stream"),
            "application/octet-stream"
        );
        assert_eq!(
            concrete("Image/PNG", "application/octet-stream"),
            "image/png"
        );
    }
}
