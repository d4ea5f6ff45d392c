// The standard case: what a worker does on a phone to refer one adult, counted. From the
// home screen, the referral is answered through its pages by touch: every required
// question the pages show (optional ones are left, as a worker in a hurry leaves them),
// the first choice of each choice unless the case says otherwise, and for typed answers
// the case's realistic texts. Then "Review and send", the sender, one recipient, and
// "Seal and send".
//
// It counts as a person would spend them:
// - a tap for each choice, each text field focused, each list opened and each entry
//   chosen in it (two), each "Next" and each button of the review;
// - a keystroke for each character typed; a date is eight digits on the phone's date
//   keyboard, a date and time twelve.
// An answer the app gives already (a date that starts as today) costs nothing unless the
// case needs another one.
//
// Used by the phone end-to-end test (tests/e2e/phone.test.mjs) and by the bench
// (bench/effort.mjs), which print the figures next to those measured before the pages
// (issue 11: 97 taps and 647 keystrokes on the one-page referral).
import { settle } from "./support.mjs";

/** What the case types, by field id; any other text field gets `OTHER`. */
export const TYPED = {
  referring_organisation: "Outreach team North",
  referrer_name: "Ana Reyes",
  referrer_role: "Outreach worker",
  referrer_phone: "+63 917 555 0142",
  referrer_email: "a.reyes@outreach.example",
  exchange_contact: "Ana Reyes, weekdays",
  receiving_contact: "Duty officer",
  subject_names: "Maria Santos",
  current_location: "Shelter intake room",
  protective_measures: "Stays at the shelter; no contact with the employer",
  consent_explained_by: "Ana Reyes",
  access_list: "Shelter case manager and duty officer",
  estimated_age: "34",
};
const OTHER = "Not known yet";

/** Choices other than the first, by field id: the index of the option. */
export const CHOSEN = {
  // An adult whose age nobody disputes.
  age_disputed: 1,
  // Referred to a shelter, the one service the person agreed to.
  named_recipients: 2,
};

/** The answers the pages show as required and not yet given, in page order. */
function missing(page) {
  return page.evaluate(() => {
    const section = document.querySelector(".form-section:not([hidden])");
    const fields = [...section.querySelectorAll(".field")];
    return fields.flatMap((field) => {
      const title = field.matches("fieldset") ? field.querySelector(":scope > legend") : field.querySelector(":scope > label");
      if (!title?.querySelector(".required")) return [];
      const controls = [...field.querySelectorAll("input:not([type=search]), select, textarea")];
      if (controls.length === 0) return [];
      const first = controls[0];
      if (first.type === "radio" || first.type === "checkbox") {
        // A needs matrix: one radio group per need.
        const groups = [...new Set(controls.map((control) => control.name || control.id))];
        const unanswered = field.classList.contains("needs")
          ? [...field.querySelectorAll("fieldset.need")].filter((need) => !need.querySelector("input:checked"))
            .map((need) => need.querySelector("input").id)
          : controls.some((control) => control.checked) ? [] : [first.id];
        return groups.length && unanswered.length ? unanswered.map((id) => ({ id, kind: first.type })) : [];
      }
      if (first.value !== "") return [];
      return [{ id: first.id, kind: first.tagName === "SELECT" ? "select" : first.type }];
    });
  });
}

/**
 * Answers the referral, already open on its first page, through its pages by touch, and
 * goes on to the review; returns the counts (taps, keystrokes, and the taps on "Next"
 * among them), the field ids answered, and how many dates the app gave. `eachPage()` is
 * awaited on each page once it is answered, with the questions its answers brought up.
 */
export async function answerThroughPages(page, { eachPage = async () => {} } = {}) {
  let taps = 0;
  let keystrokes = 0;
  let nexts = 0;
  const answered = [];
  for (let step = 0; step < 400; step++) {
    const [next] = await missing(page);
    if (next) {
      const field = next.id.replace(/^field-/, "").replace(/(-\d+)+$/, "");
      answered.push(field);
      const control = page.locator(`#${next.id}`);
      if (next.kind === "radio" || next.kind === "checkbox") {
        const index = CHOSEN[field];
        const target = index === undefined ? control : page.locator(`#field-${field}-${index}`);
        await target.tap();
        taps += 1;
      } else if (next.kind === "select") {
        await control.tap();
        const value = await control.evaluate((select) => [...select.options].find((option) => option.value)?.value);
        await control.selectOption(value);
        taps += 2;
      } else if (next.kind === "date") {
        await control.tap();
        await control.fill("2026-11-20");
        taps += 1;
        keystrokes += 8;
      } else if (next.kind === "datetime-local") {
        await control.tap();
        await control.fill("2026-11-20T10:30");
        taps += 1;
        keystrokes += 12;
      } else {
        const text = TYPED[field] ?? OTHER;
        await control.tap();
        await control.pressSequentially(text);
        taps += 1;
        keystrokes += text.length;
      }
      await settle(page);
      continue;
    }
    await eachPage();
    const onward = page.locator("#section-next");
    if (await onward.count() === 0) break;
    const before = await page.locator("#section-progress").innerText();
    await onward.tap();
    taps += 1;
    nexts += 1;
    await settle(page);
    if ((await page.locator("#section-progress").innerText()) === before) {
      const problems = await page.locator(".error-summary li").allInnerTexts();
      throw new Error(`"Next" stayed on ${before}: ${problems.join("; ")}`);
    }
  }
  // The dates the app gave (today), which the case never typed.
  const started = await page.evaluate((typed) => [...document.querySelectorAll('.form input[type="date"]')]
    .filter((input) => input.value !== "" && !typed.includes(input.id.replace(/^field-/, ""))).length, answered);
  await page.locator("#check-answers").tap();
  taps += 1;
  return { taps, keystrokes, answered, nexts, started };
}

/**
 * On the review: the sender (unless the review already names it), one recipient by
 * name, and "Seal and send", by touch; the taps.
 */
export async function sealByTouch(page, sender, recipient) {
  await page.locator("#recipient-0").waitFor();
  let taps = 0;
  const select = page.locator("#sender");
  const chosen = await select.evaluate((element) => element.selectedOptions[0]?.textContent ?? "");
  if (!chosen.startsWith(sender)) {
    await select.tap();
    const value = await select.evaluate((element, name) =>
      [...element.options].find((option) => option.textContent.startsWith(name))?.value, sender);
    await select.selectOption(value);
    taps += 2;
  }
  await page.getByLabel(new RegExp(`^${recipient} \\(`)).tap();
  await page.locator("#seal-and-send").tap();
  return { taps: taps + 2 };
}
