//! Every rejection is a coded error: its code is one of the core's generated codes, documented for the function
//! that returned it, and its message is short whatever the input.

use catalog_sync::model::{CoreErrorCode, RunError, RunErrorCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The longest error message accepted: a message quotes at most a short excerpt of the input.
pub const MESSAGE_LIMIT: usize = 1024;

/// The [`RunErrorCode`] a run error's code text is; fails the case when it is none of this version's codes.
pub fn run_error_code(error: &RunError) -> Result<RunErrorCode, TestCaseError> {
    RunErrorCode::ALL
        .iter()
        .copied()
        .find(|code| code.as_str() == error.code)
        .ok_or_else(|| TestCaseError::fail(format!("{error:?}: not a RunErrorCode")))
}

/// Fails the case unless `code` is one of the codes `documented` for the function that returned it.
pub fn core_code_is(
    code: CoreErrorCode,
    documented: &[CoreErrorCode],
) -> Result<(), TestCaseError> {
    prop_assert!(
        CoreErrorCode::ALL.contains(&code) && documented.contains(&code),
        "code {code} is not one of {documented:?}"
    );
    Ok(())
}

/// Fails the case when a message is empty or longer than [`MESSAGE_LIMIT`].
pub fn message_is_short(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !message.trim().is_empty() && message.len() <= MESSAGE_LIMIT,
        "message of {} bytes: {}",
        message.len(),
        message.chars().take(300).collect::<String>()
    );
    Ok(())
}
