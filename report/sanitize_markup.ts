/**
 * Allow-list sanitising of the SVG and HTML that cells return (Plot figures, `html` templates),
 * before the builder embeds them in HTML, writes them as standalone `.svg` files or puts them in
 * Markdown. The markup is parsed (parse5, the HTML parser of the standard that browsers and jsdom
 * use, into a plain tree: a figure of thousands of marks is parsed without building a DOM for
 * it), and written back out
 * element by element: only elements and attributes that figures and tables need survive; no
 * script, no event handler, no link or reference leaving the document (`href` only to `#id`,
 * `url()` only to `#id`), no `<foreignObject>`, `<iframe>`, `<meta>`, `<style>` with `@import`
 * or `url()`. The result is well-formed XML whatever the input holds: characters XML forbids
 * become U+FFFD, and every special character is escaped.
 *
 * @module
 */
import { type DefaultTreeAdapterMap, parseFragment } from "parse5";

const SVG_NS = "http://www.w3.org/2000/svg";
const HTML_NS = "http://www.w3.org/1999/xhtml";

/** SVG elements a chart needs (what Observable Plot draws, plus legends and clipping). */
const SVG_ELEMENTS = new Set([
  "svg",
  "g",
  "path",
  "rect",
  "circle",
  "ellipse",
  "line",
  "polyline",
  "polygon",
  "text",
  "tspan",
  "title",
  "desc",
  "defs",
  "clipPath",
  "linearGradient",
  "radialGradient",
  "stop",
  "pattern",
  "marker",
  "symbol",
  "use",
  "style",
]);

/** SVG presentation and geometry attributes a chart needs. */
const SVG_ATTRIBUTES = new Set([
  "x",
  "y",
  "x1",
  "y1",
  "x2",
  "y2",
  "cx",
  "cy",
  "r",
  "rx",
  "ry",
  "dx",
  "dy",
  "d",
  "points",
  "width",
  "height",
  "viewBox",
  "preserveAspectRatio",
  "transform",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "opacity",
  "paint-order",
  "vector-effect",
  "shape-rendering",
  "mix-blend-mode",
  "clip-path",
  "clipPathUnits",
  "mask",
  "marker-start",
  "marker-mid",
  "marker-end",
  "markerWidth",
  "markerHeight",
  "markerUnits",
  "refX",
  "refY",
  "orient",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "font-variant",
  "text-anchor",
  "dominant-baseline",
  "alignment-baseline",
  "letter-spacing",
  "writing-mode",
  "offset",
  "stop-color",
  "stop-opacity",
  "gradientUnits",
  "gradientTransform",
  "patternUnits",
  "patternTransform",
  "fx",
  "fy",
  "href",
  "xmlns",
]);

/** HTML elements a cell's `html` output may hold: text structure and tables. */
const HTML_ELEMENTS = new Set([
  "p",
  "div",
  "span",
  "strong",
  "em",
  "b",
  "i",
  "u",
  "s",
  "del",
  "ins",
  "code",
  "pre",
  "kbd",
  "samp",
  "var",
  "small",
  "sub",
  "sup",
  "mark",
  "abbr",
  "cite",
  "q",
  "blockquote",
  "br",
  "hr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "caption",
  "colgroup",
  "col",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "figure",
  "figcaption",
  "details",
  "summary",
  "a",
]);

const HTML_ATTRIBUTES = new Set([
  "colspan",
  "rowspan",
  "scope",
  "headers",
  "span",
  "start",
  "reversed",
  "open",
  "datetime",
  "href",
]);

/** Attributes allowed on every element of either kind. */
const COMMON_ATTRIBUTES = new Set(["class", "id", "title", "lang", "dir", "role", "style"]);

/** HTML elements written without a closing tag. */
const VOID_ELEMENTS = new Set(["br", "hr", "col"]);

/** Elements dropped together with their content (everything else unknown keeps its text). */
const DROP_WITH_CONTENT = new Set([
  "script",
  "style",
  "template",
  "iframe",
  "object",
  "embed",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "select",
  "foreignObject",
  "math",
  "head",
  "meta",
  "link",
  "base",
]);

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];
type ParentNode = DefaultTreeAdapterMap["parentNode"];

/** The markup's top-level nodes, parsed as the content of a `<template>` element. */
function parse(markup: string): Node[] {
  return parseFragment(markup).childNodes;
}

