//! [`CoreError`]: every error the core reports across the boundary, with a stable code and structured details.
//!
//! Each module has its own error type with a `code()`; `CoreError` wraps them so the boundary turns any of
//! them into a JavaScript `Error` whose `.code` is the stable code and `.details` the structured details.

use serde_json::{json, Value};

use crate::{
    fetch::FetchError, model::CoreErrorCode, options::OptionsError, paging::PagingError,
    plan::PlannerError, retry::RetryInputError, store::StoreSetupError, webhook::WebhookError,
};

/// Any error of the core, as reported to the host.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    /// A plugin option is invalid (`INVALID_OPTION`).
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// Fetch planning failed, e.g. a malformed page (`MALFORMED_PAGE`).
    #[error(transparent)]
    Paging(#[from] PagingError),
    /// A run's fetch failed (`SOURCE_*`, `RUN_TIMEOUT`).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A retry decision was asked with invalid input (`INVALID_INPUT`).
    #[error(transparent)]
    Retry(#[from] RetryInputError),
    /// A webhook call is refused (`WEBHOOK_*`).
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// The store cannot be synced into (`STORE_NOT_READY`, `UNKNOWN_SALES_CHANNEL`, `UNKNOWN_STOCK_LOCATION`).
    #[error(transparent)]
    StoreSetup(#[from] StoreSetupError),
    /// A planner was called out of order or given other bodies than it read (`INVALID_INPUT`).
    #[error(transparent)]
    Plan(#[from] PlannerError),
    /// The host passed a value of the wrong shape to a core function (`INVALID_INPUT`).
    #[error("{function}: invalid input at \"{path}\": {reason}")]
    InvalidInput {
        /// The JavaScript name of the function called.
        function: &'static str,
        /// Where in the input the problem is (`.`-separated path, `.` for the whole input).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A result could not be converted for JavaScript (`INTERNAL_ERROR`; a bug, or a number beyond 2^53).
    #[error("{function}: the result cannot be handed to JavaScript: {reason}")]
    Output {
        /// The JavaScript name of the function called.
        function: &'static str,
        /// What failed.
        reason: String,
    },
    /// A host function injected into the core failed or answered the wrong type (`HOST_CALL_FAILED`).
    #[error("host function {function} failed for {url}: {reason}")]
    HostCall {
        /// The injected function's parameter name, e.g. `fetchPage`.
        function: &'static str,
        /// The URL of the request the host was asked to perform.
        url: String,
        /// The host's error message or what was wrong with its answer.
        reason: String,
    },
}

impl CoreError {
    /// The stable, machine-readable error code.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            CoreError::Options(error) => error.code(),
            CoreError::Paging(error) => error.code(),
            CoreError::Fetch(error) => error.code(),
            CoreError::Retry(error) => error.code(),
            CoreError::Webhook(error) => error.code(),
            CoreError::StoreSetup(error) => error.code(),
            CoreError::Plan(_) | CoreError::InvalidInput { .. } => CoreErrorCode::InvalidInput,
            CoreError::Output { .. } => CoreErrorCode::InternalError,
            CoreError::HostCall { .. } => CoreErrorCode::HostCallFailed,
        }
    }

    /// Structured details (a JSON object) for programs and logs.
    pub fn details(&self) -> Value {
        match self {
            CoreError::Options(error) => error.details(),
            CoreError::Paging(error) => error.details(),
            CoreError::Fetch(error) => error.details(),
            CoreError::Retry(error) => error.details(),
            CoreError::Webhook(error) => error.details(),
            CoreError::StoreSetup(error) => error.details(),
            CoreError::Plan(error) => json!({ "reason": error.to_string() }),
            CoreError::InvalidInput {
                function,
                path,
                reason,
            } => {
                json!({ "function": function, "path": path, "reason": reason })
            }
            CoreError::Output { function, reason } => {
                json!({ "function": function, "reason": reason })
            }
            CoreError::HostCall {
                function,
                url,
                reason,
            } => {
                json!({ "function": function, "url": url, "reason": reason })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{validate_options, PluginOptionsInput};

    #[test]
    fn module_errors_keep_their_code_message_and_details() {
        let raw = PluginOptionsInput {
            page_size: Some(json!("abc")),
            ..PluginOptionsInput::default()
        };
        let error = CoreError::from(validate_options(&raw).unwrap_err());
        assert_eq!(error.code().as_str(), "INVALID_OPTION");
        assert_eq!(
            error.details(),
            json!({ "option": "pageSize", "value": "abc" })
        );
        assert_eq!(
            error.to_string(),
            "catalog-sync option \"pageSize\" must be an integer between 1 and 1000 (got \"abc\")"
        );
        let page = CoreError::from(crate::paging::read_page_header("{").unwrap_err());
        assert_eq!(page.code().as_str(), "MALFORMED_PAGE");
        assert!(page.details()["reason"]
            .as_str()
            .unwrap()
            .contains("truncated"));
        let webhook = CoreError::from(WebhookError::SignatureMismatch);
        assert_eq!(webhook.code().as_str(), "WEBHOOK_SIGNATURE_MISMATCH");
    }

    #[test]
    fn boundary_errors_name_function_and_place() {
        let error = CoreError::InvalidInput {
            function: "planCatalog",
            path: "pages".to_string(),
            reason: "invalid type: string \"x\", expected a sequence".to_string(),
        };
        assert_eq!(error.code().as_str(), "INVALID_INPUT");
        assert_eq!(
            error.to_string(),
            "planCatalog: invalid input at \"pages\": invalid type: string \"x\", expected a sequence"
        );
        let host = CoreError::HostCall {
            function: "fetchPage",
            url: "http://x/p".into(),
            reason: "boom".into(),
        };
        assert_eq!(host.code().as_str(), "HOST_CALL_FAILED");
        assert_eq!(
            host.details(),
            json!({ "function": "fetchPage", "url": "http://x/p", "reason": "boom" })
        );
    }
}
