// Screenshots of pages at desk and phone widths, for people to look at:
//   node screenshots.mjs BASE OUT_DIR [LOGIN PASSWORD] PATH...
import { launch, signIn } from "./browser.mjs";

const [base, out, ...rest] = process.argv.slice(2);
let login = null, password = null, paths = rest;
if (rest.length >= 2 && !rest[0].startsWith("/")) [login, password, ...paths] = rest;
const browser = await launch();
for (const width of [1280, 375]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  if (login) await signIn(page, base, login, password);
  for (const path of paths) {
    await page.goto(base + path);
    const name = (path.replace(/[^a-z0-9]+/gi, "_") || "root") + `-${width}.png`;
    await page.screenshot({ path: `${out}/${name}`, fullPage: true });
  }
  await page.close();
}
await browser.close();
