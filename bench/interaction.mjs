// How quickly the identification checklist answers a tap: every yes/no item of the
// largest checklist is toggled in headless Chromium with the CPU slowed down four times,
// and the time from the click to the next paint is measured for each. The median is
// the figure (target: at most 16 ms, one frame).
//
// usage: node bench/interaction.mjs   (CONFIDANT_BIN and CONFIDANT_DIST as for the tests)
import { chromium } from "playwright-core";
import { openApp, startServer } from "../tests/e2e/support.mjs";

const THROTTLE = 4;
const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await openApp(page, server.url);
  await page.getByRole("button", { name: /Identify/ }).click();
  await page.getByRole("heading", { name: "Identification checklist" }).waitFor();
  await page.click("#field-age_group-2");
  await page.locator("#section-child").waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });

  // Each item's "Yes" (option 0), clicked in the page, timed to the frame after it.
  const times = await page.evaluate(async () => {
    const radios = [...document.querySelectorAll('input[type="radio"][id$="-0"]')]
      .filter((input) => input.name !== "field-age_group" && input.name !== "field-exploitation_form"
        && !input.name.startsWith("field-region") && !input.name.startsWith("field-setting")
        && !input.name.startsWith("field-agency"));
    const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const results = [];
    for (const radio of radios) {
      const id = radio.id;
      await nextPaint();
      const start = performance.now();
      document.getElementById(id).click();
      await nextPaint();
      results.push(performance.now() - start);
    }
    return results;
  });
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`Checklist interactions, headless Chromium, CPU throttled ${THROTTLE}x: ${times.length} yes/no items toggled`);
  console.log(`time from click to next paint: median ${median.toFixed(1)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms (target median at most 16 ms)`);
} finally {
  await browser.close();
  await server.stop();
}
