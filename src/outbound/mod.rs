//! Where the sync may send requests.
//!
//! * [`Origin`]: the scheme, host and port of a URL. The configured `sourceUrl`'s origin is trusted: page,
//!   product and category requests never leave it (a redirect out of it is refused), and image URLs on it are
//!   fetched as they are. The `imageHosts` option lists more trusted origins (private image hosts, on purpose).
//! * [`classify_address`]: whether an IP address is public. An image on any other origin is fetched only when
//!   every address its host resolves to is public: loopback, private, link-local, shared (CGNAT), multicast,
//!   unspecified, broadcast and reserved addresses are refused, in IPv4 and in every IPv6 form that embeds an
//!   IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`).
//!
//! * [`TrustedOrigins::check_hop`]: each hop of an image request (the URL, then each redirect's target, at most
//!   [`MAX_REDIRECTS`]) is requested as it is on a trusted origin, only to public addresses elsewhere, and a
//!   [`Refusal`] says why one was not, in words that give no URL, port or status of the refused host.
//!
//! The host resolves names itself and asks [`classify_address`] about every address it is about to connect to
//! (so a name that resolves to a public address first and a private one later gains nothing).

mod address;
mod origin;
mod trust;

/// Redirects followed for one request, at most (source requests and image requests alike).
pub const MAX_REDIRECTS: u32 = 3;

pub use address::{classify_address, classify_ip, AddressClass};
pub use origin::{Origin, OriginError, Scheme};
pub use trust::{HopCheck, Refusal, TrustedOrigins};
