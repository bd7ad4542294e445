import { assertEquals } from "../tests/assert.ts";
import { csvField, csvText, renderCsv } from "./render_csv.ts";

Deno.test("csvField() prefixes every text a spreadsheet would run as a formula with a quote", () => {
  const hostile: [string, string][] = [
    ["=1+1", "'=1+1"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", `"'\r=1+1"`],
    // Text that merely looks numeric is text: it is defused too.
    ["-3.5", "'-3.5"],
    ["+1", "'+1"],
  ];
  for (const [text, expected] of hostile) assertEquals(csvField(text), expected, text);
});

Deno.test("csvField() writes numbers as numbers and quotes separators per RFC 4180", () => {
  assertEquals(csvField(-3.5), "-3.5");
  assertEquals(csvField(1e-7), "1e-7");
  assertEquals(csvField(0), "0");
  assertEquals(csvField(true), "true");
  assertEquals(csvField(null), "");
  assertEquals(csvField(undefined), "");
  assertEquals(csvField("plain"), "plain");
  assertEquals(csvField("a=1"), "a=1");
  assertEquals(csvField('a,"b"'), '"a,""b"""');
  assertEquals(csvField("line\nbreak"), '"line\nbreak"');
  assertEquals(csvField(" padded"), '" padded"');
  assertEquals(csvField("−3.5"), "−3.5");
});

Deno.test("csvText() and renderCsv() end every line with CRLF and keep raw values", () => {
  assertEquals(csvText([["a", "b"], [1, "=x"]]), "a,b\r\n1,'=x\r\n");
  const csv = renderCsv({
    columns: [
      { key: "runtime", label: "runtime", align: "left" },
      { key: "ms", label: "time, ms", align: "right" },
    ],
    rows: [
      [{ text: "=evil()", raw: "=evil()" }, { text: "−3.5", raw: -3.5 }],
      [{ text: "—", raw: null }, { text: "12 346", raw: 12345.678 }],
    ],
  });
  assertEquals(csv, `runtime,"time, ms"\r\n'=evil(),-3.5\r\n,12345.678\r\n`);
});
