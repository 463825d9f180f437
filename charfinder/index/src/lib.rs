//! The charfinder lab's index of Unicode names: every named character,
//! found by the words of its name, and the pages of an answer. A crate of
//! its own so that it alone is compiled optimised in debug builds too
//! (Cargo sets `opt-level` per package, see the workspace's Cargo.toml):
//! building the index takes 0.1 s so, 0.5 s unoptimised, at each server's
//! start; the lab's own code, the servers, stays unoptimised, and rebuilds
//! in a moment after an edit.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Every named character, found by the words of its name.
///
/// Built once at start-up from the Unicode name table of the
/// `unicode_names2` crate (offline, compiled into the binary), then shared
/// read-only by every connection: a `&'static Index` needs no lock.
pub struct Index {
    /// Each word of any name, upper case, to the characters whose names hold
    /// it, in code point order.
    words: HashMap<String, Vec<char>>,
    chars: usize,
    built_in: Duration,
}

impl Index {
    /// Reads the name of every code point from U+0000 to U+10FFFF. Names
    /// are split into words at spaces and hyphens, as a query is.
    pub fn build() -> Index {
        let start = Instant::now();
        let mut words: HashMap<String, Vec<char>> = HashMap::with_capacity(140_000);
        let mut chars = 0;
        let mut text = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let Some(name) = unicode_names2::name(c) else {
                continue;
            };
            chars += 1;
            text.clear();
            text.extend(name); // names are upper case already
            for word in text.split([' ', '-']).filter(|word| !word.is_empty()) {
                match words.get_mut(word) {
                    // A name may hold a word twice: keep one entry.
                    Some(list) if list.last() == Some(&c) => {}
                    Some(list) => list.push(c),
                    None => {
                        words.insert(word.to_string(), vec![c]);
                    }
                }
            }
        }
        Index {
            words,
            chars,
            built_in: start.elapsed(),
        }
    }

    /// The index every server shares, built on first use (recorded as
    /// the span `index` with `--timeline`).
    pub fn global() -> &'static Index {
        static INDEX: OnceLock<Index> = OnceLock::new();
        INDEX.get_or_init(|| labs::timeline::span("index", Index::build))
    }

    /// The characters whose names hold every word of `query` (any case), in
    /// code point order. A query with no words finds nothing.
    pub fn search(&self, query: &str) -> Vec<char> {
        self.matches(query).collect()
    }

    /// The matches of `query`, found one by one as the iterator is read:
    /// a page of them costs no list of them all.
    fn matches(&self, query: &str) -> impl Iterator<Item = char> + '_ {
        let mut lists = Vec::new();
        for word in tokenize(query) {
            match self.words.get(&word) {
                Some(list) => lists.push(list.as_slice()),
                None => {
                    lists.clear();
                    break;
                }
            }
        }
        lists.sort_by_key(|list| list.len());
        let (shortest, others) = match lists.split_first() {
            Some((&shortest, others)) => (shortest, others.to_vec()),
            None => (&[][..], Vec::new()),
        };
        shortest
            .iter()
            .copied()
            .filter(move |c| others.iter().all(|list| list.binary_search(c).is_ok()))
    }

    /// How many characters have a name.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// How many different words the names use.
    pub fn words(&self) -> usize {
        self.words.len()
    }

    /// About how many bytes the index takes in memory: the words, the lists
    /// of characters, and the hash table's slots.
    pub fn bytes(&self) -> usize {
        let slot = size_of::<(String, Vec<char>)>() + 1;
        self.words
            .iter()
            .map(|(word, list)| word.capacity() + list.capacity() * size_of::<char>())
            .sum::<usize>()
            + self.words.capacity() * slot
    }

    /// How long [`Index::build`] took.
    pub fn built_in(&self) -> Duration {
        self.built_in
    }

    /// One line for the start-up banner:
    /// `Index: 153626 characters, 130317 words, 14.9 MB, built in 0.10 s`.
    pub fn summary(&self) -> String {
        format!(
            "Index: {} characters, {} words, {:.1} MB, built in {:.2} s",
            self.chars,
            self.words(),
            self.bytes() as f64 / 1e6,
            self.built_in.as_secs_f64()
        )
    }
}

/// The most matches one answer holds. A query that finds more gets the
/// first page and is told how to ask for the next: the words, then `+N` to
/// skip the first N matches (`cjk +100`). Every answer is small, whatever
/// the query: a few KB to build, to hold and to send.
pub const PAGE_SIZE: usize = 100;

/// One page of the matches of a query (see [`PAGE_SIZE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<'q> {
    /// The words of the query, without the `+N`.
    pub words: &'q str,
    /// How many matches come before this page.
    pub offset: usize,
    /// The matches on this page, in code point order.
    pub chars: Vec<char>,
    /// How many matches the query has in all.
    pub total: usize,
}

