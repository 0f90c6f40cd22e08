/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j|mj)s$": ["@swc/jest", { jsc: { target: "es2023", parser: { syntax: "typescript" } }, module: { type: "commonjs", ignoreDynamic: true } }]
  },
  // jose is published as ESM only: let swc turn it into CommonJS for jest's module system.
  transformIgnorePatterns: ["/node_modules/(?!(jose)/)"],
  moduleFileExtensions: ["ts", "js", "mjs", "json"],
  // What kernel/plugins/sdk-alias.ts does for a running host (jest's resolver ignores Node's hooks).
  moduleNameMapper: { "^@docmill/sdk$": "<rootDir>/sdk/index.ts" },
  setupFiles: ["<rootDir>/test/setup-env.ts"],
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  testTimeout: 60000,
  maxWorkers: 2
};
