//! Origins: the scheme, host and port a request goes to.

use std::fmt;

/// The scheme of an origin (only http and https are ever requested).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443.
    Https,
}

impl Scheme {
    /// The port a URL of this scheme without an explicit port goes to.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The origin of a URL: scheme, lowercase host (an IPv6 host keeps its brackets) and port (the scheme's default
/// when the URL has none). Two URLs go to the same server exactly when their origins are equal.
///
/// ```
/// use catalog_sync::outbound::Origin;
/// let source = Origin::of_url("http://127.0.0.1:4010/products?limit=30").unwrap();
/// assert_eq!(source, Origin::of_url("HTTP://127.0.0.1:4010/redirect").unwrap());
/// assert_ne!(source, Origin::of_url("http://127.0.0.1:4011/x.png").unwrap());
/// assert_eq!(Origin::parse("https://Images.Example:443/").unwrap().to_string(), "https://images.example");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: Scheme,
    host: String,
    port: u16,
}

/// A text that is not an http(s) URL or origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// The scheme is missing or not `http`/`https`.
    #[error("not an http(s) URL")]
    Scheme,
    /// The host is missing or holds characters no host has.
    #[error("no valid host")]
    Host,
    /// The port is not a number from 0 to 65535.
    #[error("not a valid port")]
    Port,
    /// An origin was expected, but the text has a path, a query, a fragment or user information.
    #[error("more than scheme, host and port")]
    NotAnOrigin,
}

impl Origin {
    /// The origin of an absolute http(s) URL (user information, if any, is not part of it).
    pub fn of_url(url: &str) -> Result<Origin, OriginError> {
        let (scheme, rest) = split_scheme(url)?;
        let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        Origin::from_parts(scheme, host_port)
    }

    /// An origin written as `scheme://host[:port]`, optionally with a trailing `/` (the `imageHosts` option).
    pub fn parse(text: &str) -> Result<Origin, OriginError> {
        let (scheme, rest) = split_scheme(text)?;
        let host_port = rest.strip_suffix('/').unwrap_or(rest);
        if host_port.contains(['/', '?', '#', '\\', '@']) {
            return Err(OriginError::NotAnOrigin);
        }
        Origin::from_parts(scheme, host_port)
    }

    fn from_parts(scheme: Scheme, host_port: &str) -> Result<Origin, OriginError> {
        let (host, port) = match host_port.strip_prefix('[') {
            Some(bracketed) => {
                let close = bracketed.find(']').ok_or(OriginError::Host)?;
                let port = &bracketed[close + 1..];
                let port = match port.strip_prefix(':') {
                    Some(port) => port,
                    None if port.is_empty() => "",
                    None => return Err(OriginError::Port),
                };
                (&host_port[..close + 2], port)
            }
            None => match host_port.rsplit_once(':') {
                Some((host, port)) => (host, port),
                None => (host_port, ""),
            },
        };
        let bad_char = |c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '@' | '\\' | '%')
        };
        if host.is_empty() || host == "[]" || host.chars().any(bad_char) {
            return Err(OriginError::Host);
        }
        let port = if port.is_empty() {
            scheme.default_port()
        } else if port.bytes().all(|b| b.is_ascii_digit()) && port.len() <= 5 {
            port.parse::<u16>().map_err(|_| OriginError::Port)?
        } else {
            return Err(OriginError::Port);
        };
        Ok(Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// The lowercase host, with brackets for an IPv6 address.
    pub fn host(&self) -> &str {
        &self.host
    }
}

/// `http://` or `https://` (any case) and what follows.
fn split_scheme(text: &str) -> Result<(Scheme, &str), OriginError> {
    let (scheme, rest) = text.split_once("://").ok_or(OriginError::Scheme)?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        _ => return Err(OriginError::Scheme),
    };
    Ok((scheme, rest))
}

impl fmt::Display for Origin {
    /// `scheme://host`, with `:port` when it is not the scheme's default.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}://{}", self.scheme.as_str(), self.host)?;
        if self.port != self.scheme.default_port() {
            write!(formatter, ":{}", self.port)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> String {
        Origin::of_url(url).unwrap().to_string()
    }

    #[test]
    fn the_origin_of_a_url_is_scheme_host_and_port() {
        assert_eq!(
            origin("http://127.0.0.1:4010/products?limit=30&skip=0"),
            "http://127.0.0.1:4010"
        );
        assert_eq!(origin("https://DummyJSON.com"), "https://dummyjson.com");
        assert_eq!(
            origin("https://dummyjson.com:443/x"),
            "https://dummyjson.com"
        );
        assert_eq!(
            origin("http://dummyjson.com:443/x"),
            "http://dummyjson.com:443"
        );
        assert_eq!(origin("http://[::1]:8080/a.png"), "http://[::1]:8080");
        assert_eq!(origin("http://[::1]/a.png"), "http://[::1]");
        assert_eq!(origin("http://x.test:/a"), "http://x.test");
        assert_eq!(origin("http://x.test?q#f"), "http://x.test");
        assert_eq!(
            origin("http://127.0.0.1:4010@169.254.169.254/latest"),
            "http://169.254.169.254",
            "user information is not the host"
        );
        let a = Origin::of_url("http://a.test/").unwrap();
        assert_eq!(a.host(), "a.test");
        assert_ne!(a, Origin::of_url("https://a.test/").unwrap());
        assert_ne!(a, Origin::of_url("http://a.test:81/").unwrap());
    }

    #[test]
    fn what_is_not_an_http_url_has_no_origin() {
        for (url, error) in [
            ("ftp://x.test/a", OriginError::Scheme),
            ("javascript:alert(1)", OriginError::Scheme),
            ("//x.test/a", OriginError::Scheme),
            ("/relative/a.png", OriginError::Scheme),
            ("http:///a.png", OriginError::Host),
            ("http://:80/a.png", OriginError::Host),
            ("http://[::1/a.png", OriginError::Host),
            ("http://[]/a", OriginError::Host),
            ("http://a b/", OriginError::Host),
            ("http://x.test:99999/", OriginError::Port),
            ("http://x.test:8o/", OriginError::Port),
            ("http://[::1]x/", OriginError::Port),
        ] {
            assert_eq!(Origin::of_url(url), Err(error), "{url}");
        }
    }

    #[test]
    fn an_origin_option_has_nothing_but_scheme_host_and_port() {
        assert_eq!(
            Origin::parse("http://10.0.0.5:8080").unwrap().to_string(),
            "http://10.0.0.5:8080"
        );
        assert_eq!(
            Origin::parse("HTTPS://Images.Internal/")
                .unwrap()
                .to_string(),
            "https://images.internal"
        );
        for text in [
            "http://x.test/images",
            "http://x.test/?a",
            "http://x.test#f",
            "http://user@x.test",
            "x.test",
            "http://",
        ] {
            assert!(Origin::parse(text).is_err(), "{text}");
        }
    }
}
