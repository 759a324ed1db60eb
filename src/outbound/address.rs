//! The public-address rule: which IP addresses an image request may connect to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of address an IP address is; only [`AddressClass::Public`] may be connected to for an image on an
/// untrusted origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AddressClass {
    /// A globally reachable unicast address.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, unique-local `fc00::/7`, site-local `fec0::/10`.
    Private,
    /// `169.254.0.0/16` (where cloud metadata services live), `fe80::/10`.
    LinkLocal,
    /// The shared address space of carrier-grade NAT, `100.64.0.0/10`.
    SharedCgnat,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `0.0.0.0`, `::`.
    Unspecified,
    /// `0.0.0.0/8` ("this network") other than `0.0.0.0`.
    ThisNetwork,
    /// `255.255.255.255`.
    Broadcast,
    /// Any other special-purpose range: `240.0.0.0/4`, documentation, benchmarking and protocol-assignment
    /// ranges, and in IPv6 everything outside global unicast `2000::/3` or inside its special blocks.
    Reserved,
    /// Not an IP address at all (the host could not be resolved to something the core can read).
    Unrecognized,
}

impl AddressClass {
    /// Whether a request may connect to an address of this class.
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }

    /// The class in a sentence: `a loopback address`.
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::SharedCgnat => "a shared (carrier-grade NAT) address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Unspecified => "an unspecified address",
            AddressClass::ThisNetwork => "a \"this network\" address",
            AddressClass::Broadcast => "a broadcast address",
            AddressClass::Reserved => "a reserved address",
            AddressClass::Unrecognized => "an unrecognized address",
        }
    }
}

/// Classifies an address as the host has it: dotted IPv4, IPv6 (with or without brackets, with or without a
/// `%zone` suffix). Anything else is [`AddressClass::Unrecognized`].
///
/// ```
/// use catalog_sync::outbound::{classify_address, AddressClass};
/// assert_eq!(classify_address("127.0.0.1"), AddressClass::Loopback);
/// assert_eq!(classify_address("[::ffff:169.254.169.254]"), AddressClass::LinkLocal);
/// assert_eq!(classify_address("93.184.216.34"), AddressClass::Public);
/// assert_eq!(classify_address("localhost"), AddressClass::Unrecognized);
/// ```
pub fn classify_address(text: &str) -> AddressClass {
    let bare = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(text);
    let without_zone = bare.split('%').next().unwrap_or_default();
    match without_zone.parse::<IpAddr>() {
        Ok(ip) => classify_ip(ip),
        Err(_) => AddressClass::Unrecognized,
    }
}

/// Classifies an IP address.
pub fn classify_ip(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether `ip` is in `base/prefix`.
fn in_v4(ip: Ipv4Addr, base: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(base)) & mask
}

/// The special-purpose IPv4 ranges (RFC 6890 and its updates), most specific first.
const V4_RANGES: &[([u8; 4], u32, AddressClass)] = &[
    ([0, 0, 0, 0], 32, AddressClass::Unspecified),
    ([255, 255, 255, 255], 32, AddressClass::Broadcast),
    ([0, 0, 0, 0], 8, AddressClass::ThisNetwork),
    ([10, 0, 0, 0], 8, AddressClass::Private),
    ([100, 64, 0, 0], 10, AddressClass::SharedCgnat),
    ([127, 0, 0, 0], 8, AddressClass::Loopback),
    ([169, 254, 0, 0], 16, AddressClass::LinkLocal),
    ([172, 16, 0, 0], 12, AddressClass::Private),
    ([192, 0, 0, 0], 24, AddressClass::Reserved),
    ([192, 0, 2, 0], 24, AddressClass::Reserved),
    ([192, 88, 99, 0], 24, AddressClass::Reserved),
    ([192, 168, 0, 0], 16, AddressClass::Private),
    ([198, 18, 0, 0], 15, AddressClass::Reserved),
    ([198, 51, 100, 0], 24, AddressClass::Reserved),
    ([203, 0, 113, 0], 24, AddressClass::Reserved),
    ([224, 0, 0, 0], 4, AddressClass::Multicast),
    ([240, 0, 0, 0], 4, AddressClass::Reserved),
];

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    V4_RANGES
        .iter()
        .find(|(base, prefix, _)| in_v4(ip, *base, *prefix))
        .map_or(AddressClass::Public, |(_, _, class)| *class)
}

/// Whether `ip` is in `base/prefix`.
fn in_v6(ip: Ipv6Addr, base: [u16; 8], prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(base)) & mask
}

