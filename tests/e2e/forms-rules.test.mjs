// The rules of the built-in forms that protect people, in the release build against the
// real server (issue 13): the non-punishment reminder raised by forced criminality; the
// suspects' safety identifiers reaching a shelter while the investigative detail goes to
// the police only, read by opening each packet with its agency's key; a child's
// referral held back until it goes to child protection; and withdrawn consent, dated at
// the review.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fillByKeyboard, launchChromium, openApp, shown, chooseLanguage } from "./support.mjs";
import {
  confidantAgency, fillReferral, inbox, openPacket, openReferral, scratch, sealFor,
  withServer as withServerIn,
} from "./referral.mjs";

let keys;
let browser;
before(async () => {
  keys = scratch("confidant-rules-");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  keys?.remove();
});

const withServer = (register, body) => withServerIn(browser, register, body);

const agencies = (data) => ({
  outreach: confidantAgency(keys.dir, data, "Outreach team", "ngo"),
  police: confidantAgency(keys.dir, data, "Police unit", "police"),
  shelter: confidantAgency(keys.dir, data, "Shelter North", "shelter"),
  protection: confidantAgency(keys.dir, data, "Child protection", "child-protection"),
});

const REMINDER = /Not to be punished for offences they were compelled to commit/;

test("the non-punishment reminder appears when the person was made to take part in crime, and follows into the referral", () => withServer(agencies, async ({ server, page }) => {
  await openApp(page, server.url);
  await page.locator("#open-identify").click();
  await page.locator("#section-context").waitFor();
  await (await shown(page, "#field-age_group-0")).check();
  const reminder = page.locator(".info", { hasText: REMINDER });
  assert.equal(await reminder.count(), 0);

  // "Was the person made to take part in crime?" Yes.
  await (await shown(page, "#field-cd_crime-0")).check();
  await reminder.waitFor();
  assert.match(await reminder.innerText(), /not to be prosecuted or punished/);
  // No: it goes again.
  await (await shown(page, "#field-cd_crime-1")).check();
  await reminder.waitFor({ state: "detached" });
  await (await shown(page, "#field-cd_crime-0")).check();
  await reminder.waitFor();

  // The referral started from this checklist carries it to every reader.
  await page.locator("#start-referral").click();
  await page.locator("#section-metadata").waitFor();
  assert.equal(await (await shown(page, "#field-compelled_offences-0")).isChecked(), true);
  await page.locator("#section-status .info", { hasText: REMINDER }).waitFor({ state: "attached" });
}));

test("the suspects' safety identifiers reach a shelter and the investigative detail only the police", () => withServer(agencies, async ({ server, page, agencies: { police, shelter } }) => {
  await openApp(page, server.url);
  await openReferral(page);
  const typedInto = {};
  await fillReferral(page, {
    text: (n, field) => {
      typedInto[field] = `CANARY-${n}-${field}`;
      return typedInto[field];
    },
    services: ["police", "shelter"],
  });
  assert.ok(typedInto.exploiter_safety_identifiers && typedInto.suspected_exploiters);
  await sealFor(page, "Outreach team", ["Police unit", "Shelter North"], async () => {
    // The review names what stays out of the shelter's packet, and only that.
    assert.equal(await page.locator("#packets li.packet").count(), 2);
    const review = await page.locator("#packets").innerText();
    assert.match(review, /investigative detail/);
    assert.doesNotMatch(review, /what keeps the person safe/);
  });
  await page.locator('#outbox li[data-delivery="delivered"]').nth(1).waitFor({ timeout: 30_000 });

  // Opened with the shelter's own key: the safety identifiers are there, the
  // investigative detail is not, and the shelter is told it was withheld.
  const [forShelter] = await inbox(server.url, shelter);
  const toShelter = openPacket(shelter, forShelter);
  assert.equal(toShelter.answers.exploiter_safety_identifiers, typedInto.exploiter_safety_identifiers);
  assert.equal(toShelter.answers.suspected_exploiters, undefined);
  assert.ok(!forShelter.includes(typedInto.suspected_exploiters));
  assert.ok(!JSON.stringify(toShelter).includes(typedInto.suspected_exploiters));
  assert.deepEqual(toShelter.withheld,
    [{ reason: "only_to", field: "suspected_exploiters", only_to: ["police"] }]);

  // The police get both.
  const [forPolice] = await inbox(server.url, police);
  const toPolice = openPacket(police, forPolice);
  assert.equal(toPolice.answers.exploiter_safety_identifiers, typedInto.exploiter_safety_identifiers);
  assert.equal(toPolice.answers.suspected_exploiters, typedInto.suspected_exploiters);
  assert.deepEqual(toPolice.withheld, []);
}));

