//! Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1.5G`, `1e3`), as the API server
//! reads them (`k8s.io/apimachinery/pkg/api/resource`), converted to a plain number of
//! base units (cores, bytes, devices) for comparisons.

use kiln_gotmpl::Value;

/// The value of a quantity string in base units, or `None` when it is not a valid
/// Kubernetes quantity.
///
/// ```
/// use kiln_check::rules::quantity::parse_quantity;
/// assert_eq!(parse_quantity("500m"), Some(0.5));
/// assert_eq!(parse_quantity("4Gi"), Some(4.0 * 1024.0 * 1024.0 * 1024.0));
/// assert_eq!(parse_quantity("1e3"), Some(1000.0));
/// assert_eq!(parse_quantity("4 GB"), None);
/// ```
pub fn parse_quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    // Sign and digits with at most one decimal point.
    let bytes = s.as_bytes();
    let mut i = 0;
    if matches!(bytes[0], b'+' | b'-') {
        i = 1;
    }
    let num_start = i;
    let mut dot = false;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || (bytes[i] == b'.' && !dot)) {
        if bytes[i] == b'.' {
            dot = true;
        }
        i += 1;
    }
    let num = &s[..i];
    if i == num_start || num[num_start..].chars().all(|c| c == '.') {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let suffix = &s[i..];
    let multiplier = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?;
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let e: i32 = exp.parse().ok()?;
            if !(-30..=30).contains(&e) {
                return None;
            }
            10f64.powi(e)
        }
    };
    Some(value * multiplier)
}

/// The value of a rendered quantity: a string, or a YAML number.
pub fn quantity(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Int(i, _) => Some(*i as f64),
        Value::Uint(u, _) => Some(*u as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// Bytes in a human form (`4Gi`, `512Mi`, `1.5Gi`).
pub fn format_bytes(b: f64) -> String {
    const UNITS: [(&str, f64); 4] = [
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Ki", 1024.0),
    ];
    for (unit, size) in UNITS {
        if b >= size {
            let v = b / size;
            return if (v - v.round()).abs() < 1e-9 {
                format!("{}{unit}", v.round() as u64)
            } else {
                format!("{:.1}{unit}", v)
            };
        }
    }
    format!("{}", b.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("2000m"), Some(2.0));
        assert_eq!(parse_quantity("0.5"), Some(0.5));
        assert_eq!(parse_quantity(".5"), Some(0.5));
        assert_eq!(parse_quantity("16Gi"), Some(16.0 * 1024f64.powi(3)));
        assert_eq!(parse_quantity("100M"), Some(1e8));
        assert_eq!(parse_quantity("1000Mi"), Some(1000.0 * 1024f64.powi(2)));
        assert_eq!(parse_quantity("12e6"), Some(12e6));
        assert_eq!(parse_quantity("Gi"), None);
        assert_eq!(parse_quantity("."), None);
        assert_eq!(parse_quantity("1GB"), None);
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("1e"), None);
        assert_eq!(parse_quantity("1e999"), None);
    }

    #[test]
    fn bytes() {
        assert_eq!(format_bytes(4.0 * 1024f64.powi(3)), "4Gi");
        assert_eq!(format_bytes(1.5 * 1024f64.powi(3)), "1.5Gi");
        assert_eq!(format_bytes(512.0 * 1024f64.powi(2)), "512Mi");
    }
}
