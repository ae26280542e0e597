//! The version a change calls for under Cargo's rules: below 1.0 the first non-zero
//! number is the one a breaking change bumps (0.1.3 → 0.2.0, 0.0.3 → 0.0.4) and an
//! additive change bumps the patch (0.1.3 → 0.1.4); from 1.0 on, breaking bumps the major
//! version and additive the minor.

use semver::Version;

use super::Level;

/// The lowest version that may ship a change of `level` made to a crate at `old`. `None`
/// (no change to the API): `old` itself.
pub fn required(old: &Version, level: Option<Level>) -> Version {
    let (major, minor, patch) = (old.major, old.minor, old.patch);
    let (major, minor, patch) = match level {
        None => return Version::new(major, minor, patch),
        Some(Level::Breaking) if major > 0 => (major + 1, 0, 0),
        Some(Level::Breaking) if minor > 0 => (0, minor + 1, 0),
        Some(Level::Additive) if major > 0 => (major, minor + 1, 0),
        Some(Level::Breaking | Level::Additive | Level::Compatible) => (major, minor, patch + 1),
    };
    Version::new(major, minor, patch)
}

/// Whether `new` may ship a change of `level` made at `old`. A pre-release of the
/// required version is enough; after a pre-release (which promises nothing), any later
/// version is.
pub fn allows(old: &Version, new: &Version, level: Option<Level>) -> bool {
    if !old.pre.is_empty() && level.is_some() {
        return new > old;
    }
    let floor = required(old, level);
    (new.major, new.minor, new.patch) >= (floor.major, floor.minor, floor.patch)
}

/// How the required version follows from the level, in words.
pub fn rule(old: &Version, level: Option<Level>) -> &'static str {
    match level {
        None => "no change to the crate's API",
        Some(Level::Breaking) if old.major > 0 => "a breaking change bumps the major version",
        Some(Level::Breaking) if old.minor > 0 => {
            "a breaking change below 1.0 bumps the minor version"
        }
        Some(Level::Breaking) => "a breaking change at 0.0.x bumps the patch version",
        Some(Level::Additive) if old.major > 0 => "an additive change bumps the minor version",
        Some(Level::Additive) => "an additive change below 1.0 bumps the patch version",
        Some(Level::Compatible) => "a change of behaviour only bumps the patch version",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|_| Version::new(9, 9, 9))
    }

    #[test]
    fn cargo_rules_below_and_above_one() {
        let cases = [
            ("0.1.3", Some(Level::Breaking), "0.2.0"),
            ("0.1.3", Some(Level::Additive), "0.1.4"),
            ("0.1.3", Some(Level::Compatible), "0.1.4"),
            ("0.1.3", None, "0.1.3"),
            ("0.0.3", Some(Level::Breaking), "0.0.4"),
            ("0.0.3", Some(Level::Additive), "0.0.4"),
            ("1.4.2", Some(Level::Breaking), "2.0.0"),
            ("1.4.2", Some(Level::Additive), "1.5.0"),
            ("1.4.2", Some(Level::Compatible), "1.4.3"),
        ];
        for (old, level, want) in cases {
            assert_eq!(required(&v(old), level), v(want), "{old} {level:?}");
        }
    }

    #[test]
    fn a_patch_never_ships_a_breaking_change() {
        let old = v("0.1.0");
        assert!(!allows(&old, &v("0.1.1"), Some(Level::Breaking)));
        assert!(!allows(&old, &v("0.1.0"), Some(Level::Additive)));
        assert!(allows(&old, &v("0.2.0"), Some(Level::Breaking)));
        assert!(allows(&old, &v("0.2.0-beta.1"), Some(Level::Breaking)));
        assert!(allows(&old, &v("1.0.0"), Some(Level::Breaking)));
        assert!(allows(&old, &v("0.1.0"), None));
        assert!(allows(
            &v("0.2.0-beta.1"),
            &v("0.2.0-beta.2"),
            Some(Level::Breaking)
        ));
        assert!(!allows(
            &v("0.2.0-beta.2"),
            &v("0.2.0-beta.1"),
            Some(Level::Additive)
        ));
    }
}
