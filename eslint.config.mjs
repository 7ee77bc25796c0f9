// Lint and formatting as the Effect packages have them: ESLint with
// typescript-eslint and @effect/eslint-plugin, whose `@effect/dprint` rule
// formats with dprint (Effect's settings below).
//   npm run lint     report problems, formatting included
//   npm run format   fix what can be fixed (eslint --fix)
import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import { defineConfig } from "eslint/config"
import tseslint from "typescript-eslint"

export default defineConfig(
  { ignores: ["**/dist", "**/docs", "**/node_modules", "coverage", "bench/.tmp"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  effectEslint.configs.dprint,
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // tsc checks names; plain JS files here are Node scripts
      "no-undef": "off",
      "no-fallthrough": "off",
      "no-irregular-whitespace": "off",
      // the renderers match control characters on purpose, to escape them
      "no-control-regex": "off",
      "object-shorthand": "error",
      "prefer-destructuring": "off",
      "sort-imports": "off",
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='push'] > SpreadElement.arguments",
          message: "Do not use spread arguments in Array.push"
        }
      ],
      "no-unused-vars": "off",
      "prefer-rest-params": "off",
      "prefer-spread": "off",
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/ban-ts-comment": "off",
      "@typescript-eslint/consistent-type-imports": "warn",
      "@typescript-eslint/no-empty-interface": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-function-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ]
    }
  },
  {
    // The Effect-free core: nothing from Effect, nothing from the binding (src/internal) or the public modules.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(effect|@effect/.*)(/.*)?$",
              message: "src/core is Effect-free: it must not import effect or @effect/*."
            },
            {
              regex: "^\\.\\./(?!core/)",
              message: "src/core imports only src/core: not src/internal, the public modules or the drivers."
            },
            { regex: "^#", message: "src/core imports only src/core: not #platform." }
          ]
        }
      ]
    }
  },
  // a file does one job, a function one step (issue 20): `npm run lint` names any that grows past the limit
  {
    files: ["src/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 500 }],
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }]
    }
  }
)
