#!/usr/bin/env node
// Copy the chart library that `npm ci` installed into static/, where the
// Python package reads it from, with its licence and a PROVENANCE.md saying
// where it came from. static/ is checked in (a wheel or sdist built without
// npm must contain it); rerun this after changing the pinned version:
//
//   make viewer-vendor
//   # which runs:
//   npm --prefix bridge/kfit/viewer ci
//   npm --prefix bridge/kfit/viewer run vendor
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const here = __dirname;
const name = "uplot";
const source = path.join(here, "node_modules", name);
const target = path.join(here, "static");
const files = [
  ["dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
  ["dist/uPlot.min.css", "uPlot.min.css"],
  ["LICENSE", "uPlot.LICENSE"],
];

if (!fs.existsSync(source)) {
  console.error(
    `kfit viewer: node_modules/${name} is missing; run ` +
      "`npm --prefix bridge/kfit/viewer ci` first."
  );
  process.exit(1);
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const version = readJson(path.join(source, "package.json")).version;
const locked = readJson(path.join(here, "package-lock.json")).packages[
  `node_modules/${name}`
];
if (!locked || locked.version !== version) {
  console.error(
    `kfit viewer: node_modules/${name} is ${version}, package-lock.json ` +
      `says ${locked && locked.version}; run \`npm ci\` again.`
  );
  process.exit(1);
}

fs.mkdirSync(target, { recursive: true });
const rows = [];
for (const [from, to] of files) {
  const data = fs.readFileSync(path.join(source, from));
  fs.writeFileSync(path.join(target, to), data);
  const sha256 = crypto.createHash("sha256").update(data).digest("hex");
  rows.push(`| \`${to}\` | \`${from}\` | \`${sha256}\` |`);
}
fs.writeFileSync(
  path.join(target, "VERSION"),
  JSON.stringify({ [name]: version }) + "\n"
);
fs.writeFileSync(
  path.join(target, "PROVENANCE.md"),
  [
    "# Provenance of the chart library",
    "",
    "The live metrics view inlines [uPlot](https://github.com/leeoniya/uPlot),",
    "MIT licence (`uPlot.LICENSE`, its copyright notice), from:",
    "",
    `- npm package \`${name}\` version ${version}`,
    `- tarball https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`,
    `- npm integrity \`${locked.integrity}\``,
    "",
    "The files here are generated, not edited: `make viewer-vendor` runs",
    "`npm --prefix bridge/kfit/viewer ci` (the version pinned in",
    "`package.json` and `package-lock.json`), then",
    "`npm --prefix bridge/kfit/viewer run vendor` (`vendor.js`), which copies",
    "them and writes this file and `VERSION`. They are checked in so that a",
    "wheel or sdist built without npm contains them.",
    "",
    "| file | from the npm package | sha256 |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n")
);
console.log(`kfit viewer: uPlot ${version} copied to ${target}`);