test("a child's referral is held back until it goes to child protection, and then it does", () => withServer(agencies, async ({ server, page, agencies: { protection } }) => {
  await openApp(page, server.url);
  await openReferral(page);
  // The keyboard's first answers: an adult by the age question, but with the age
  // disputed, so a child until it is verified.
  await fillByKeyboard(page);
  await page.locator("#section-child").waitFor({ state: "attached" });
  assert.equal(await page.locator("#field-consent_referral-0").count(), 0);
  // No reason recorded for leaving child protection out.
  await (await shown(page, "#field-cp_no_recipient_reason")).fill("");
  await page.locator("#check-answers").click();
  await page.locator("#seal-and-send").waitFor();
  await page.locator("#recipient-0").waitFor();
  await page.locator("#sender").selectOption({ label: "Outreach team (NGO)" });

  await page.getByLabel(/^Shelter North \(/).check();
  const gate = page.locator("#recipients-gate");
  await gate.waitFor();
  assert.match(await gate.innerText(), /A child's referral goes to a child-protection service/);
  assert.equal(await page.locator("#seal-and-send").isDisabled(), true);

  await page.getByLabel(/^Child protection \(/).check();
  await gate.waitFor({ state: "detached" });
  assert.equal(await page.locator("#seal-and-send").isDisabled(), false);
  await page.locator("#seal-and-send").click();
  await page.locator('#outbox li[data-delivery="delivered"]').first().waitFor({ timeout: 30_000 });
  const [packet] = await inbox(server.url, protection);
  const payload = openPacket(protection, packet);
  assert.equal(payload.answers.age_disputed, "yes");
  assert.equal(payload.answers.consent_referral, undefined);
}));

test("consent is asked on the first page, and a person who declines gets an anonymous notification at once", () => withServer(agencies, async ({ server, page }) => {
  await openApp(page, server.url);
  await openReferral(page);
  // The first page: the age, then the consent, before anything that names the person.
  await (await shown(page, "#field-age_group-0")).check();
  await (await shown(page, "#field-age_disputed-1")).check();
  const consent = await shown(page, "#field-consent_referral-1");
  assert.equal(await page.locator("#section-progress").innerText().then((text) => text.startsWith("Section 1 of")), true);
  assert.equal(await page.locator("#field-subject_names").isVisible(), false);
  await consent.check();
  // The referral's type follows, and the worker is told what still goes.
  await page.waitForFunction(() => document.querySelector("#field-referral_type-1")?.checked);
  const notice = page.locator(".info", { hasText: "The person declined" });
  await notice.waitFor();
  assert.match(await notice.innerText(), /in your own words still goes/);
  // One choice, on the same page, leaves out every answer in the worker's own words.
  assert.equal(await page.locator("#field-own_words_in_notification-0").isVisible(), true);
  // The identity questions are gone from the form.
  assert.equal(await page.locator("#field-subject_names").count(), 0);
  // Given after all: a full referral again.
  await page.locator("#field-consent_referral-0").check();
  await page.waitForFunction(() => document.querySelector("#field-referral_type-0")?.checked);
  await page.locator("#field-subject_names").waitFor({ state: "attached" });
}));

test("the gate's message is in the interface's language", () => withServer(agencies, async ({ server, page }) => {
  await openApp(page, server.url);
  await chooseLanguage(page, "fr");
  await page.locator("#open-refer").click();
  await page.locator("#section-metadata").waitFor();
  await fillByKeyboard(page);
  await (await shown(page, "#field-cp_no_recipient_reason")).fill("");
  await page.locator("#check-answers").click();
  await page.locator("#recipient-0").waitFor();
  await page.getByLabel(/^Shelter North \(/).check();
  const gate = page.locator("#recipients-gate");
  await gate.waitFor();
  assert.match(await gate.innerText(), /service de protection de l'enfance/);
}));

test("consent withdrawn: the review shows its date, and a full referral no longer goes", () => withServer(agencies, async ({ server, page }) => {
  await openApp(page, server.url);
  await openReferral(page);
  await fillReferral(page);
  await page.locator("#send-as").waitFor();
  await page.locator("#back-to-referral").click();
  await (await shown(page, "#field-consent_withdrawal-1")).check();
  await (await shown(page, "#field-consent_withdrawn_date")).fill("2026-02-01");
  await page.locator("#check-answers").click();
  await page.locator("#seal-and-send").waitFor();
  assert.match(await page.locator("#consent-withdrawn").innerText(), /Consent withdrawn on 2026-02-01/);
  assert.match(await page.locator("#gate").innerText(), /withdrawn their consent/);
  assert.equal(await page.locator("#seal-and-send").isDisabled(), true);
}));
