//! The plugin's options as an operator may see them (`GET /admin/sync/settings`): the effective options with every
//! secret masked and the credentials of the source URL hidden, which options the store configured, and which took
//! their value from the environment.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// Option keys whose values are secrets: never sent to the browser in clear.
pub const SECRET_OPTIONS: &[&str] = &["webhookSecret"];

/// Shortest secret whose last two characters may be shown: below it, they would give too much away.
const SECRET_TAIL_MIN_LEN: usize = 16;

/// The mask shown instead of a secret or a password.
const MASK: &str = "••••";

/// The plugin's npm name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PluginIdentity {
    /// npm name (the `resolve` a store puts in `medusa-config`).
    pub name: String,
    /// Version of the installed package; `null` when its package.json was not found.
    pub version: Option<String>,
}

/// What [`present_settings`] needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsInput {
    /// The plugin's name and version.
    pub plugin: PluginIdentity,
    /// The effective options (validated, defaults filled), as the core's option validation returned them.
    #[ts(type = "Record<string, unknown>")]
    pub options: Map<String, Value>,
    /// The option keys the store set in `medusa-config` (sorted); `null` when the plugin's entry was not found.
    pub configured: Option<Vec<String>>,
}

/// `GET /admin/sync/settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncSettings {
    /// The plugin's name and version.
    pub plugin: PluginIdentity,
    /// Effective options (defaults filled), secrets masked, source URL credentials hidden.
    #[ts(type = "Record<string, unknown>")]
    pub options: Map<String, Value>,
    /// Keys set in `medusa-config` (the others are defaults); `null` when unknown.
    pub configured: Option<Vec<String>>,
    /// Keys whose value came from an environment variable (`webhookSecret` from `CATALOG_SYNC_WEBHOOK_SECRET`).
    pub environment: Vec<String>,
    /// Keys whose values are masked.
    pub secrets: Vec<String>,
}

/// Shapes the settings answer.
///
/// ```
/// use catalog_sync::admin_api::{present_settings, PluginIdentity, SettingsInput};
/// let options = serde_json::json!({ "sourceUrl": "https://bot:hunter2@feed.example/", "webhookSecret": "0123456789abcdefXY" });
/// let settings = present_settings(SettingsInput {
///     plugin: PluginIdentity { name: "medusa-plugin-catalog-sync".into(), version: Some("0.1.0".into()) },
///     options: options.as_object().unwrap().clone(),
///     configured: Some(vec!["sourceUrl".into()]),
/// });
/// assert_eq!(settings.options["webhookSecret"], "••••XY");
/// assert_eq!(settings.options["sourceUrl"], "https://bot:••••@feed.example/");
/// assert_eq!(settings.environment, vec!["webhookSecret".to_string()]);
/// ```
pub fn present_settings(input: SettingsInput) -> SyncSettings {
    // The secret has no default: set without being configured, it came from the environment.
    let environment = match &input.configured {
        Some(configured) => SECRET_OPTIONS
            .iter()
            .filter(|key| !configured.iter().any(|c| c == *key))
            .filter(|key| {
                input
                    .options
                    .get(**key)
                    .is_some_and(|value| !value.is_null())
            })
            .map(|key| key.to_string())
            .collect(),
        None => Vec::new(),
    };
    let mut options = input.options;
    for key in SECRET_OPTIONS {
        if let Some(value) = options.get_mut(*key) {
            *value = mask_secret(value).map_or(Value::Null, Value::String);
        }
    }
    if let Some(Value::String(url)) = options.get_mut("sourceUrl") {
        *url = mask_url_credentials(url);
    }
    SyncSettings {
        plugin: input.plugin,
        options,
        configured: input.configured,
        environment,
        secrets: SECRET_OPTIONS.iter().map(|key| key.to_string()).collect(),
    }
}

/// A secret for display: `None` when unset, else the mask followed by its last two characters when it is long
/// enough for that to give nothing away, or the mask alone.
pub fn mask_secret(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(text) if text.is_empty() => return None,
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let chars: Vec<char> = text.chars().collect();
    if chars.len() >= SECRET_TAIL_MIN_LEN {
        Some(format!(
            "{MASK}{}",
            chars[chars.len() - 2..].iter().collect::<String>()
        ))
    } else {
        Some(MASK.to_string())
    }
}

/// A URL with the password of its credentials masked (`https://user:••••@host/`); any other text unchanged.
pub fn mask_url_credentials(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_len = url[authority_start..]
        .find(['/', '?', '#'])
        .unwrap_or(url.len() - authority_start);
    let authority = &url[authority_start..authority_start + authority_len];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_string();
    };
    if colon + 1 == at {
        return url.to_string();
    }
    format!(
        "{}{}:{MASK}{}",
        &url[..authority_start],
        &authority[..colon],
        &url[authority_start + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(options: Value, configured: Option<&[&str]>) -> SyncSettings {
        present_settings(SettingsInput {
            plugin: PluginIdentity {
                name: "medusa-plugin-catalog-sync".into(),
                version: None,
            },
            options: options.as_object().unwrap().clone(),
            configured: configured.map(|keys| keys.iter().map(|k| k.to_string()).collect()),
        })
    }

    #[test]
    fn a_short_secret_shows_the_mask_alone_and_an_unset_one_null() {
        assert_eq!(
            settings(json!({ "webhookSecret": "short" }), None).options["webhookSecret"],
            "••••"
        );
        assert_eq!(
            settings(json!({ "webhookSecret": null }), None).options["webhookSecret"],
            Value::Null
        );
        assert_eq!(
            settings(json!({ "webhookSecret": "" }), None).options["webhookSecret"],
            Value::Null
        );
    }

    #[test]
    fn a_configured_secret_is_not_from_the_environment_and_unknown_configuration_says_nothing() {
        let secret = json!({ "webhookSecret": "0123456789abcdef" });
        assert!(settings(secret.clone(), Some(&["webhookSecret"]))
            .environment
            .is_empty());
        assert!(settings(secret.clone(), None).environment.is_empty());
        assert_eq!(
            settings(secret, Some(&[])).environment,
            vec!["webhookSecret"]
        );
        assert!(settings(json!({ "webhookSecret": null }), Some(&[]))
            .environment
            .is_empty());
    }

    #[test]
    fn only_a_password_in_the_url_is_masked() {
        assert_eq!(
            mask_url_credentials("https://u:p@h.example:8080/x?y=1"),
            "https://u:••••@h.example:8080/x?y=1"
        );
        assert_eq!(
            mask_url_credentials("https://user@h.example/"),
            "https://user@h.example/"
        );
        assert_eq!(
            mask_url_credentials("https://h.example/a@b:c"),
            "https://h.example/a@b:c"
        );
        assert_eq!(mask_url_credentials("not a url"), "not a url");
        assert_eq!(mask_url_credentials("http://u:p:q@h/"), "http://u:••••@h/");
    }

    #[test]
    fn other_options_pass_through_and_the_secret_list_is_named() {
        let shown = settings(
            json!({ "pageSize": 100, "sourceUrl": "https://dummyjson.com" }),
            None,
        );
        assert_eq!(shown.options["pageSize"], 100);
        assert_eq!(shown.options["sourceUrl"], "https://dummyjson.com");
        assert_eq!(shown.secrets, vec!["webhookSecret"]);
    }
}
