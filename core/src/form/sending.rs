//! Who receives what of a referral, decided here and nowhere else, and the payload each
//! receiver's packet is sealed with.
//!
//! The answers that go are those of the questions shown (a hidden question's answer never
//! leaves), less what a receiver may not have: a field whose `only_to` does not name the
//! receiver's kind (the suspected exploiters go to the police only), and whatever the
//! person did not agree to share ([`SharingRules`]). What a receiver may have is decided
//! from the receivers themselves, as the sender's device pinned them (key and kind), never
//! from a list a caller passes alongside: [`plan_referral`] takes the agencies and gives
//! back one packet per audience, each with its recipients, its answers and what it leaves
//! out, and a packet is sealed to exactly the recipients it was planned for.
//!
//! The consent rule reads the referral form's fields by id: `age_group`
//! (`adult`/`child`/`uncertain`), `age_disputed` and `estimated_age` (a disputed age, or
//! an age under 18, is a child's until verified, whatever `age_group` says),
//! `referral_type` (`full`/`anonymous`/`onward`), `consent_referral`, `consent_withdrawal`
//! (`withdrawn`) and `child_informed`; the child-protection rule reads `cp_notified` and
//! `cp_no_recipient_reason`.

use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use super::answers::{Answer, Answers, YesNo};
use super::definition::{Field, FieldKind, Filled, FormDefinition, SharingRules, ValueOption};
use crate::agency::{AgencyKind, DirectoryEntry};
use crate::keys::PublicKey;
use crate::packet::{FormRef, Recipient};

/// The name and version of the referral payload format.
pub const REFERRAL_FORMAT: &str = "confidant-referral";
pub const REFERRAL_FORMAT_VERSION: u32 = 2;

/// How a referral goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendAs {
    /// With the person's identity: an adult who consented, or a child.
    Full,
    /// An anonymous notification: no identity question is shown, so none is sent.
    Anonymous,
}

/// Why a referral cannot go out as it stands. Names a rule, never an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSendable {
    /// The age question is not answered.
    AgeMissing,
    /// The kind of referral is not chosen.
    TypeMissing,
    /// An adult's full referral needs their recorded consent.
    ConsentMissing,
    /// The adult declined: only an anonymous notification may be sent.
    ConsentDeclined,
    /// A child's referral records whether the child was informed.
    ChildNotInformed,
    /// A child, or a person who may be one, is always referred in full.
    ChildAnonymous,
    /// No recipient was chosen.
    NoRecipient,
    /// A chosen agency is of a kind the person did not agree to.
    RecipientNotAgreed,
    /// A child's referral goes to a child-protection service, or records why it cannot
    /// (whether child protection was notified, and why no such service receives it).
    ChildProtectionMissing,
    /// The adult withdrew their consent: a full referral may no longer go.
    ConsentWithdrawn,
}

impl NotSendable {
    /// A stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgeMissing => "age_missing",
            Self::TypeMissing => "type_missing",
            Self::ConsentMissing => "consent_missing",
            Self::ConsentDeclined => "consent_declined",
            Self::ChildNotInformed => "child_not_informed",
            Self::ChildAnonymous => "child_anonymous",
            Self::NoRecipient => "no_recipient",
            Self::RecipientNotAgreed => "recipient_not_agreed",
            Self::ChildProtectionMissing => "child_protection_missing",
            Self::ConsentWithdrawn => "consent_withdrawn",
        }
    }
}

/// Whether the referral is about a child, or about a person who may be one and is
/// treated as a child until their age is verified (the domain reference's rule; CoE
/// Convention art. 10(3); Directive 2011/36/EU art. 13(2)): `age_group` is not `adult`,
/// or the age is disputed, or the age given is under 18. `None` while the age question
/// is not answered.
pub fn treated_as_child(answers: &Answers) -> Option<bool> {
    let Some(Answer::Choice(age)) = answers.get("age_group") else {
        return None;
    };
    let disputed = matches!(answers.get("age_disputed"), Some(Answer::YesNo(YesNo::Yes)));
    let under_18 = matches!(answers.get("estimated_age"), Some(Answer::Number(age)) if *age < 18.0);
    Some(age != "adult" || disputed || under_18)
}

