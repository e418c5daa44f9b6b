// Visits pages, signed in or not, and reports each page's HTTP status and
// axe-core's WCAG A/AA violations as JSON on standard output.
//   node check_pages.mjs '{"base": URL, "visits": [{"path": "/", "login": null, "password": null}]}'
// A visit with "set" ({css selector: value}) fills the page's main form
// and submits it, and checks the page that answers (an error, a conflict).
// "files" ({css selector: {name, text}}) chooses files for file inputs;
// "submit" (a css selector) names the button to press, when the page's
// first form is not the one meant.
import { launch, signIn, violations } from "./browser.mjs";

const { base, visits } = JSON.parse(process.argv[2]);
const browser = await launch();
const contexts = new Map();
async function pageFor(login, password) {
  const key = login || "";
  if (!contexts.has(key)) {
    // The node's CSP forbids inline scripts, axe-core among them: the test
    // browser alone may bypass it.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    if (login) await signIn(page, base, login, password);
    contexts.set(key, page);
  }
  return contexts.get(key);
}
const report = [];
for (const visit of visits) {
  const page = await pageFor(visit.login, visit.password);
  let response = await page.goto(base + visit.path);
  if (visit.set) {
    await page.evaluate((set) => {
      for (const [selector, value] of Object.entries(set)) document.querySelector(selector).value = value;
    }, visit.set);
    for (const [selector, file] of Object.entries(visit.files || {})) {
      await page.setInputFiles(selector, { name: file.name, mimeType: "text/plain", buffer: Buffer.from(file.text) });
    }
    const button = visit.submit || "main form[method=post] button[type=submit]";
    [response] = await Promise.all([page.waitForNavigation(), page.click(button)]);
  }
  report.push({
    path: visit.path + (visit.set ? " (form sent)" : ""),
    login: visit.login || null,
    expect: visit.expect || 200,
    status: response.status(),
    title: await page.title(),
    violations: await violations(page),
  });
  if (visit.mobile) {
    await page.setViewportSize({ width: 320, height: 800 });
    report.push({ path: visit.path + " (320 px)", login: visit.login || null, expect: visit.expect || 200, status: response.status(), title: await page.title(), violations: await violations(page) });
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}
await browser.close();
console.log(JSON.stringify(report));
