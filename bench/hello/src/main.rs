use yew::prelude::*;

#[cfg(not(feature = "fluent"))]
fn greeting() -> String {
    "Hello".to_owned()
}

/// The greeting through Project Fluent: a bundle, a resource parsed at start-up, and a
/// message with a plural selector, as the app's interface words would need.
#[cfg(feature = "fluent")]
fn greeting() -> String {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    let source = "hello = { $count ->\n    [one] Hello\n   *[other] Hello, all { $count }\n}\n";
    let Ok(resource) = FluentResource::try_new(source.to_owned()) else {
        return String::new();
    };
    let language: unic_langid::LanguageIdentifier = "en".parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![language]);
    if bundle.add_resource(resource).is_err() {
        return String::new();
    }
    let mut args = FluentArgs::new();
    args.set("count", 1);
    let mut errors = Vec::new();
    bundle
        .get_message("hello")
        .and_then(|message| message.value())
        .map(|pattern| {
            bundle
                .format_pattern(pattern, Some(&args), &mut errors)
                .into_owned()
        })
        .unwrap_or_default()
}

#[function_component(Hello)]
fn hello() -> Html {
    html! { <h1>{ greeting() }</h1> }
}

fn main() {
    yew::Renderer::<Hello>::new().render();
}
