//! Counts in words: "1 phone user", "2 phone users".

/// `n` and `thing`, with an "s" unless there is one.
pub fn count(n: impl Into<u64>, thing: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1u32, "phone user"), "1 phone user");
        assert_eq!(super::count(0u32, "phone user"), "0 phone users");
        assert_eq!(super::count(152u64, "edit"), "152 edits");
    }
}
