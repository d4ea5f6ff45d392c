use yew::prelude::*;

#[derive(Debug)]
pub struct QuickExitButtonProps {
    pub onexit: Callback<()>,
    pub language: AttrValue,
}

/// The always-visible way out. It says what it does in plain words, and also what the
/// keyboard shortcut is, for workers who cannot reach for the mouse. A plain function of
/// its props, like the stateless screens (see `crate::screens`).
pub fn quick_exit_button(props: &QuickExitButtonProps) -> Html {
    let onclick = props.onexit.reform(|_: MouseEvent| ());
    let words = crate::interface_text::for_language(&props.language);
    html! {
        <button type="button" class="quick-exit" id="quick-exit" {onclick}
            aria-describedby="quick-exit-hint">
            { words.quick_exit() }
            <span class="quick-exit-hint" id="quick-exit-hint">{ words.quick_exit_hint() }</span>
        </button>
    }
}