/// The IPv4 address an IPv6 address embeds, in the forms that reach that IPv4 host: IPv4-mapped
/// (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`), IPv4-compatible (`::/96`, but not `::` and `::1`),
/// NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`, the address in bits 16 to 48).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    let embeds_low = in_v6(ip, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96)
        || in_v6(ip, [0, 0, 0, 0, 0xffff, 0, 0, 0], 96)
        || in_v6(ip, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96)
        || (in_v6(ip, [0; 8], 96) && bits > 1);
    if embeds_low {
        return Some(low);
    }
    if in_v6(ip, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        return Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    None
}

/// The special-purpose IPv6 ranges (RFC 6890 and its updates) that embed no IPv4 address, most specific
/// first; what is left of global unicast `2000::/3` is public, everything else reserved.
const V6_RANGES: &[([u16; 8], u32, AddressClass)] = &[
    ([0; 8], 128, AddressClass::Unspecified),
    ([0, 0, 0, 0, 0, 0, 0, 1], 128, AddressClass::Loopback),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, AddressClass::LinkLocal),
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, AddressClass::Private),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, AddressClass::Private),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, AddressClass::Multicast),
    // IETF protocol assignments (Teredo, ORCHID, benchmarking...) and documentation.
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, AddressClass::Reserved),
    (
        [0x2001, 0x0db8, 0, 0, 0, 0, 0, 0],
        32,
        AddressClass::Reserved,
    ),
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, AddressClass::Reserved),
    ([0x2000, 0, 0, 0, 0, 0, 0, 0], 3, AddressClass::Public),
];

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    V6_RANGES
        .iter()
        .find(|(base, prefix, _)| in_v6(ip, *base, *prefix))
        .map_or(AddressClass::Reserved, |(_, _, class)| *class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_ipv4_range_has_its_class() {
        let cases = [
            ("0.0.0.0", AddressClass::Unspecified),
            ("0.1.2.3", AddressClass::ThisNetwork),
            ("0.255.255.255", AddressClass::ThisNetwork),
            ("10.0.0.1", AddressClass::Private),
            ("10.255.255.255", AddressClass::Private),
            ("100.63.255.255", AddressClass::Public),
            ("100.64.0.0", AddressClass::SharedCgnat),
            ("100.127.255.255", AddressClass::SharedCgnat),
            ("100.128.0.0", AddressClass::Public),
            ("127.0.0.1", AddressClass::Loopback),
            ("127.0.0.2", AddressClass::Loopback),
            ("127.255.255.254", AddressClass::Loopback),
            ("169.254.169.254", AddressClass::LinkLocal),
            ("169.253.255.255", AddressClass::Public),
            ("172.15.255.255", AddressClass::Public),
            ("172.16.0.0", AddressClass::Private),
            ("172.31.255.255", AddressClass::Private),
            ("172.32.0.0", AddressClass::Public),
            ("192.0.0.8", AddressClass::Reserved),
            ("192.0.2.1", AddressClass::Reserved),
            ("192.88.99.1", AddressClass::Reserved),
            ("192.167.255.255", AddressClass::Public),
            ("192.168.1.1", AddressClass::Private),
            ("198.18.0.1", AddressClass::Reserved),
            ("198.19.255.255", AddressClass::Reserved),
            ("198.20.0.0", AddressClass::Public),
            ("198.51.100.7", AddressClass::Reserved),
            ("203.0.113.9", AddressClass::Reserved),
            ("223.255.255.255", AddressClass::Public),
            ("224.0.0.1", AddressClass::Multicast),
            ("239.255.255.250", AddressClass::Multicast),
            ("240.0.0.1", AddressClass::Reserved),
            ("255.255.255.254", AddressClass::Reserved),
            ("255.255.255.255", AddressClass::Broadcast),
            ("1.1.1.1", AddressClass::Public),
            ("8.8.8.8", AddressClass::Public),
            ("93.184.216.34", AddressClass::Public),
        ];
        for (text, class) in cases {
            assert_eq!(classify_address(text), class, "{text}");
            assert_eq!(class.is_public(), class == AddressClass::Public);
        }
    }

    #[test]
    fn every_ipv6_range_has_its_class() {
        let cases = [
            ("::", AddressClass::Unspecified),
            ("::1", AddressClass::Loopback),
            ("fe80::1", AddressClass::LinkLocal),
            ("febf:ffff::1", AddressClass::LinkLocal),
            ("fec0::1", AddressClass::Private),
            ("fc00::1", AddressClass::Private),
            ("fd12:3456:789a::1", AddressClass::Private),
            ("ff02::1", AddressClass::Multicast),
            ("ff0e::1", AddressClass::Multicast),
            ("2001::1", AddressClass::Reserved),
            ("2001:db8::1", AddressClass::Reserved),
            ("3fff::1", AddressClass::Reserved),
            ("100::1", AddressClass::Reserved),
            ("64:ff9b:1::1", AddressClass::Reserved),
            ("5f00::1", AddressClass::Reserved),
            ("2606:4700:4700::1111", AddressClass::Public),
            ("2a00:1450:4001:81b::200e", AddressClass::Public),
            ("2001:4860:4860::8888", AddressClass::Public),
        ];
        for (text, class) in cases {
            assert_eq!(classify_address(text), class, "{text}");
        }
    }

    #[test]
    fn ipv6_forms_that_embed_an_ipv4_address_take_its_class() {
        let cases = [
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("::ffff:7f00:1", AddressClass::Loopback),
            ("::ffff:10.1.2.3", AddressClass::Private),
            ("::ffff:169.254.169.254", AddressClass::LinkLocal),
            ("::ffff:8.8.8.8", AddressClass::Public),
            ("::ffff:0:127.0.0.1", AddressClass::Loopback),
            ("::127.0.0.1", AddressClass::Loopback),
            ("::192.168.0.1", AddressClass::Private),
            ("::8.8.8.8", AddressClass::Public),
            ("::2", AddressClass::ThisNetwork),
            ("64:ff9b::127.0.0.1", AddressClass::Loopback),
            ("64:ff9b::a9fe:a9fe", AddressClass::LinkLocal),
            ("64:ff9b::808:808", AddressClass::Public),
            ("2002:7f00:1::", AddressClass::Loopback),
            ("2002:a00:1::1", AddressClass::Private),
            ("2002:c0a8:101::5", AddressClass::Private),
            ("2002:808:808::1", AddressClass::Public),
            ("::ffff:255.255.255.255", AddressClass::Broadcast),
            ("::ffff:100.64.0.1", AddressClass::SharedCgnat),
        ];
        for (text, class) in cases {
            assert_eq!(classify_address(text), class, "{text}");
        }
    }

    #[test]
    fn brackets_and_zones_are_read_anything_else_is_unrecognized() {
        assert_eq!(classify_address("[::1]"), AddressClass::Loopback);
        assert_eq!(classify_address("fe80::1%eth0"), AddressClass::LinkLocal);
        assert_eq!(classify_address("[fe80::1%25en0]"), AddressClass::LinkLocal);
        for text in [
            "",
            "localhost",
            "127.1",
            "0x7f.0.0.1",
            "2130706433",
            "[::1",
            "1.2.3.4.5",
        ] {
            assert_eq!(classify_address(text), AddressClass::Unrecognized, "{text}");
            assert!(!classify_address(text).is_public());
        }
    }

    #[test]
    fn every_class_is_described_and_serialized_in_kebab_case() {
        assert_eq!(
            serde_json::to_value(AddressClass::SharedCgnat).unwrap(),
            "shared-cgnat"
        );
        assert_eq!(
            serde_json::to_value(AddressClass::LinkLocal).unwrap(),
            "link-local"
        );
        assert_eq!(AddressClass::Loopback.describe(), "a loopback address");
    }

    proptest! {
        #[test]
        fn ipv4_mapped_and_translated_and_nat64_and_6to4_forms_classify_like_the_ipv4_address(bits in any::<u32>(), tail in any::<u64>()) {
            let v4 = Ipv4Addr::from(bits);
            let class = classify_ip(IpAddr::V4(v4));
            let low = u128::from(bits);
            let mapped = Ipv6Addr::from(0xffff_u128 << 32 | low);
            prop_assert_eq!(mapped.to_ipv4_mapped(), Some(v4));
            prop_assert_eq!(classify_ip(IpAddr::V6(mapped)), class);
            let translated = Ipv6Addr::from(0xffff_u128 << 48 | low);
            prop_assert_eq!(classify_ip(IpAddr::V6(translated)), class);
            let nat64 = Ipv6Addr::from(0x0064_ff9b_u128 << 96 | low);
            prop_assert_eq!(classify_ip(IpAddr::V6(nat64)), class);
            let six_to_four = Ipv6Addr::from(0x2002_u128 << 112 | low << 80 | u128::from(tail));
            prop_assert_eq!(classify_ip(IpAddr::V6(six_to_four)), class);
            if bits > 1 {
                let compatible = Ipv6Addr::from(low);
                prop_assert_eq!(classify_ip(IpAddr::V6(compatible)), class);
            }
            // The text forms the host passes read the same.
            prop_assert_eq!(classify_address(&format!("[::ffff:{v4}]")), class);
            prop_assert_eq!(classify_address(&v4.to_string()), class);
        }

        #[test]
        fn only_global_unicast_ipv6_outside_its_special_blocks_is_public(bits in any::<u128>()) {
            let ip = Ipv6Addr::from(bits);
            let class = classify_ip(IpAddr::V6(ip));
            if class.is_public() {
                let global = in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3);
                let embeds = embedded_v4(ip);
                prop_assert!(global || embeds.is_some(), "{ip}");
                if let Some(v4) = embeds {
                    prop_assert!(classify_v4(v4).is_public());
                }
            }
        }
    }
}
