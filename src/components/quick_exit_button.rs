use yew::prelude::*;

#[derive(Debug, Properties, PartialEq)]
pub struct QuickExitButtonProps {
    pub onexit: Callback<()>,
}

/// The always-visible way out. It says what it does in plain words, and also what the
/// keyboard shortcut is, for workers who cannot reach for the mouse.
#[function_component(QuickExitButton)]
pub fn quick_exit_button(props: &QuickExitButtonProps) -> Html {
    let onclick = props.onexit.reform(|_: MouseEvent| ());
    html! {
        <button type="button" class="quick-exit" id="quick-exit" {onclick}
            aria-describedby="quick-exit-hint">
            { "Quick exit" }
            <span class="quick-exit-hint" id="quick-exit-hint">{ "or press Esc twice" }</span>
        </button>
    }
}
