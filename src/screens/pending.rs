use yew::prelude::*;

use crate::components::screen_heading::ScreenHeading;

#[derive(Debug, Properties, PartialEq)]
pub struct PendingProps {
    pub title: AttrValue,
    /// What the screen is for, in one sentence.
    pub intro: AttrValue,
    /// What will be here once the screen is built.
    pub coming: AttrValue,
}

/// A screen whose work is not built yet: it says what it is for and what will come, so a
/// worker who opens it is never left guessing.
#[function_component(Pending)]
pub fn pending(props: &PendingProps) -> Html {
    html! {
        <section class="pending" aria-labelledby="screen-title">
            <ScreenHeading title={props.title.clone()} />
            <p>{ props.intro.clone() }</p>
            <p class="pending-coming" id="screen-coming">{ props.coming.clone() }</p>
        </section>
    }
}
