//! Partner sites embedding a form, as the server and the command line see them: a partner
//! is registered per origin and form with fixed agencies; only its embed route lets that
//! origin frame the app, and every other route, partner, form or origin stays
//! unframeable; the API answers no CORS; the snippet carries a sandboxed frame that pins
//! its recipients, and the resizing script by a hash of exactly what the server sends.
#![allow(clippy::unwrap_used)]

mod common;

use base64ct::{Base64, Encoding};
use common::{Scratch, Server, confidant, ok, refused, register_agency, request};
use sha2::{Digest, Sha384};

const ORIGIN: &str = "https://ngo.example";

fn unframeable(response: &common::Response) {
    let policy = response.header("content-security-policy").unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains(ORIGIN), "{policy}");
    assert_eq!(response.header("x-frame-options"), Some("DENY"));
}

#[test]
fn a_partner_frames_its_form_alone_and_nothing_else_is_framed_or_shared() {
    let scratch = Scratch::new("embedding");
    let data = scratch.path("data");
    let d = data.to_str().unwrap();
    let shelter = register_agency(&scratch, &data, "Shelter North");
    let police = register_agency(&scratch, &data, "Police unit");
    let (shelter_kid, police_kid) = (shelter.keys.public.kid(), police.keys.public.kid());

    // What the operator may not register.
    let add = |origin: &str, form: &str, to: &[&str]| {
        let mut args = vec![
            "partner", "add", "--data", d, "--origin", origin, "--name", "Hotline", "--form", form,
        ];
        // `--to=KID`: a key id may begin with `--`.
        let to: Vec<String> = to.iter().map(|kid| format!("--to={kid}")).collect();
        args.extend(to.iter().map(String::as_str));
        confidant(&args, "")
    };
    for (origin, form, to, why) in [
        (
            "https://ngo.example/report",
            "referral",
            vec![shelter_kid],
            "must be an origin",
        ),
        (
            "https://ngo.example 'self'",
            "referral",
            vec![shelter_kid],
            "must be an origin",
        ),
        (
            "*",
            "referral",
            vec![shelter_kid],
            "must start with https://",
        ),
        (ORIGIN, "../referral", vec![shelter_kid], "is not a form id"),
        (
            ORIGIN,
            "referral",
            vec!["no-such-kid"],
            "no agency with key id",
        ),
        (ORIGIN, "referral", vec![], "--to KID"),
        (
            ORIGIN,
            "referral",
            vec![shelter_kid, shelter_kid],
            "given twice",
        ),
    ] {
        let error = refused(&add(origin, form, &to));
        assert!(error.contains(why), "{origin} {form}: {error}");
    }
    let said = ok(&add(ORIGIN, "referral", &[shelter_kid, police_kid]));
    let id = said
        .split("(partner ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_owned();
    assert!(said.contains(&shelter.keys.public.fingerprint()), "{said}");
    let again = refused(&add(ORIGIN, "referral", &[shelter_kid]));
    assert!(again.contains("already"), "{again}");
    let listed = ok(&confidant(&["partner", "list", "--data", d], ""));
    assert!(
        listed.contains(&format!(
            "{id}\t{ORIGIN}\treferral\t{shelter_kid},{police_kid}"
        )),
        "{listed}"
    );

    let server = Server::start(&data, &[]);
    let get = |path: &str, headers: &[(&str, &str)]| {
        request(server.address, "GET", path, headers, b"").unwrap()
    };

    // The embed route, for that partner and form: framed by that origin alone.
    let page = get(&format!("/embed/referral?partner={id}"), &[]);
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("<title>test embed</title>"));
    let policy = page.header("content-security-policy").unwrap();
    assert!(
        policy.contains(&format!("frame-ancestors {ORIGIN};")),
        "{policy}"
    );
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert_eq!(
        page.header("x-frame-options"),
        Some(format!("ALLOW-FROM {ORIGIN}").as_str())
    );

    // Another form, no partner, another partner: no page, and nobody may frame the answer.
    for path in [
        format!("/embed/identification?partner={id}"),
        "/embed/referral".to_owned(),
        "/embed/referral?partner=AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
    ] {
        let answer = get(&path, &[]);
        assert_eq!(answer.status, 404, "{path}");
        unframeable(&answer);
    }
    // Every other route: not framed, and no CORS for the partner's origin either.
    for path in ["/", "/index.html", "/api/v1/directory", "/api/v1/health"] {
        let answer = get(path, &[("origin", ORIGIN)]);
        unframeable(&answer);
        assert_eq!(answer.header("access-control-allow-origin"), None, "{path}");
    }
    let preflight = request(
        server.address,
        "OPTIONS",
        "/api/v1/packets",
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", "POST"),
        ],
        b"",
    )
    .unwrap();
    assert_eq!(preflight.header("access-control-allow-origin"), None);

    // What the frame reads about itself.
    let config = get(&format!("/api/v1/embed/{id}"), &[]).json();
    assert_eq!(config["origin"], ORIGIN);
    assert_eq!(config["name"], "Hotline");
    // No "completed" signal unless the partner asked for it.
    assert_eq!(config["completed"], false);
    assert_eq!(config["form"], "referral");
    assert_eq!(
        config["recipients"],
        serde_json::json!([shelter_kid, police_kid])
    );
    let unknown = get("/api/v1/embed/AAAAAAAAAAAAAAAAAAAAAA", &[]);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"], "unknown_partner");

    // The snippet: a sandboxed frame that pins its recipients, and the script by its hash.
    let snippet = ok(&confidant(
        &[
            "partner",
            "snippet",
            "--data",
            d,
            "--origin",
            ORIGIN,
            "--form",
            "referral",
            "--url",
            "https://confidant.example",
            "--title",
            "Report a concern",
        ],
        "",
    ));
    assert!(snippet.contains(&format!(
        "src=\"https://confidant.example/embed/referral?partner={id}#pins={shelter_kid},{police_kid}\""
    )), "{snippet}");
    assert!(snippet.contains(
        "sandbox=\"allow-scripts allow-same-origin allow-forms allow-downloads allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation\""
    ), "{snippet}");
    for attribute in [
        "referrerpolicy=\"no-referrer\"",
        "allow=\"\"",
        "loading=\"lazy\"",
        "title=\"Report a concern\"",
        "crossorigin=\"anonymous\"",
        "src=\"https://confidant.example/embed/v1.js\"",
    ] {
        assert!(snippet.contains(attribute), "{attribute}: {snippet}");
    }
    assert!(!snippet.contains("allow-top-navigation "), "{snippet}");
    let script = get("/embed/v1.js", &[("origin", ORIGIN)]);
    assert_eq!(script.status, 200);
    assert_eq!(script.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        script.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    let integrity = format!(
        "integrity=\"sha384-{}\"",
        Base64::encode_string(&Sha384::digest(&script.body))
    );
    assert!(snippet.contains(&integrity), "{snippet}");

    // Removed: the next request is refused, without a restart.
    ok(&confidant(
        &["partner", "remove", "--data", d, "--origin", ORIGIN],
        "",
    ));
    let gone = get(&format!("/embed/referral?partner={id}"), &[]);
    assert_eq!(gone.status, 404);
    unframeable(&gone);
    let none = refused(&confidant(
        &["partner", "remove", "--data", d, "--origin", ORIGIN],
        "",
    ));
    assert!(none.contains("embeds no such form"), "{none}");
}

