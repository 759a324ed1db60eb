//! Exports of [`crate::outbound`]: whether an address an image request is about to connect to is public.

use wasm_bindgen::prelude::*;

use super::{export, Objects};
use crate::outbound;

/// The class of an IP address as the host resolved it (dotted IPv4, or IPv6 with or without brackets and zone):
/// `"public"`, or why it is not (`"loopback"`, `"private"`, `"link-local"`, `"shared-cgnat"`, `"multicast"`,
/// `"unspecified"`, `"this-network"`, `"broadcast"`, `"reserved"`, `"unrecognized"`). IPv6 forms that embed an
/// IPv4 address (`::ffff:127.0.0.1`, `64:ff9b::…`, `2002:…`) take that address's class.
///
/// ```js
/// classifyAddress("93.184.216.34");        // "public"
/// classifyAddress("::ffff:169.254.169.254"); // "link-local": refuse the connection
/// ```
#[wasm_bindgen(js_name = classifyAddress, unchecked_return_type = "AddressClass")]
pub fn classify_address(address: &str) -> Result<JsValue, JsValue> {
    export("classifyAddress", |_| {
        Ok(Objects(outbound::classify_address(address)))
    })
}
