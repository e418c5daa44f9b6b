// A person who uses only the keyboard signs in, joins a group, edits a
// wiki page and answers an event. Every element that takes focus on the
// way must show it. Prints what happened as JSON.
//   node keyboard_journey.mjs '{"base": URL, "login": "...", "password": "...",
//                               "group": "housing", "page": "Damp and mould", "event": "Damp workshop"}'
import { launch } from "./browser.mjs";

const input = JSON.parse(process.argv[2]);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
const steps = [];

/// What the focused element is, and whether its focus can be seen: an
/// outline, a shadow, or a background other than its unfocused one.
async function focused() {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    // A transparent outline (kept for Windows' high-contrast mode) shows
    // nothing in ordinary colours.
    const transparent = /rgba\(.*,\s*0\)$|transparent/.test(style.outlineColor);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && !transparent;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 80),
      id: el.id,
      type: el.getAttribute("type"),
      visible: outline || shadow,
    };
  });
}

/// Presses Tab until the focused element matches, checking each stop.
async function tabTo(description, matches, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const el = await focused();
    if (!el) continue;
    if (!el.visible) problems.push(`no visible focus on ${el.tag} "${el.text}" (${page.url()})`);
    if (matches(el)) return el;
  }
  throw new Error(`could not reach ${description} with Tab on ${page.url()}`);
}

async function pressAndWait(key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

try {
  await page.goto(`${input.base}/login`);
  await tabTo("the username field", (el) => el.id === "login");
  await page.keyboard.type(input.login);
  await tabTo("the password field", (el) => el.id === "password");
  await page.keyboard.type(input.password);
  await pressAndWait("Enter");
  steps.push({ step: "signed in", url: page.url(), ok: (await page.content()).includes("Welcome back") });

  await tabTo("the Groups link", (el) => el.tag === "a" && el.text === "Groups");
  await pressAndWait("Enter");
  await tabTo(`the group ${input.group}`, (el) => el.tag === "a" && el.text === input.group);
  await pressAndWait("Enter");
  await tabTo("the Join button", (el) => el.tag === "button" && el.text.startsWith("Join"));
  await pressAndWait("Enter");
  steps.push({ step: "joined", url: page.url(), ok: (await page.content()).includes("You joined") });

  await tabTo("the Wiki link", (el) => el.tag === "a" && el.text === "Wiki");
  await pressAndWait("Enter");
  await tabTo(`the page ${input.page}`, (el) => el.tag === "a" && el.text === input.page);
  await pressAndWait("Enter");
  await tabTo("the Edit link", (el) => el.tag === "a" && el.text === "Edit this page");
  await pressAndWait("Enter");
  await tabTo("the text", (el) => el.id === "body");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n\nAdded from the keyboard.");
  await tabTo("the summary", (el) => el.id === "summary");
  await page.keyboard.type("Keyboard edit");
  await tabTo("the Save button", (el) => el.tag === "button" && el.text === "Save changes");
  await pressAndWait("Enter");
  steps.push({ step: "edited", url: page.url(), ok: (await page.content()).includes("Added from the keyboard.") });

  await tabTo("the group link in the breadcrumbs", (el) => el.tag === "a" && el.text === input.group);
  await pressAndWait("Enter");
  await tabTo("the Events link", (el) => el.tag === "a" && el.text === "Events");
  await pressAndWait("Enter");
  await tabTo(`the event ${input.event}`, (el) => el.tag === "a" && el.text === input.event);
  await pressAndWait("Enter");
  await tabTo("the answers", (el) => el.tag === "input" && el.type === "radio");
  // Arrow keys move through a radio group; Going is the first answer.
  await page.keyboard.press("Space");
  await tabTo("the Save answer button", (el) => el.tag === "button" && el.text === "Save answer");
  await pressAndWait("Enter");
  steps.push({ step: "answered", url: page.url(), ok: (await page.content()).includes("1 going") });
} catch (e) {
  steps.push({ step: "failed", url: page.url(), ok: false, error: String(e) });
}
await browser.close();
console.log(JSON.stringify({ steps, problems }));
