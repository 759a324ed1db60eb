//! Which origins are trusted, and the check of each hop of an image request.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{AddressClass, Origin, MAX_REDIRECTS};

/// Why an image request was refused before it went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Refusal {
    /// The host of hop `hop` (0: the image URL itself, 1 and more: a redirect's target) resolves to an address
    /// that is not public.
    Address {
        /// What the address is.
        class: AddressClass,
        /// The hop.
        hop: u32,
    },
    /// The URL (hop 0), or a redirect's target, is not an http(s) URL.
    Scheme {
        /// The hop.
        hop: u32,
    },
    /// The image was redirected more than [`MAX_REDIRECTS`] times.
    Redirects,
}

impl Refusal {
    /// The reason in words, without URL, port or status of the refused host: `the host resolves to a loopback
    /// address`, `a redirect leads to a host that resolves to a private address`.
    pub fn describe(&self) -> String {
        match self {
            Refusal::Address { class, hop: 0 } => {
                format!("the host resolves to {}", class.describe())
            }
            Refusal::Address { class, .. } => {
                format!(
                    "a redirect leads to a host that resolves to {}",
                    class.describe()
                )
            }
            Refusal::Scheme { hop: 0 } => "the URL is not a valid http(s) URL".to_string(),
            Refusal::Scheme { .. } => "a redirect leads to a URL that is not http(s)".to_string(),
            Refusal::Redirects => format!("more than {MAX_REDIRECTS} redirects"),
        }
    }
}

/// What to do with one hop of an image request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum HopCheck {
    /// Send the request. With `checkAddress`, connect only when every address the host resolves to is public
    /// (ask `classifyAddress` about each one, at connect time); else the origin is trusted and not checked.
    Request {
        /// Whether the addresses must be checked.
        check_address: bool,
    },
    /// Do not send it.
    Refuse {
        /// Why.
        refusal: Refusal,
    },
}

/// The trusted origins of a run: the source's and the `imageHosts` option's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedOrigins {
    origins: Vec<Origin>,
}

impl TrustedOrigins {
    /// The origins of `source_url` and of each of `image_hosts` (texts that are not origins are left out: the
    /// options were validated).
    pub fn new(source_url: &str, image_hosts: &[String]) -> Self {
        let source = Origin::of_url(source_url).ok();
        let hosts = image_hosts
            .iter()
            .filter_map(|host| Origin::parse(host).ok());
        TrustedOrigins {
            origins: source.into_iter().chain(hosts).collect(),
        }
    }

    /// Whether a URL's origin is trusted.
    pub fn trusts(&self, url: &str) -> bool {
        Origin::of_url(url).is_ok_and(|origin| self.origins.contains(&origin))
    }

    /// Checks hop `hop` of an image request (0: the image URL, n: the target of the n-th redirect): more than
    /// [`MAX_REDIRECTS`] redirects, or a URL that is not http(s), is refused; a trusted origin is requested as it
    /// is; any other origin only if its addresses are public.
    ///
    /// ```
    /// use catalog_sync::outbound::{HopCheck, TrustedOrigins};
    /// let trusted = TrustedOrigins::new("http://127.0.0.1:4010", &["http://10.0.0.5:8080".to_string()]);
    /// assert_eq!(trusted.check_hop("http://127.0.0.1:4010/images/1.png", 0), HopCheck::Request { check_address: false });
    /// assert_eq!(trusted.check_hop("http://127.0.0.1:4011/x.png", 1), HopCheck::Request { check_address: true });
    /// assert!(matches!(trusted.check_hop("http://a.test/x.png", 4), HopCheck::Refuse { .. }));
    /// ```
    pub fn check_hop(&self, url: &str, hop: u32) -> HopCheck {
        if hop > MAX_REDIRECTS {
            return HopCheck::Refuse {
                refusal: Refusal::Redirects,
            };
        }
        match Origin::of_url(url) {
            Err(_) => HopCheck::Refuse {
                refusal: Refusal::Scheme { hop },
            },
            Ok(origin) => HopCheck::Request {
                check_address: !self.origins.contains(&origin),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted() -> TrustedOrigins {
        TrustedOrigins::new(
            "http://127.0.0.1:4010/api",
            &[
                "http://10.0.0.5:8080".to_string(),
                "not an origin".to_string(),
            ],
        )
    }

    #[test]
    fn the_source_origin_and_the_image_hosts_are_trusted_nothing_else() {
        let trusted = trusted();
        assert!(trusted.trusts("http://127.0.0.1:4010/images/products/1/1.png"));
        assert!(trusted.trusts("HTTP://127.0.0.1:4010/redirect?to=x"));
        assert!(trusted.trusts("http://10.0.0.5:8080/a.png"));
        for url in [
            "http://127.0.0.1:4011/a.png",
            "https://127.0.0.1:4010/a.png",
            "http://localhost:4010/a.png",
            "http://10.0.0.5/a.png",
            "http://169.254.169.254/latest",
            "file:///etc/passwd",
        ] {
            assert!(!trusted.trusts(url), "{url}");
        }
    }

    #[test]
    fn each_hop_is_checked() {
        let trusted = trusted();
        assert_eq!(
            trusted.check_hop("http://127.0.0.1:4010/redirect/p/3.png?hops=2", 0),
            HopCheck::Request {
                check_address: false
            }
        );
        assert_eq!(
            trusted.check_hop("http://127.0.0.1:9262/x.png", 1),
            HopCheck::Request {
                check_address: true
            }
        );
        assert_eq!(
            trusted.check_hop("https://cdn.dummyjson.com/a.webp", 3),
            HopCheck::Request {
                check_address: true
            }
        );
        assert_eq!(
            trusted.check_hop("https://cdn.dummyjson.com/a.webp", 4),
            HopCheck::Refuse {
                refusal: Refusal::Redirects
            }
        );
        assert_eq!(
            trusted.check_hop("gopher://127.0.0.1:6379/_x", 1),
            HopCheck::Refuse {
                refusal: Refusal::Scheme { hop: 1 }
            }
        );
    }

    #[test]
    fn a_refusal_names_no_url_port_or_status() {
        let direct = Refusal::Address {
            class: AddressClass::Loopback,
            hop: 0,
        };
        assert_eq!(direct.describe(), "the host resolves to a loopback address");
        let redirected = Refusal::Address {
            class: AddressClass::LinkLocal,
            hop: 2,
        };
        assert_eq!(
            redirected.describe(),
            "a redirect leads to a host that resolves to a link-local address"
        );
        assert_eq!(Refusal::Redirects.describe(), "more than 3 redirects");
        for refusal in [
            direct,
            redirected,
            Refusal::Scheme { hop: 0 },
            Refusal::Scheme { hop: 1 },
        ] {
            let text = refusal.describe();
            assert!(
                !text.contains(':') && !text.chars().any(|c| c.is_ascii_digit()),
                "{text}"
            );
        }
        let json = serde_json::to_value(direct).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "kind": "address", "class": "loopback", "hop": 0 })
        );
        let check = serde_json::to_value(HopCheck::Request {
            check_address: true,
        })
        .unwrap();
        assert_eq!(
            check,
            serde_json::json!({ "action": "request", "checkAddress": true })
        );
    }
}
