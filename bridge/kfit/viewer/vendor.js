#!/usr/bin/env node
// Copy the chart library that `npm ci` installed into static/, where the
// Python package reads it from. static/ is build output: git-ignored.
//
//   npm --prefix bridge/kfit/viewer ci
//   npm --prefix bridge/kfit/viewer run vendor
"use strict";

const fs = require("fs");
const path = require("path");

const here = __dirname;
const source = path.join(here, "node_modules", "uplot");
const target = path.join(here, "static");
const files = [
  ["dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
  ["dist/uPlot.min.css", "uPlot.min.css"],
  ["LICENSE", "uPlot.LICENSE"],
];

if (!fs.existsSync(source)) {
  console.error(
    "kfit viewer: node_modules/uplot is missing; run " +
      "`npm --prefix bridge/kfit/viewer ci` first."
  );
  process.exit(1);
}

const version = JSON.parse(
  fs.readFileSync(path.join(source, "package.json"), "utf8")
).version;

fs.mkdirSync(target, { recursive: true });
for (const [from, to] of files) {
  fs.copyFileSync(path.join(source, from), path.join(target, to));
}
fs.writeFileSync(
  path.join(target, "VERSION"),
  JSON.stringify({ uplot: version }) + "\n"
);
console.log(`kfit viewer: uPlot ${version} copied to ${target}`);
