// A person on node B works in a group of node A from B's web app: finds the
// group, joins it, creates and edits a wiki page, adds a document and a new
// version, and answers an event. What B's pages show after each step is
// reported as JSON; the group's node decides each one, so the script waits
// for A's answer to reach B the way a person would: by reloading.
//   node two_node_journey.mjs '{"base": URL, "login": "...", "password": "...",
//     "group": "records@host", "page": "...", "first": "...", "second": "...",
//     "document": "...", "v1": PATH, "v2": PATH, "event": "...", "kept": "...", "newEvent": "..."}'
import { launch, signIn } from "./browser.mjs";

const input = JSON.parse(process.argv[2]);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const steps = [];
const group = `${input.base}/groups/${input.group}`;

/// Reloads `url` until its main content has `text` (A's answer arriving).
async function reloadUntil(url, text, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    await page.goto(url);
    if ((await page.locator("main").innerText()).includes(text)) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

/// Reloads `url` until its main content links to `name`.
async function reloadUntilLink(url, name, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    await page.goto(url);
    if ((await page.locator("main").getByRole("link", { name, exact: true }).count()) > 0) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

async function submit(button) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button, exact: true }).click()]);
}

async function follow(link) {
  await Promise.all([page.waitForNavigation(), page.locator("main").getByRole("link", { name: link, exact: true }).first().click()]);
}

async function step(name, body) {
  try {
    const ok = await body();
    steps.push({ step: name, url: page.url(), ok: Boolean(ok) });
    return ok;
  } catch (e) {
    steps.push({ step: name, url: page.url(), ok: false, error: String(e) });
    return false;
  }
}

await step("signed in", async () => {
  await signIn(page, input.base, input.login, input.password);
  return (await page.content()).includes("Welcome back");
});

await step("found the group", async () => {
  await page.goto(`${input.base}/groups`);
  await page.fill("#q", input.group);
  await submit("Search");
  await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/groups/${input.group}"]`).first().click()]);
  return page.url() === group;
});

await step("joined", async () => {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^Join/ }).click()]);
  // A accepts; the button then says Leave.
  for (let i = 0; i < 120; i++) {
    await page.goto(group);
    if ((await page.getByRole("button", { name: /^Leave/ }).count()) > 0) return true;
    await page.waitForTimeout(250);
  }
  return false;
});

await step("sees what the group kept before", async () => {
  return reloadUntilLink(`${group}/wiki`, input.kept);
});

await step("created a wiki page", async () => {
  await page.goto(`${group}/wiki`);
  await follow("Create a page");
  await page.fill("#title", input.page);
  await page.fill("#body", input.first);
  await submit("Create page");
  const told = (await page.content()).includes("sent to the group's node");
  return told && (await reloadUntilLink(`${group}/wiki`, input.page));
});

await step("edited the wiki page", async () => {
  await follow(input.page);
  const pageUrl = page.url();
  await follow("Edit this page");
  await page.fill("#body", input.second);
  await page.fill("#summary", "Edited from another node");
  await submit("Save changes");
  return reloadUntil(pageUrl, input.second.split("\n").pop());
});

await step("history shows both revisions", async () => {
  await follow("History");
  const rows = await page.locator("main table tbody tr").count();
  return rows === 2 && (await page.locator("main").innerText()).includes("Edited from another node");
});

await step("added a document", async () => {
  await page.goto(`${group}/library`);
  await follow("Add a document");
  await page.fill("#title", input.document);
  await page.setInputFiles("#file", input.v1);
  await submit("Add document");
  const told = (await page.content()).includes("sent to the group's node");
  return told && (await reloadUntilLink(`${group}/library`, input.document));
});

await step("added a new version", async () => {
  await follow(input.document);
  const itemUrl = page.url();
  await page.setInputFiles("#file", input.v2);
  await submit("Upload new version");
  for (let i = 0; i < 120; i++) {
    await page.goto(itemUrl);
    if ((await page.locator("main table tbody tr").count()) === 2) return true;
    await page.waitForTimeout(250);
  }
  return false;
});

await step("answered the event", async () => {
  await page.goto(`${group}/events`);
  await follow(input.event);
  const eventUrl = page.url();
  await page.getByLabel("Going", { exact: true }).check();
  await submit("Save answer");
  return reloadUntil(eventUrl, "1 going");
});

await step("proposed an event", async () => {
  await page.goto(`${group}/events`);
  await follow("Create an event");
  await page.fill("#title", input.newEvent);
  await page.fill("#starts_at", "2031-03-02T10:00");
  await page.fill("#place_name", "Council chamber");
  await submit("Create event");
  const told = (await page.content()).includes("sent to the group's node");
  return told && (await reloadUntilLink(`${group}/events`, input.newEvent));
});

await browser.close();
console.log(JSON.stringify({ steps }));
