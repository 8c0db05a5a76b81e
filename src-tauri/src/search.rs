//! Search (検索): the visits whose notes, next steps or teacher summaries contain what the
//! supporter typed, under filters, one page at a time. The store does the work; see
//! `salon_store::search`.

use salon_store::{SearchPage, SearchQuery};
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

/// One page of results, newest first, with the total for paging. Snippets come as segments
/// `{text, hit}`, never markup. Runs off the UI thread: it is called as the supporter types.
#[tauri::command(async)]
pub fn search_visits(
    state: State<'_, AppState>,
    query: SearchQuery,
) -> Result<SearchPage, IpcError> {
    state.with_store(|s| Ok(s.search(&query)?))
}