/// The consent gate of a referral: a full referral of an adult needs recorded consent,
/// not since withdrawn; when the adult declines or withdraws, only an anonymous
/// notification may go; a child (or a person who may be one: [`treated_as_child`]) needs
/// no consent, but the referral records that the child was informed.
pub fn consent_gate(answers: &Answers) -> Result<SendAs, NotSendable> {
    let choice = |field: &str| match answers.get(field) {
        Some(Answer::Choice(choice)) => Some(choice.as_str()),
        _ => None,
    };
    let child = treated_as_child(answers).ok_or(NotSendable::AgeMissing)?;
    let kind = choice("referral_type").ok_or(NotSendable::TypeMissing)?;
    if child {
        if kind == "anonymous" {
            return Err(NotSendable::ChildAnonymous);
        }
        return match answers.get("child_informed") {
            Some(Answer::YesNo(_)) => Ok(SendAs::Full),
            _ => Err(NotSendable::ChildNotInformed),
        };
    }
    if kind == "anonymous" {
        return Ok(SendAs::Anonymous);
    }
    match answers.get("consent_referral") {
        Some(Answer::Consent(true)) if choice("consent_withdrawal") == Some("withdrawn") => {
            Err(NotSendable::ConsentWithdrawn)
        }
        Some(Answer::Consent(true)) => Ok(SendAs::Full),
        Some(Answer::Consent(false)) => Err(NotSendable::ConsentDeclined),
        _ => Err(NotSendable::ConsentMissing),
    }
}

/// Why part of an answer stays out of a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The form gives this answer only to these kinds of agency.
    OnlyTo(Vec<AgencyKind>),
    /// The person did not agree to share this category.
    NotAgreed(String),
}

/// An answer, or one choice of it, that a packet leaves out: what the reviewing worker
/// is shown, by field (never by value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub field: String,
    /// The choice left out, when only a choice is (the rest of the answer goes).
    pub choice: Option<String>,
    pub reason: Reason,
}

/// What a person's choices allow, read from the answers with the form's sharing rules.
struct Allowed<'a> {
    /// Categories agreed (`None`: no rule applies, everything may go). A handful at
    /// most, so a list: a set type would add its own code to the app's module.
    categories: Option<Vec<&'a str>>,
    /// Kinds agreed (`None`: any kind).
    kinds: Option<Vec<AgencyKind>>,
}

impl<'a> Allowed<'a> {
    fn read(form: &FormDefinition, answers: &'a Answers) -> Self {
        let chosen = |id: &str| -> Option<Vec<&'a str>> {
            if !form.is_shown(id, answers) {
                return None;
            }
            Some(match answers.get(id) {
                Some(Answer::Choices(choices)) => choices.iter().map(String::as_str).collect(),
                // Shown but not answered: nothing was agreed.
                _ => Vec::new(),
            })
        };
        let Some(SharingRules {
            choices,
            recipients,
        }) = &form.sharing
        else {
            return Self {
                categories: None,
                kinds: None,
            };
        };
        Self {
            categories: chosen(choices),
            kinds: recipients.as_deref().and_then(chosen).map(|chosen| {
                chosen
                    .into_iter()
                    .filter_map(|kind| AgencyKind::parse(&kind.replace('_', "-")))
                    .collect()
            }),
        }
    }

    fn category(&self, category: Option<&String>) -> bool {
        match (&self.categories, category) {
            (Some(agreed), Some(category)) => agreed.contains(&category.as_str()),
            _ => true,
        }
    }

    fn kind(&self, kind: AgencyKind) -> bool {
        self.kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }
}

fn may_receive(field: &Field, kind: AgencyKind) -> bool {
    field
        .only_to
        .as_ref()
        .is_none_or(|kinds| kinds.contains(&kind))
}

/// Whether an agency of `kind` may receive this referral at all, as the person's choices
/// stand: `false` when the form records the kinds the person agreed to and this is not one.
pub fn recipient_agreed(form: &FormDefinition, answers: &Answers, kind: AgencyKind) -> bool {
    Allowed::read(form, answers).kind(kind)
}

/// One packet of a referral: the agencies it is sealed to (all of the same audience, so
/// all may have the same answers), the answers it carries and what it leaves out.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedPacket {
    recipients: Vec<DirectoryEntry>,
    answers: Answers,
    left_out: Vec<LeftOut>,
    /// The rules that keep something from this audience, whether or not it was answered:
    /// what the payload tells its receivers was withheld.
    withheld: Vec<Withheld>,
}

/// A rule that keeps something from a packet's receivers, as the payload records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// The answer to `field`, which only agencies of `kinds` may receive.
    OnlyTo {
        field: String,
        kinds: Vec<AgencyKind>,
    },
    /// Every answer of a sharing `category` the person did not agree to share.
    NotAgreed { category: String },
}

impl PlannedPacket {
    /// The agencies this packet is for.
    pub fn recipients(&self) -> &[DirectoryEntry] {
        &self.recipients
    }

    /// The keys to seal to: exactly the recipients this packet was planned for.
    pub fn seal_to(&self) -> Vec<Recipient> {
        self.recipients
            .iter()
            .map(|entry| Recipient::Agency(entry.key.clone()))
            .collect()
    }

