//! Handing a sealed packet to the worker as a file, for delivery by hand (a USB stick, an
//! encrypted mail). Only sealed packets are ever saved this way.

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
