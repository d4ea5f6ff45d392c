use yew::prelude::*;

use crate::app::Screen;
use crate::components::screen_heading::ScreenHeading;

#[derive(Debug, Properties, PartialEq)]
pub struct HomeProps {
    pub onopen: Callback<Screen>,
}

/// The four things a worker comes to Confidant for.
#[function_component(Home)]
pub fn home(props: &HomeProps) -> Html {
    let entry = |screen: Screen, title: &'static str, about: &'static str| {
        let onclick = props.onopen.reform(move |_: MouseEvent| screen);
        html! {
            <li>
                <button type="button" class="home-entry" {onclick}>
                    <span class="home-entry-title">{ title }</span>
                    <span class="home-entry-about">{ about }</span>
                </button>
            </li>
        }
    };
    html! {
        <>
            <ScreenHeading title="What do you need to do?" />
            <ul class="home-entries">
                { entry(Screen::Identify, "Identify",
                    "Go through the indicators of trafficking with a person.") }
                { entry(Screen::Refer, "Refer",
                    "Send a sealed referral to partner agencies.") }
                { entry(Screen::Inbox, "Inbox",
                    "Open the referrals addressed to your agency.") }
                { entry(Screen::GroupChecklists, "Group checklists",
                    "Set up and review your multi-agency group's agreements.") }
            </ul>
        </>
    }
}