    /// The answers it carries.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// The answers (or choices) it leaves out, for the worker's review.
    pub fn left_out(&self) -> &[LeftOut] {
        &self.left_out
    }

    /// The payload to seal (format `confidant-referral` 2): the form's id and version,
    /// the language it was filled in, the definition and the translation it was shown
    /// with (`definition` and `translation` must be the texts `form` was parsed from), the
    /// answers of this packet, what was withheld from its receivers and why (by rule, not
    /// by answer: a receiver learns that health information is not shared with it, never
    /// whether there was any), the sender's public key, for replies, and the time it was
    /// sealed (inside the encryption, unlike the packet's day).
    pub fn payload(
        &self,
        form: &FormDefinition,
        definition: &str,
        translation: Option<&str>,
        language: &str,
        sender: &PublicKey,
        sealed_at_unix_seconds: u64,
    ) -> Result<Zeroizing<String>, serde_json::Error> {
        let mut payload = Map::new();
        payload.insert("format".into(), json!(REFERRAL_FORMAT));
        payload.insert("format_version".into(), json!(REFERRAL_FORMAT_VERSION));
        payload.insert(
            "form".into(),
            json!({ "id": form.id, "version": form.version }),
        );
        payload.insert("language".into(), json!(language));
        payload.insert("definition".into(), serde_json::from_str(definition)?);
        if let Some(translation) = translation {
            payload.insert("translation".into(), serde_json::from_str(translation)?);
        }
        payload.insert("answers".into(), self.answers.to_json());
        let withheld: Vec<Value> = self
            .withheld
            .iter()
            .map(|withheld| match withheld {
                Withheld::OnlyTo { field, kinds } => json!({
                    "reason": "only_to",
                    "field": field,
                    "only_to": kinds.iter().map(|kind| kind.as_str()).collect::<Vec<_>>(),
                }),
                Withheld::NotAgreed { category } => json!({
                    "reason": "not_agreed",
                    "category": category,
                }),
            })
            .collect();
        payload.insert("withheld".into(), Value::Array(withheld));
        let sender: Value = serde_json::from_str(&sender.to_jwk_json())?;
        payload.insert("sender".into(), sender);
        payload.insert("sealed_at".into(), json!(sealed_at_unix_seconds));
        Ok(Zeroizing::new(serde_json::to_string(&Value::Object(
            payload,
        ))?))
    }

    /// The form reference the packet's metadata names.
    pub fn form_ref(form: &FormDefinition) -> FormRef {
        FormRef {
            id: form.id.clone(),
            version: form.version.clone(),
        }
    }
}

/// The packets a referral becomes: one per audience, each audience being the chosen
/// agencies that may receive exactly the same answers.
pub fn plan_referral(
    form: &FormDefinition,
    answers: &Answers,
    recipients: &[DirectoryEntry],
) -> Result<Vec<PlannedPacket>, NotSendable> {
    if recipients.is_empty() {
        return Err(NotSendable::NoRecipient);
    }
    let allowed = Allowed::read(form, answers);
    if recipients.iter().any(|entry| !allowed.kind(entry.kind)) {
        return Err(NotSendable::RecipientNotAgreed);
    }
    if treated_as_child(answers) == Some(true)
        && !recipients
            .iter()
            .any(|entry| entry.kind == AgencyKind::ChildProtection)
        && !child_protection_reason(form, answers)
    {
        return Err(NotSendable::ChildProtectionMissing);
    }
    let shown = form.shown_answers(answers);

    // What every receiver is kept from by the person's choices.
    let mut not_agreed: Vec<String> = Vec::new();
    if let (Some(agreed), Some(rules)) = (&allowed.categories, &form.sharing)
        && let Some(FieldKind::MultipleChoice(categories)) =
            form.field(&rules.choices).map(|field| &field.kind)
    {
        not_agreed = categories
            .iter()
            .filter(|category| !agreed.contains(&category.id.as_str()))
            .filter(|category| uses_category(form, &category.id))
            .map(|category| category.id.clone())
            .collect();
    }

    // Audiences: agencies kept from the same `only_to` fields go together.
    let mut packets: Vec<PlannedPacket> = Vec::new();
    for entry in recipients {
        let withheld: Vec<Withheld> = form
            .fields()
            .filter(|field| !may_receive(field, entry.kind))
            .map(|field| Withheld::OnlyTo {
                field: field.id.clone(),
                kinds: field.only_to.clone().unwrap_or_default(),
            })
            .chain(not_agreed.iter().map(|category| Withheld::NotAgreed {
                category: category.clone(),
            }))
            .collect();
        if let Some(packet) = packets
            .iter_mut()
            .find(|packet| packet.withheld == withheld)
        {
            packet.recipients.push(entry.clone());
            continue;
        }
        let (sent, left_out) = filter_answers(form, &shown, &allowed, entry.kind);
        packets.push(PlannedPacket {
            recipients: vec![entry.clone()],
            answers: sent,
            left_out,
            withheld,
        });
    }
    // Each packet names its own recipients where the form asks for them: the worker chose
    // them at review, and never types them.
    for field in form.fields() {
        if field.filled == Some(Filled::Recipients) {
            for packet in &mut packets {
                let names: Vec<&str> = packet.recipients.iter().map(|r| r.name.as_str()).collect();
                packet
                    .answers
                    .set(field.id.clone(), Answer::Text(names.join("; ")));
            }
        }
    }
    Ok(packets)
}

