//! Files of the device: a sealed packet handed to the worker as a file, for delivery by
//! hand (a USB stick, an encrypted mail), and the agency key file the worker chooses to
//! unlock the inbox. Only sealed packets are ever saved this way, and a key file is only
//! read.

use wasm_bindgen::JsCast;

/// The browser would not make the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRefused;

/// Offers `text` as a download named `name`. The file is made in memory (a `blob:`
/// address that lives only for this call), so nothing passes through the network, the
/// address bar or the history.
pub fn save(name: &str, text: &str, media_type: &str) -> Result<(), FileRefused> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| FileRefused)?;
    let address = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| FileRefused)?;
    let document = gloo::utils::document();
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| FileRefused)?
        .dyn_into()
        .map_err(|_| FileRefused)?;
    link.set_href(&address);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&address);
    Ok(())
}

/// Why a chosen file could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileUnreadable {
    /// Larger than the caller accepts; nothing of it was read.
    TooLarge,
    /// The browser could not read it, or it is not text.
    NotText,
}

/// Reads the file the worker chose, as text, if it is at most `max_len` bytes. The file
/// stays on the device: it is read into the page's memory only.
pub async fn read_text(file: &web_sys::File, max_len: usize) -> Result<String, FileUnreadable> {
    if file.size() > max_len as f64 {
        return Err(FileUnreadable::TooLarge);
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| FileUnreadable::NotText)?;
    text.as_string().ok_or(FileUnreadable::NotText)
}