impl Page<'_> {
    /// The offset of the next page, if there are more matches.
    pub fn next(&self) -> Option<usize> {
        let end = self.offset + self.chars.len();
        (end < self.total).then_some(end)
    }
}

impl Index {
    /// One page of the matches of `query`: its words, then optionally `+N`
    /// to skip the first N matches.
    pub fn page<'q>(&self, query: &'q str) -> Page<'q> {
        let (words, offset) = split_offset(query);
        let mut matches = self.matches(words);
        let before = matches.by_ref().take(offset).count();
        let chars: Vec<char> = matches.by_ref().take(PAGE_SIZE).collect();
        let total = before + chars.len() + matches.count();
        Page {
            words,
            offset,
            chars,
            total,
        }
    }
}

/// A query's words and its offset: `cjk +100` is (`cjk`, 100); with no
/// `+N` at the end, the offset is 0.
pub fn split_offset(query: &str) -> (&str, usize) {
    let query = query.trim();
    if let Some((words, last)) = query.rsplit_once(|c: char| c.is_whitespace()) {
        if let Some(Ok(offset)) = last.strip_prefix('+').map(str::parse::<usize>) {
            return (words.trim_end(), offset);
        }
    }
    (query, 0)
}

/// The words of a query or a name: upper case, split at white space and
/// hyphens (`cat-face` is `CAT FACE`).
pub fn tokenize(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|word| !word.is_empty())
        .map(str::to_uppercase)
}

/// The Unicode name of `c` (empty for a character with none).
pub fn name(c: char) -> String {
    unicode_names2::name(c).map_or_else(String::new, |name| name.to_string())
}

/// One match as the TCP servers send it:
/// `U+1F638<TAB>😸<TAB>GRINNING CAT FACE WITH SMILING EYES`.
pub fn match_line(c: char) -> String {
    let mut line = String::new();
    let _ = write!(line, "U+{:04X}\t{c}\t{}", u32::from(c), name(c));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_words_in_any_case_in_any_order() {
        let index = Index::global();
        let found = index.search("cat face");
        assert!(found.contains(&'😸'), "{found:?}");
        assert_eq!(found, index.search("FACE  Cat"));
        assert_eq!(found, index.search("cat-face"));
        assert!(found.windows(2).all(|pair| pair[0] < pair[1]));
        for c in &found {
            let name = name(*c);
            assert!(name.contains("CAT") && name.contains("FACE"), "{name}");
        }
    }

    #[test]
    fn nothing_matches_unknown_words_or_an_empty_query() {
        let index = Index::global();
        assert_eq!(index.search("cat xyzzy"), []);
        assert_eq!(index.search(""), []);
        assert_eq!(index.search("  - "), []);
    }

    #[test]
    fn the_index_holds_every_named_character() {
        let index = Index::global();
        assert!(index.chars() > 150_000, "{}", index.summary());
        let small_a = index.search("latin small letter a");
        assert_eq!(small_a.first(), Some(&'a'));
        assert!(small_a.contains(&'á'), "{small_a:?}");
        assert!(index.search("cjk unified ideograph").len() > 90_000);
        // CJK UNIFIED IDEOGRAPH-4E00, and SQUARED CJK UNIFIED IDEOGRAPH-4E00
        assert_eq!(index.search("4e00"), ['\u{4E00}', '\u{1F229}']);
        assert!(index.search("hangul syllable").contains(&'가'));
    }

    #[test]
    fn a_big_answer_is_cut_into_pages() {
        let index = Index::global();
        let first = index.page("cjk");
        assert_eq!((first.words, first.offset), ("cjk", 0));
        assert_eq!(first.chars.len(), PAGE_SIZE);
        assert!(first.total > 90_000);
        assert_eq!(first.next(), Some(PAGE_SIZE));
        let second = index.page("cjk  +100");
        assert_eq!((second.words, second.offset), ("cjk", 100));
        assert_eq!(second.chars[..], index.search("cjk")[100..200]);
        let query = format!("cjk +{}", first.total - 1);
        let last = index.page(&query);
        assert_eq!((last.chars.len(), last.next()), (1, None));
        assert_eq!(index.page("cjk +999999").chars, []);
        let small = index.page("snowman");
        assert_eq!((small.chars.len(), small.total, small.next()), (3, 3, None));
        // `+` with no number, or not at the end, is a word like any other.
        assert_eq!(split_offset("cat + face"), ("cat + face", 0));
        assert_eq!(split_offset("+5 cat"), ("+5 cat", 0));
        assert_eq!(split_offset("+5"), ("+5", 0));
        assert_eq!(split_offset("cat +x"), ("cat +x", 0));
    }

    #[test]
    fn a_match_is_code_char_and_name_separated_by_tabs() {
        assert_eq!(
            match_line('😸'),
            "U+1F638\t😸\tGRINNING CAT FACE WITH SMILING EYES"
        );
        assert_eq!(match_line('A'), "U+0041\tA\tLATIN CAPITAL LETTER A");
    }
}
