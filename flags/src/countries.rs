//! The 194 country codes of the workshop and their names.

use std::sync::LazyLock;

/// The workshop's `country_codes.txt`, unchanged: 194 ISO 3166-1 alpha-2
/// codes (the UN members except the Dominican Republic, plus Taiwan and the
/// Holy See). The flag server serves exactly these.
const COUNTRY_CODES_TXT: &str = include_str!("../data/country_codes.txt");

static CODES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| COUNTRY_CODES_TXT.split_whitespace().collect());

/// Every code the server knows, upper case, in alphabetical order.
pub fn country_codes() -> &'static [&'static str] {
    &CODES
}

/// Whether `cc` (upper case) is one of the 194 codes.
pub fn is_known(cc: &str) -> bool {
    CODES.binary_search(&cc).is_ok()
}

/// The English short name of a known code, from the ISO 3166-1 tables of the
/// `rust_iso3166` crate (not typed by hand).
pub fn country_name(cc: &str) -> Option<&'static str> {
    if !is_known(cc) {
        return None;
    }
    rust_iso3166::from_alpha2(cc).map(|country| country.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_194_sorted_codes_and_each_has_a_name() {
        assert_eq!(country_codes().len(), 194);
        assert!(country_codes().is_sorted());
        for cc in country_codes() {
            assert!(country_name(cc).is_some(), "{cc} has no name");
        }
        assert_eq!(country_name("BR"), Some("Brazil"));
        assert_eq!(country_name("DO"), None);
    }
}
