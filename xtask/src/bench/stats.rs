//! Medians and the way numbers are written in the report.

use std::time::Duration;

/// The median of `values` (the mean of the middle two for an even count); `None` if empty.
/// NaNs sort last.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some((sorted.get(n / 2 - 1)? + sorted.get(n / 2)?) / 2.0),
    }
}

/// A duration the way the tables write it: `850 ms`, `1.24 s`, `12 ms`, `0.4 ms`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Bytes in MiB, one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A file size: `12.4 MiB`, `426 KiB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        mib(bytes)
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

/// `peer / ours` as `6.1×`, or a dash when either is missing or zero.
pub fn ratio(peer: Option<f64>, ours: Option<f64>) -> String {
    match (peer, ours) {
        (Some(peer), Some(ours)) if ours > 0.0 && peer > 0.0 => format!("{:.2}×", peer / ours),
        _ => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        // One wild run does not move it.
        assert_eq!(median(&[1.0, 1.1, 1000.0]), Some(1.1));
    }

    #[test]
    fn formats() {
        assert_eq!(duration(Duration::from_millis(1240)), "1.24 s");
        assert_eq!(duration(Duration::from_millis(850)), "850 ms");
        assert_eq!(duration(Duration::from_micros(400)), "0.4 ms");
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(size(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(size(20_732), "20 KiB");
        assert_eq!(ratio(Some(6.0), Some(2.0)), "3.00×");
        assert_eq!(ratio(None, Some(2.0)), "–");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "–");
    }
}
