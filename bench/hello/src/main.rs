use yew::prelude::*;

#[function_component(Hello)]
fn hello() -> Html {
    html! { <h1>{ "Hello" }</h1> }
}

fn main() {
    yew::Renderer::<Hello>::new().render();
}
