/// <reference lib="dom" />
import { JSDOM } from "jsdom";
import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { escapeMarkupText, sanitizeHtml, sanitizeSvg } from "./sanitize_markup.ts";
import { defuseMarkdown, markdownToHtml } from "./_markdown.ts";

const SVG = 'xmlns="http://www.w3.org/2000/svg"';

/** Parses `svg` as XML (as a browser opening an .svg file does); throws when not well-formed. */
function parseXml(svg: string): Document {
  return new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
}

Deno.test("sanitizeSvg() removes scripts, handlers, foreign objects and external references", () => {
  const out = sanitizeSvg(
    `<svg ${SVG} onload="alert(1)" width="10"><script>alert(2)</script>` +
      `<rect width="5" onclick="alert(3)" fill="url(https://x.test/a)" clip-path="url(#c1)"/>` +
      `<foreignObject><div><img src="https://x.test/i.png"></div></foreignObject>` +
      `<a href="javascript:alert(4)"><text>link</text></a><use href="https://x.test/s.svg#a"/>` +
      `<image href="https://x.test/p.png"/><style>@import url(https://x.test/c.css);</style>` +
      `<style>.a { fill: red; }</style><animate attributeName="href" to="javascript:alert(5)"/>` +
      `<set attributeName="onload" to="alert(6)"/><meta http-equiv="refresh" content="0;url=https://x.test"/></svg>`,
  );
  assertEquals(
    out,
    `<svg ${SVG} width="10"><rect width="5" clip-path="url(#c1)"></rect>` +
      `<text>link</text><use></use><style>.a { fill: red; }</style></svg>`,
  );
  parseXml(out);
});

Deno.test("sanitizeSvg() writes well-formed XML whatever the text holds", () => {
  const nasty = "a\u0000b\u0001c\u001b[31m &nbsp;\u00a0 <x> & \"q\" 'q' \ud800 ]]> \ufffe";
  const svg = sanitizeSvg(
    `<svg ${SVG}><text aria-label="${escapeMarkupText(nasty)}">${
      escapeMarkupText(nasty)
    }</text></svg>`,
  );
  const doc = parseXml(svg);
  assert(!doc.querySelector("parsererror"), svg);
  const text = doc.querySelector("text")!;
  assertEquals(text.textContent, text.getAttribute("aria-label"));
  assertStringIncludes(text.textContent!, '<x> & "q"');
  // deno-lint-ignore no-control-regex
  assert(!/[\u0000-\u0008\u001b]/.test(svg), "control characters left in the SVG");
  assertEquals(sanitizeSvg("<p>not a chart</p>"), `<svg ${SVG}></svg>`);
});

Deno.test("sanitizeHtml() keeps tables and text structure, drops active content", () => {
  const out = sanitizeHtml(
    '<p class="x" onclick="alert(1)">a <strong>b</strong><br></p><img src=x onerror=alert(1)>' +
      '<table><tr><td colspan="2" style="color: red">1</td></tr></table>' +
      '<a href="javascript:alert(1)">j</a><a href="#t">t</a><a href="https://x.test">e</a>' +
      '<meta http-equiv="refresh" content="0"><iframe srcdoc="<script>alert(1)</script>"></iframe>' +
      '<form action="https://x.test"><input value="v"></form><div style="background:url(https://x.test)">d</div>' +
      '<script>alert(1)</script><svg><script>alert(2)</script><circle r="1"></circle></svg>',
  );
  assertEquals(
    out,
    '<p class="x">a <strong>b</strong><br></p>' +
      '<table><tbody><tr><td colspan="2" style="color: red">1</td></tr></tbody></table>' +
      '<a>j</a><a href="#t">t</a><a>e</a><div>d</div><svg><circle r="1"></circle></svg>',
  );
});

Deno.test("defuseMarkdown() makes raw HTML text and drops unsafe links and images", () => {
  const md = "Text <img src=x onerror=alert(1)> and [a](javascript:alert(1)), [b](#fig-1), " +
    "[c](https://example.org), ![i](https://x.test/t.png) ![j](figure-1.svg)\n\n" +
    "<script>alert(1)</script>\n\n```html\n<b>kept in code</b>\n```\n\n- [d](data:text/html,x)\n";
  const out = defuseMarkdown(md);
  assertEquals(
    out,
    "Text &lt;img src=x onerror=alert(1)&gt; and a, [b](#fig-1), " +
      "[c](https://example.org), i ![j](figure-1.svg)\n\n" +
      "&lt;script&gt;alert(1)&lt;/script&gt;\n\n```html\n<b>kept in code</b>\n```\n\n- d\n",
  );
  const html = markdownToHtml(md);
  assert(!/<script|<img src="http|href="(javascript|data):|<img src=x/i.test(html), html);
});
