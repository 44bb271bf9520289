// Prints each failed test of a TRX file with the first lines of its message, so the tail of CI's output names them.
const fs = require("fs");
const trx = fs.readFileSync(process.argv[2], "utf8");
const decode = (s) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const results = trx.match(/<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"[^>]*?(\/>|>[\s\S]*?<\/UnitTestResult>)/g) || [];
for (const result of results) {
  const name = decode(/testName="([^"]*)"/.exec(result)[1]);
  const message = /<Message>([\s\S]*?)<\/Message>/.exec(result);
  const lines = message ? decode(message[1]).split("\n").slice(0, 4).map((l) => "    " + l.slice(0, 300)) : [];
  console.log(["FAILED " + name, ...lines].join("\n"));
}
