/** True in development builds (`node esbuild.mjs`), false in the production build; set by esbuild.mjs. */
declare const __TESTING__: boolean;
