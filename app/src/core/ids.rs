//! Row ids: 128 random bits as 32 lower-case hexadecimal characters (the shape
//! `api::checked_id` accepts), from the operating system's random source.

/// The operating system's random source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRandom;

pub fn random_id() -> Result<String, NoRandom> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| NoRandom)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_32_hex_digits_and_differ() {
        let (a, b) = (super::random_id().expect("id"), super::random_id().expect("id"));
        assert!(a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