function isElement(node: Node): node is Element {
  return "tagName" in node;
}

/** The text of every descendant text node, in order (the DOM's `textContent`). */
function textContent(node: ParentNode): string {
  let out = "";
  for (const child of node.childNodes) {
    if (child.nodeName === "#text") out += (child as DefaultTreeAdapterMap["textNode"]).value;
    else if (isElement(child)) out += textContent(child);
  }
  return out;
}

/**
 * Sanitises an SVG document (a figure): the root must be `<svg>`; everything outside the
 * allow-list is removed. The result is one well-formed `<svg>` element.
 *
 * @example
 * ```ts
 * sanitizeSvg('<svg onload="alert(1)"><script>alert(2)</script><rect width="1"/></svg>');
 * // '<svg><rect width="1"></rect></svg>'
 * ```
 */
export function sanitizeSvg(svg: string): string {
  const root = parse(svg).find((n): n is Element =>
    isElement(n) && n.namespaceURI === SVG_NS && n.tagName === "svg"
  );
  if (!root) return `<svg xmlns="${SVG_NS}"></svg>`;
  return writeElement(root);
}

/**
 * Sanitises HTML (a cell's `html` output): text structure, tables and inline SVG charts stay;
 * scripts, handlers, forms, frames, external links and resources go.
 */
export function sanitizeHtml(html: string): string {
  return parse(html).map(writeNode).join("");
}

/**
 * Text made safe for XML and HTML content or a quoted attribute value: the five special
 * characters escaped, and characters XML forbids (most control characters, lone surrogates,
 * U+FFFE/U+FFFF) replaced by U+FFFD.
 */
export function escapeMarkupText(text: string): string {
  return xmlChars(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function xmlChars(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    "\ufffd",
  );
}

function writeNode(node: Node): string {
  if (node.nodeName === "#text") {
    return escapeMarkupText((node as DefaultTreeAdapterMap["textNode"]).value);
  }
  if (!isElement(node)) return ""; // comments, doctypes
  return writeElement(node);
}

function writeElement(element: Element): string {
  const svg = element.namespaceURI === SVG_NS;
  const name = element.tagName;
  const known = element.namespaceURI === HTML_NS
    ? HTML_ELEMENTS.has(name)
    : svg && SVG_ELEMENTS.has(name);
  if (!known) {
    if (DROP_WITH_CONTENT.has(name)) return "";
    // An unknown element's text stays, as text.
    return element.childNodes.map(writeNode).join("");
  }
  if (name === "style") {
    const css = textContent(element);
    return safeCss(css) ? `<style>${escapeMarkupText(css)}</style>` : "";
  }
  let out = `<${name}`;
  for (const attribute of element.attrs) {
    const value = safeAttribute(name, attribute, svg);
    if (value !== undefined) out += ` ${attribute.name}="${escapeMarkupText(value)}"`;
  }
  if (!svg && VOID_ELEMENTS.has(name)) return `${out}>`;
  return `${out}>${element.childNodes.map(writeNode).join("")}</${name}>`;
}

function safeAttribute(
  element: string,
  attribute: Element["attrs"][number],
  svg: boolean,
): string | undefined {
  const name = attribute.name;
  const value = attribute.value;
  if (name === "xmlns") return element === "svg" && value === SVG_NS ? value : undefined;
  const allowed = COMMON_ATTRIBUTES.has(name) || /^aria-[a-z]+$/.test(name) ||
    (svg ? SVG_ATTRIBUTES.has(name) : HTML_ATTRIBUTES.has(name));
  // A namespaced attribute (xlink:href, xml:space) has a namespace, as in the DOM.
  if (!allowed || attribute.namespace !== undefined) return undefined;
  if (name === "href") return /^#[\w.:-]*$/.test(value) ? value : undefined;
  if (name === "style") return safeCss(value) ? value : undefined;
  if (/url\s*\(|\\|&#|javascript:|data:|@import|expression\s*\(/i.test(value)) {
    return /^\s*url\(\s*["']?#[\w.:-]+["']?\s*\)\s*$/.test(value) ? value : undefined;
  }
  return value;
}

/** CSS with no way to fetch or run anything: no `url()`, `@import`, escapes or markup. */
function safeCss(css: string): boolean {
  return !/url\s*\(|@import|@namespace|image-set|expression\s*\(|javascript:|behavior|binding|\\|<|&/i
    .test(css);
}