/// Whether the referral records why no child-protection service receives it: whether
/// one was notified (`cp_notified`), and why none is among the recipients.
fn child_protection_reason(form: &FormDefinition, answers: &Answers) -> bool {
    let shown = |id: &str| form.is_shown(id, answers);
    shown("cp_notified")
        && matches!(answers.get("cp_notified"), Some(Answer::YesNo(_)))
        && shown("cp_no_recipient_reason")
        && matches!(answers.get("cp_no_recipient_reason"), Some(Answer::Text(why)) if !why.trim().is_empty())
}

fn uses_category(form: &FormDefinition, category: &str) -> bool {
    form.fields().any(|field| {
        field.sharing.as_deref() == Some(category)
            || options_of(field)
                .iter()
                .any(|option| option.sharing.as_deref() == Some(category))
    })
}

fn options_of(field: &Field) -> &[ValueOption] {
    match &field.kind {
        FieldKind::MultipleChoice(options) | FieldKind::NeedsMatrix(options) => options,
        _ => &[],
    }
}

/// The shown answers an agency of `kind` may have, and what it may not.
fn filter_answers(
    form: &FormDefinition,
    shown: &Answers,
    allowed: &Allowed<'_>,
    kind: AgencyKind,
) -> (Answers, Vec<LeftOut>) {
    let mut sent = Answers::new();
    let mut left_out = Vec::new();
    for field in form.fields() {
        let Some(answer) = shown.get(&field.id) else {
            continue;
        };
        if !may_receive(field, kind) {
            left_out.push(LeftOut {
                field: field.id.clone(),
                choice: None,
                reason: Reason::OnlyTo(field.only_to.clone().unwrap_or_default()),
            });
            continue;
        }
        if !allowed.category(field.sharing.as_ref()) {
            left_out.push(LeftOut {
                field: field.id.clone(),
                choice: None,
                reason: Reason::NotAgreed(field.sharing.clone().unwrap_or_default()),
            });
            continue;
        }
        let withheld_choice = |id: &str| {
            options_of(field)
                .iter()
                .find(|option| option.id == id)
                .and_then(|option| option.sharing.as_ref())
                .filter(|category| !allowed.category(Some(category)))
        };
        let mut answer = answer.clone();
        match &mut answer {
            Answer::Choices(choices) => choices.retain(|choice| match withheld_choice(choice) {
                Some(category) => {
                    left_out.push(LeftOut {
                        field: field.id.clone(),
                        choice: Some(choice.clone()),
                        reason: Reason::NotAgreed(category.clone()),
                    });
                    false
                }
                None => true,
            }),
            Answer::Needs(needs) => needs.retain(|need, _| match withheld_choice(need) {
                Some(category) => {
                    left_out.push(LeftOut {
                        field: field.id.clone(),
                        choice: Some(need.clone()),
                        reason: Reason::NotAgreed(category.clone()),
                    });
                    false
                }
                None => true,
            }),
            _ => {}
        }
        sent.set(field.id.clone(), answer);
    }
    (sent, left_out)
}

impl FormDefinition {
    /// The answers of the questions shown: what a hidden question was once answered stays
    /// behind (an anonymous notification thus carries no identity), and so does an answer
    /// whose `leave_out_if` holds (the account the worker chose to leave out of one).
    pub fn shown_answers(&self, answers: &Answers) -> Answers {
        let mut shown = Answers::new();
        for field in self.fields() {
            if let Some(answer) = answers.get(&field.id)
                && self.is_shown(&field.id, answers)
                && !field
                    .leave_out_if
                    .as_ref()
                    .is_some_and(|condition| condition.holds(self, answers))
            {
                shown.set(field.id.clone(), answer.clone());
            }
        }
        shown
    }
}