#[test]
fn the_global_frame_ancestor_flag_is_refused_with_where_to_go_instead() {
    let scratch = Scratch::new("frame-ancestor");
    let data = scratch.path("data");
    let error = refused(&confidant(
        &[
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--frame-ancestor",
            ORIGIN,
        ],
        "",
    ));
    assert!(error.contains("confidant partner add"), "{error}");
}

#[test]
fn a_partner_follows_its_agencies_rotation_and_removal_and_its_snippet_must_be_pasted_again() {
    let scratch = Scratch::new("embedding-rotation");
    let data = scratch.path("data");
    let d = data.to_str().unwrap();
    let shelter = register_agency(&scratch, &data, "Shelter North");
    let police = register_agency(&scratch, &data, "Police unit");
    let (shelter_kid, police_kid) = (shelter.keys.public.kid(), police.keys.public.kid());
    let add = |origin: &str, to: &[&str]| {
        let mut args = vec![
            "partner", "add", "--data", d, "--origin", origin, "--name", "Hotline", "--form",
            "referral",
        ];
        let to: Vec<String> = to.iter().map(|kid| format!("--to={kid}")).collect();
        args.extend(to.iter().map(String::as_str));
        ok(&confidant(&args, ""))
    };
    add(ORIGIN, &[shelter_kid, police_kid]);
    add("https://inspectorate.example", &[police_kid]);
    let snippet = |origin: &str| {
        ok(&confidant(
            &[
                "partner",
                "snippet",
                "--data",
                d,
                "--origin",
                origin,
                "--form",
                "referral",
                "--url",
                "https://confidant.example",
            ],
            "",
        ))
    };
    let before = snippet(ORIGIN);
    assert!(
        before.contains(&format!("#pins={shelter_kid},{police_kid}")),
        "{before}"
    );

    // The police rotate: both partners now seal to the new key, and each is told to paste
    // its new snippet; the old snippet's pins no longer match what the server names.
    let rotated = confidant_core::keys::AgencyKeyPair::generate(&mut getrandom::SysRng).unwrap();
    let new_kid = rotated.public.kid();
    let jwk = scratch.write("police-2.jwk", &rotated.public.to_jwk_json());
    let said = ok(&confidant(
        &[
            "agency",
            "rotate",
            "--data",
            d,
            &format!("--kid={police_kid}"),
            "--key",
            jwk.to_str().unwrap(),
        ],
        "",
    ));
    for origin in [ORIGIN, "https://inspectorate.example"] {
        assert!(
            said.contains(&format!(
                "partner {origin} (form referral) now seals to {new_kid} instead of {police_kid}"
            )),
            "{said}"
        );
    }
    assert!(said.contains("pastes the new snippet"), "{said}");
    let after = snippet(ORIGIN);
    assert!(
        after.contains(&format!("#pins={shelter_kid},{new_kid}")),
        "{after}"
    );
    assert_ne!(before, after);

    // The shelter leaves: the hotline seals to the police alone; the police leave: both
    // partners are left with no agency and go.
    let said = ok(&confidant(
        &[
            "agency",
            "remove",
            "--data",
            d,
            &format!("--kid={shelter_kid}"),
        ],
        "",
    ));
    assert!(
        said.contains(&format!(
            "partner {ORIGIN} (form referral) no longer seals to {shelter_kid}"
        )),
        "{said}"
    );
    let said = ok(&confidant(
        &["agency", "remove", "--data", d, &format!("--kid={new_kid}")],
        "",
    ));
    assert_eq!(
        said.matches("removed: it sealed to this agency alone")
            .count(),
        2,
        "{said}"
    );
    let listed = ok(&confidant(&["partner", "list", "--data", d], ""));
    assert!(
        !listed.contains(ORIGIN) && !listed.contains("inspectorate"),
        "{listed}"
    );
}
