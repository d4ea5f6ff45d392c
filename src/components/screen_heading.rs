use yew::prelude::*;

#[derive(Debug, Properties, PartialEq)]
pub struct ScreenHeadingProps {
    pub title: AttrValue,
}

/// The heading of a screen. It takes the keyboard focus when the screen opens, so that a
/// screen reader announces where the worker now is and Tab continues from there.
#[function_component(ScreenHeading)]
pub fn screen_heading(props: &ScreenHeadingProps) -> Html {
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with(props.title.clone(), move |_| {
            if let Some(heading) = heading.cast::<web_sys::Element>() {
                crate::browser::focus::focus(&heading);
            }
        });
    }
    html! { <h1 id="screen-title" ref={heading} tabindex="-1">{ props.title.clone() }</h1> }
}
